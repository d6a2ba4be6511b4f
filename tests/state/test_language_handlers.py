"""The interface language: saved per user from the Profile tab, applied on every page load."""

from __future__ import annotations

from sqlmodel import Session

from invoicehub.domain.plain_errors import PLAIN_ERRORS, FailureKind
from invoicehub.models import User
from invoicehub.pages.settings.state import SettingsState
from invoicehub.state.auth import AuthState
from invoicehub.state.i18n import I18nState
from tests.factories import make_user
from tests.state.conftest import call, session_token, state_for


def test_a_new_user_reads_polish_and_choosing_english_is_saved_and_applied(session: Session):
    user = make_user(session)
    assert user.language == "pl"
    token = session_token(session, user)
    settings = state_for(SettingsState, token, "/settings")
    call(settings, "load")
    assert settings.profile_language == "pl"

    call(settings, "save_language", "en")
    tab = state_for(AuthState, token, "/settings")  # a fresh tab of the same user
    call(tab, "open_page", "Settings")
    i18n = tab.parent_state.get_substate(I18nState.get_full_name().split("."))  # type: ignore[union-attr]
    session.expire_all()
    assert session.get(User, user.id).language == "en"  # type: ignore[union-attr]
    assert settings.language_message == "Language saved."
    assert i18n.lang == "en" and i18n.t["Invoices"] == "Invoices"


def test_an_unsupported_language_is_refused_and_nothing_changes(session: Session):
    user = make_user(session)
    settings = state_for(SettingsState, session_token(session, user), "/settings")
    call(settings, "load")
    assert call(settings, "save_language", "de") == []
    session.expire_all()
    assert session.get(User, user.id).language == "pl"  # type: ignore[union-attr]
    assert settings.profile_language == "pl" and settings.language_message == ""


def test_a_polish_user_gets_polish_messages_and_plain_validation_errors(session: Session):
    user = make_user(session)
    settings = state_for(SettingsState, session_token(session, user), "/settings")
    call(settings, "load")
    settings.company["postal_code"] = "12345"
    settings.company["name"] = ""
    call(settings, "save_company")
    assert settings.company_errors == {
        "name": "To pole jest wymagane.",
        "postal_code": "Kod pocztowy musi mieć postać 00-950.",
    }
    call(settings, "save_password", {"new_password": "a", "confirm_password": "b"})
    assert settings.password_error == "Nowe hasła nie są takie same."


def test_the_page_marks_html_lang_and_title_of_a_signed_out_visitor_in_polish(session: Session):
    tab = state_for(AuthState, None, "/login")
    events = call(tab, "open_page", "Sign in")
    script = str(events[0])
    assert "document.documentElement.lang" in script and "Zaloguj się · Invoice-HUB" in script


def test_notifications_the_sync_writes_in_english_read_polish_in_the_bell(session: Session):
    from invoicehub.components.notifications import NotificationsState
    from invoicehub.domain.seller_data import notify_seller_data_missing
    from invoicehub.integrations.allegro.connection.refresh import mark_needs_reauth
    from invoicehub.integrations.allegro.runs.outcomes import _notify_held
    from tests.factories import make_integration

    user = make_user(session, complete_company=False)
    integration = make_integration(session, user)
    login = integration.allegro_login
    _notify_held(session, integration, 3)
    notify_seller_data_missing(session, user.tenant_id, user.id)
    mark_needs_reauth(session, integration, "invalid_token")
    session.commit()

    bell = state_for(NotificationsState, session_token(session, user), "/settings")
    call(bell, "load")
    shown = {(item["title"], item["body"]) for item in bell.items}
    assert shown == {
        (
            f"Zamówienia z konta {login} czekające na sprawdzenie: 3",
            "Ustawienia → Integracje pokazują je wraz z przyczyną. Usuń przyczynę, a potem "
            "uruchom ręczną synchronizację: ponowi próbę.",
        ),
        (
            "Fakturowanie jest wstrzymane, dopóki dane firmy nie będą kompletne",
            "Brakuje: ulica, kod pocztowy, miejscowość. Uzupełnij je w Ustawienia → Firma, "
            "a potem uruchom ręczną synchronizację: zamówienia czekające na sprawdzenie "
            "zostaną zafakturowane.",
        ),
        # Issue 13: the seller reads the plain sentence, never the raw "invalid_token".
        (
            f"Konto Allegro {login} trzeba połączyć ponownie",
            PLAIN_ERRORS[FailureKind.AUTH_REVOKED].in_language("pl"),
        ),
    }


def test_seller_ux_texts_read_english_for_an_english_seller_and_polish_for_a_polish_one(
    session: Session,
):
    """The setup checklist, the review cards and the admin's hold reach each seller in their
    language, also the texts stored before anyone knew who reads them."""
    from datetime import UTC, datetime
    from decimal import Decimal

    from invoicehub.components.notifications import NotificationsState
    from invoicehub.domain.order_reasons import SkipGroup, describe_skips
    from invoicehub.i18n import catalog
    from invoicehub.i18n.stored import translate_stored
    from invoicehub.integrations.allegro.runs.review import ReviewOrder
    from invoicehub.models import Role
    from invoicehub.pages.admin.disable_dialog import AdminDisableState
    from invoicehub.pages.settings.integrations_sync import review_row
    from invoicehub.pages.settings.setup_checklist import SetupState
    from tests.factories import make_integration

    admin = make_user(session, role=Role.ADMIN)
    readers = {language: make_user(session, language=language) for language in ("en", "pl")}
    expected = {
        "en": (
            "Complete the company details",
            "Reason given by the administrator: Unpaid platform invoice",
            "Allegro no longer accepts the connection to this account.",
            "Skipped: 2 cancelled by the buyer.",
        ),
        "pl": (
            "Uzupełnij dane firmy",
            "Powód podany przez administratora: Unpaid platform invoice",
            "Allegro nie akceptuje już połączenia z tym kontem.",
            "Pominięte: 2 anulowane przez kupującego.",
        ),
    }
    for language, user in readers.items():
        integration = make_integration(session, user)
        disable = state_for(AdminDisableState, session_token(session, admin), "/admin/allegro")
        call(disable, "open_for", str(integration.id), integration.allegro_login)
        call(disable, "set_reason", "Unpaid platform invoice")
        call(disable, "confirm")
        token = session_token(session, user)
        step, hold, failure, skips = expected[language]

        setup = state_for(SetupState, token, "/settings")
        call(setup, "load")
        labels = [catalog(language)[s["label"]] for s in setup.steps]  # what `tr_value` shows
        assert step in labels and "First steps" in catalog(language)

        bell = state_for(NotificationsState, token, "/settings")
        call(bell, "load")
        assert any(hold in item["body"] for item in bell.items), bell.items

        held = ReviewOrder(
            "form-1",
            "Jan",
            Decimal("10.00"),
            "PLN",
            None,
            "AuthError: GET /order/checkout-forms/form-1: 401 invalid_token",
            None,
            datetime.now(UTC),
        )
        assert review_row(held, language)["reason"].startswith(failure)
        # A plain failure stored in English (or Polish, before the catalogue) reads as the user's.
        revoked = PLAIN_ERRORS[FailureKind.AUTH_REVOKED]
        for stored in (revoked.text, revoked.in_language("pl")):
            assert translate_stored(language, stored) == revoked.in_language(language)
        assert describe_skips({SkipGroup.CANCELLED: 2}, language) == skips
