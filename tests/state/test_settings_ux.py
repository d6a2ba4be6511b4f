"""Settings page behaviour from issue 13: guided setup, URLs and state (items 3 and 7)."""

from __future__ import annotations

from sqlmodel import Session, select

from invoicehub.auth.accounts import default_company
from invoicehub.integrations.ksef.connection import update_connection
from invoicehub.integrations.ksef.environments import KsefEnvironment
from invoicehub.models import Company, SyncRun, User
from invoicehub.pages.invoices_state import InvoicesState
from invoicehub.pages.settings.integrations_state import CLEAN_URL_SCRIPT, IntegrationsState
from invoicehub.pages.settings.setup_checklist import SetupState
from invoicehub.pages.settings.state import SettingsState
from invoicehub.state.auth import AuthState
from tests.factories import make_integration, make_user
from tests.state.conftest import call, session_token, state_for


def _scripts(events: list) -> str:
    return repr(events)


def test_checklist_walks_a_new_seller_through_the_setup(session: Session):
    seller = make_user(session)
    token = session_token(session, seller)
    setup = state_for(SetupState, token, "/settings")
    call(setup, "load")
    assert not setup.finished
    done = {step["key"]: step["done"] == "true" for step in setup.steps}
    assert list(done) == ["company", "ksef", "allegro", "settings", "sync"]
    assert done["company"] and not done["ksef"] and not done["allegro"]  # a complete company

    integration = make_integration(session, seller, settings={"syncFrequencyMinutes": 30})
    session.add(
        SyncRun(tenant_id=seller.tenant_id, integration_id=integration.id, status="succeeded")
    )
    session.commit()
    call(setup, "load")
    assert not setup.finished and [s["key"] for s in setup.steps if s["done"] != "true"] == ["ksef"]

    company = default_company(session, seller.tenant_id)
    assert company is not None
    update_connection(
        session,
        seller.tenant_id,
        company.id,
        environment=KsefEnvironment.EMULATOR,
        auto_send=True,
        token="a-token",
    )
    session.commit()
    call(setup, "load")
    assert setup.finished


def test_empty_profile_name_is_refused_and_a_saved_name_reaches_the_navbar(session: Session):
    seller = make_user(session)
    settings = state_for(SettingsState, session_token(session, seller), "/settings")
    call(settings, "load")
    call(settings, "save_profile", {"name": "   ", "email": seller.email})
    assert settings.profile_error and settings.profile_message == ""
    session.expire_all()
    assert session.get(User, seller.id).name == seller.name  # type: ignore[union-attr]

    call(settings, "save_profile", {"name": "Zofia Kowalska", "email": seller.email})
    assert settings.profile_error == "" and settings.profile_message
    auth = settings._get_root_state().get_substate(AuthState.get_full_name().split("."))
    assert auth.user_name == "Zofia Kowalska"  # type: ignore[attr-defined]


def test_a_new_action_clears_the_earlier_actions_message(session: Session):
    seller = make_user(session)
    settings = state_for(SettingsState, session_token(session, seller), "/settings")
    call(settings, "load")
    call(settings, "save_profile", {"name": "Jan", "email": seller.email})
    assert settings.profile_message
    call(settings, "save_password", {"new_password": "a", "confirm_password": "b"})
    assert settings.profile_message == "" and settings.password_error


def test_leaving_a_tab_with_unsaved_edits_asks_and_no_keeps_the_edits(session: Session):
    seller = make_user(session)
    settings = state_for(SettingsState, session_token(session, seller), "/settings?tab=company")
    call(settings, "load")
    assert settings.tab == "company"
    call(settings, "set_company_field", "city", "Gdynia")
    (asked,) = call(settings, "set_tab", "profile")
    assert "window.confirm" in _scripts([asked]) and settings.tab == "company"
    call(settings, "leave_tab", False)
    assert settings.tab == "company" and settings.company["city"] == "Gdynia"
    call(settings, "set_tab", "profile")
    call(settings, "leave_tab", True)
    assert settings.tab == "profile" and settings.company["city"] != "Gdynia"
    assert not settings.company_dirty
    company = session.exec(select(Company).where(Company.tenant_id == seller.tenant_id)).one()
    assert company.city != "Gdynia"


def test_the_tab_is_unknown_until_load_reads_it_from_the_url(session: Session):
    seller = make_user(session)
    token = session_token(session, seller)
    settings = state_for(SettingsState, token, "/settings?tab=integrations")
    assert settings.tab == ""  # nothing shown yet, not Profile
    call(settings, "load")
    assert settings.tab == "integrations"


def test_connected_parameter_is_dropped_from_the_url_once_shown(session: Session):
    seller = make_user(session, language="en")
    integration = make_integration(session, seller)
    path = f"/settings?tab=integrations&connected={integration.id}"
    tab = state_for(IntegrationsState, session_token(session, seller), path)
    events = call(tab, "load")
    assert "connected." in tab.banner
    assert "replaceState" in _scripts(events)
    assert CLEAN_URL_SCRIPT.startswith("history.replaceState")


def test_invoice_list_keeps_its_page_in_the_url(session: Session):
    seller = make_user(session)
    invoices = state_for(InvoicesState, session_token(session, seller), "/invoices?page=3")
    events = call(invoices, "load")
    assert invoices.page == 1  # no invoices: page 3 does not exist, the first is shown
    assert "replaceState" in _scripts(events)
