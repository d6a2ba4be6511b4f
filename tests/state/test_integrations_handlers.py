"""The Integrations tab's handlers: tenant-scoped ids, refused saves store nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlmodel import Session, select

from invoicehub.components import display
from invoicehub.integrations.allegro.runs.review import allegro_order_url
from invoicehub.models import AllegroIntegration, AllegroOrder, SyncRun
from invoicehub.pages.settings.integrations_state import IntegrationsState
from invoicehub.pages.settings.integrations_sync import SyncState
from tests.factories import make_integration, make_user
from tests.state.conftest import call, redirects_to, session_token, state_for

PATH = "/settings?tab=integrations"


def _stored(session: Session, integration: AllegroIntegration) -> AllegroIntegration:
    session.expire_all()
    row = session.get(AllegroIntegration, integration.id)
    assert row is not None
    return row


def test_load_lists_own_integrations_and_shows_the_oauth_error_as_text(session: Session):
    seller = make_user(session, language="en")
    own = make_integration(session, seller)
    make_integration(session, make_user(session, language="en"))  # another tenant's
    tab = state_for(
        IntegrationsState, session_token(session, seller), PATH + "&error=%3Cb%3Enope%3C%2Fb%3E"
    )
    call(tab, "load")
    assert [row["id"] for row in tab.integrations] == [str(own.id)]
    assert tab.selected_integration == str(own.id)
    assert tab.banner_error == "<b>nope</b>"  # rendered by rx.text, so shown literally
    assert tab.settings["sync_frequency_minutes"] == "60" and tab.settings["auto_generate_invoices"]


def test_refused_save_stores_nothing_and_shows_the_stored_values(session: Session):
    seller = make_user(session, language="en")
    integration = make_integration(session, seller, settings={"defaultVatRate": 8})
    tab = state_for(IntegrationsState, session_token(session, seller), PATH)
    call(tab, "load")
    call(tab, "set_flag", "auto_mark_as_paid", True)
    call(tab, "set_choice", "sync_frequency_minutes", "7")
    call(tab, "save_settings")
    assert tab.field_errors["sync_frequency_minutes"] == "Choose one of the offered values."
    assert tab.success == "" and tab.error.startswith("Settings not saved")
    assert (
        tab.settings["sync_frequency_minutes"] == "60"
        and tab.settings["auto_mark_as_paid"] is False
    )
    assert not tab.saving
    assert _stored(session, integration).settings == {"defaultVatRate": 8}


def test_save_stores_the_form_and_keeps_unknown_keys_out(session: Session):
    seller = make_user(session, language="en")
    integration = make_integration(session, seller)
    tab = state_for(IntegrationsState, session_token(session, seller), PATH)
    call(tab, "load")
    call(tab, "set_choice", "default_vat_rate", "zw")
    call(tab, "set_choice", "isActive", "false")  # not a form field: ignored
    call(tab, "set_flag", "invoice_mode", True)
    call(tab, "save_settings")
    assert tab.success == "Settings saved." and tab.field_errors == {}
    stored = _stored(session, integration).settings or {}
    assert stored["defaultVatRate"] == "zw" and stored["invoiceMode"] == "requested_only"
    assert "isActive" not in stored


def test_foreign_integration_ids_are_refused(session: Session):
    victim = make_integration(
        session, make_user(session, language="en"), settings={"autoMarkAsPaid": False}
    )
    attacker = make_user(session, language="en")
    token = session_token(session, attacker)
    tab = state_for(IntegrationsState, token, PATH)
    call(tab, "load")
    call(tab, "select_integration", str(victim.id))
    assert tab.selected_integration == ""
    assert tab.banner_error == "That integration does not exist."

    tab.selected_integration = str(victim.id)  # a tampered client state
    tab.settings = {"auto_mark_as_paid": True}
    call(tab, "save_settings")
    call(tab, "disconnect")
    sync = state_for(SyncState, token, PATH)
    sync_tab = sync._get_root_state().get_substate(IntegrationsState.get_full_name().split("."))
    sync_tab.selected_integration = str(victim.id)  # type: ignore[attr-defined]
    call(sync, "start_sync")
    assert sync.sync_error == "That integration does not exist."

    stored = _stored(session, victim)
    assert stored.status == "active" and stored.settings == {"autoMarkAsPaid": False}
    assert session.exec(select(SyncRun)).all() == []


def test_anonymous_handlers_redirect_to_login(session: Session):
    integration = make_integration(session, make_user(session, language="en"))
    tab = state_for(IntegrationsState, None, PATH)
    tab.selected_integration = str(integration.id)
    assert redirects_to(call(tab, "disconnect")).startswith("/login")
    assert redirects_to(call(tab, "connect")).startswith("/login")
    assert redirects_to(call(tab, "set_flag", "auto_mark_as_paid", True)).startswith("/login")
    assert tab.settings == {}
    assert _stored(session, integration).status == "active"


def test_disconnect_and_manual_sync_rate_limit(session: Session):
    seller = make_user(session, language="en")
    integration = make_integration(session, seller)
    token = session_token(session, seller)
    sync = state_for(SyncState, token, PATH)
    tab = sync._get_root_state().get_substate(IntegrationsState.get_full_name().split("."))
    call(tab, "load")  # type: ignore[arg-type]

    call(sync, "start_sync")  # queued: the job goes to Redis after commit
    assert sync.run["status"] == "queued" and sync.sync_loading
    sync.sync_loading = False
    call(sync, "start_sync")
    assert sync.sync_error.startswith("A manual sync ran less than a minute ago")

    call(tab, "disconnect")  # type: ignore[arg-type]
    assert _stored(session, integration).status == "disconnected"
    assert tab.integrations[0]["status"] == "disconnected"  # type: ignore[attr-defined]


def test_sync_panel_lists_orders_to_review_with_their_reasons(session: Session):
    seller = make_user(session, language="en")
    integration = make_integration(session, seller)
    session.add(
        AllegroOrder(
            tenant_id=seller.tenant_id,
            integration_id=integration.id,
            checkout_form_id="form-review-1",
            allegro_status="READY_FOR_PROCESSING",
            state="needs_review",
            reason="invalid NIP 1234567890: the checksum does not match",
            raw={
                "buyer": {"login": "kupujacy_1", "firstName": "Anna", "lastName": "Nowak"},
                "summary": {"totalToPay": {"amount": "123.45", "currency": "PLN"}},
                "lineItems": [{"boughtAt": "2026-11-30T10:15:00Z"}],
            },
        )
    )
    session.add(
        AllegroOrder(
            tenant_id=seller.tenant_id,
            integration_id=integration.id,
            checkout_form_id="form-ok-1",
            allegro_status="READY_FOR_PROCESSING",
            state="invoiced",
        )
    )
    session.commit()
    sync = state_for(SyncState, session_token(session, seller), PATH)
    tab = sync._get_root_state().get_substate(IntegrationsState.get_full_name().split("."))
    call(tab, "load")  # type: ignore[arg-type]
    call(sync, "refresh")
    assert sync.review_total == 1
    assert sync.review == [
        {
            "order": "form-review-1",
            "buyer": "Anna Nowak",
            "amount": display.amount(Decimal("123.45"), "PLN"),
            "date": display.when(datetime(2026, 11, 30, 10, 15, tzinfo=UTC), ""),
            "reason": "invalid NIP 1234567890: the checksum does not match",
            "url": allegro_order_url("form-review-1"),
            "invoice_id": "",
            "updated": sync.review[0]["updated"],
        }
    ]
    assert sync.runs == [] and sync.run == {} and not sync.sync_loading


def test_orders_to_review_are_paged_and_a_shrunk_list_shows_its_last_page(session: Session):
    seller = make_user(session, language="en")
    integration = make_integration(session, seller)
    held = [
        AllegroOrder(
            tenant_id=seller.tenant_id,
            integration_id=integration.id,
            checkout_form_id=f"form-held-{n:02d}",
            allegro_status="READY_FOR_PROCESSING",
            state="needs_review",
            reason="no seller company is configured for this integration",
        )
        for n in range(25)
    ]
    session.add_all(held)
    session.commit()
    sync = state_for(SyncState, session_token(session, seller), PATH)
    tab = sync._get_root_state().get_substate(IntegrationsState.get_full_name().split("."))
    call(tab, "load")  # type: ignore[arg-type]
    call(sync, "refresh")
    assert (len(sync.review), sync.review_total, sync.review_pages) == (20, 25, 2)
    call(sync, "review_next")
    call(sync, "refresh")
    assert sync.review_page == 2 and len(sync.review) == 5
    page_two = {row["order"] for row in sync.review}

    for order in [o for o in held if o.checkout_form_id not in page_two][:10]:
        session.delete(order)  # decided meanwhile: 15 left, one page
    session.commit()
    call(sync, "refresh")
    assert sync.review_page == 1 and len(sync.review) == 15 and sync.review_total == 15
    assert page_two <= {row["order"] for row in sync.review}
