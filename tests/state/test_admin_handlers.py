"""Admin handlers re-check the role on the server: a seller calling them over the websocket
changes nothing and learns nothing."""

from __future__ import annotations

from sqlmodel import Session, select

from invoicehub.activity import notify
from invoicehub.models import (
    AllegroIntegration,
    Audience,
    AuditEvent,
    Notification,
    Role,
    SyncRun,
)
from invoicehub.pages.admin.auto_refresh import AdminAutoRefreshState
from invoicehub.pages.admin.disable_dialog import AdminDisableState
from invoicehub.pages.admin.panels import AdminPanelsState
from invoicehub.pages.admin.settings_dialog import AdminSettingsState
from invoicehub.pages.admin.state import AdminAllegroState
from invoicehub.pages.settings.integrations_state import integration_row
from tests.factories import make_integration, make_user
from tests.state.conftest import call, redirects_to, session_token, state_for

PATH = "/admin/allegro"


def _admin_notification(session: Session) -> Notification:
    notify(session, kind="sync.failed", title="Sync failed", audience=Audience.ADMIN)
    session.commit()
    return session.exec(select(Notification)).one()


def test_seller_calling_admin_handlers_changes_nothing(session: Session):
    seller = make_user(session, language="en")
    integration = make_integration(session, seller)
    note = _admin_notification(session)
    token = session_token(session, seller)

    table = state_for(AdminAllegroState, token, PATH)
    assert redirects_to(call(table, "load")) == "/settings"
    assert table.summary == {} and table.rows == []
    assert redirects_to(call(table, "set_enabled", str(integration.id), False)) == "/settings"
    assert redirects_to(call(table, "sync_integration", str(integration.id))) == "/settings"

    dialog = state_for(AdminSettingsState, token, PATH)
    assert redirects_to(call(dialog, "open_for", str(integration.id))) == "/settings"
    assert dialog.settings == {} and not dialog.open
    assert redirects_to(call(dialog, "set_open", True)) == "/settings" and not dialog.open
    dialog.integration_id = str(integration.id)  # as if the client forged the dialog's state
    dialog.settings = {"sync_frequency_minutes": "5", "auto_mark_as_paid": True}
    assert redirects_to(call(dialog, "save")) == "/settings"

    panels = state_for(AdminPanelsState, token, PATH)
    assert redirects_to(call(panels, "mark_read", str(note.id))) == "/settings"
    assert panels.notifications == []

    session.expire_all()
    stored = session.get(AllegroIntegration, integration.id)
    assert stored is not None and stored.status == "active" and stored.is_active
    assert stored.settings is None
    assert session.exec(select(SyncRun)).all() == []
    assert session.get(Notification, note.id).read_at is None  # type: ignore[union-attr]


def test_anonymous_caller_is_sent_to_login_and_changes_nothing(session: Session):
    seller = make_user(session, language="en")
    integration = make_integration(session, seller)
    table = state_for(AdminAllegroState, None, PATH)
    assert redirects_to(call(table, "set_enabled", str(integration.id), False)).startswith("/login")
    session.expire_all()
    assert session.get(AllegroIntegration, integration.id).status == "active"  # type: ignore[union-attr]


def test_admin_summary_matches_the_database_and_actions_apply(session: Session):
    admin = make_user(session, language="en", role=Role.ADMIN)
    seller = make_user(session, language="en")
    first = make_integration(session, seller)
    second = make_integration(session, seller)
    second.sync_error_count = 2
    session.add(second)
    session.commit()
    table = state_for(AdminAllegroState, session_token(session, admin), PATH)

    assert call(table, "load") == []
    assert table.summary["total"] == "2" and table.summary["active"] == "2"
    assert table.summary["errors"] == "1"
    assert {row["id"] for row in table.rows} == {str(first.id), str(second.id)}

    disable = state_for(AdminDisableState, session_token(session, admin), PATH)
    call(disable, "open_for", str(first.id), "first")
    call(disable, "set_reason", "Suspected abuse of the API")
    call(disable, "confirm")
    call(table, "refresh")
    assert table.summary["active"] == "1" and table.error == ""
    session.expire_all()
    assert session.get(AllegroIntegration, first.id).status == "disabled"  # type: ignore[union-attr]

    call(table, "sync_integration", str(second.id))
    assert (
        session.exec(select(SyncRun).where(SyncRun.integration_id == second.id)).one().trigger
        == "admin"
    )

    call(table, "set_status_filter", "disabled")
    assert [row["id"] for row in table.rows] == [str(first.id)]


def test_admin_dialog_refuses_an_invalid_value_and_keeps_the_stored_one(session: Session):
    admin = make_user(session, language="en", role=Role.ADMIN)
    integration = make_integration(
        session, make_user(session, language="en"), settings={"syncFrequencyMinutes": 30}
    )
    dialog = state_for(AdminSettingsState, session_token(session, admin), PATH)
    call(dialog, "open_for", str(integration.id))
    assert dialog.open and dialog.settings["sync_frequency_minutes"] == "30"

    call(dialog, "set_choice", "sync_frequency_minutes", "7")
    call(dialog, "save")
    assert "sync_frequency_minutes" in dialog.field_errors
    assert (
        dialog.settings["sync_frequency_minutes"] == "30"
    )  # the form shows the stored value again
    session.expire_all()
    assert session.get(AllegroIntegration, integration.id).settings["syncFrequencyMinutes"] == 30  # type: ignore[index,union-attr]

    call(dialog, "set_flag", "auto_mark_as_paid", True)
    call(dialog, "save")
    assert dialog.success == "Settings saved." and dialog.field_errors == {}
    session.expire_all()
    assert session.get(AllegroIntegration, integration.id).settings["autoMarkAsPaid"] is True  # type: ignore[index,union-attr]


def test_disable_asks_for_a_reason_which_is_audited_and_shown_to_the_seller(session: Session):
    admin = make_user(session, role=Role.ADMIN)
    seller = make_user(session)
    integration = make_integration(session, seller)
    disable = state_for(AdminDisableState, session_token(session, admin), PATH)
    call(disable, "open_for", str(integration.id), "shop")
    assert disable.open
    call(disable, "confirm")  # no reason yet: refused, nothing changes
    assert disable.error and disable.open
    session.expire_all()
    assert session.get(AllegroIntegration, integration.id).status == "active"  # type: ignore[union-attr]

    call(disable, "set_reason", "Unpaid platform invoice")
    call(disable, "confirm")
    assert not disable.open
    session.expire_all()
    stored = session.get(AllegroIntegration, integration.id)
    assert stored.status == "disabled"  # type: ignore[union-attr]
    assert stored.admin_disabled_reason == "Unpaid platform invoice"  # type: ignore[union-attr]
    audit = session.exec(select(AuditEvent).where(AuditEvent.action == "admin.allegro.disable"))
    assert audit.one().after["reason"] == "Unpaid platform invoice"
    told = session.exec(
        select(Notification).where(Notification.kind == "allegro.disabled_by_admin")
    ).one()
    assert "Unpaid platform invoice" in told.body
    row = integration_row(stored)  # type: ignore[arg-type]
    assert "Unpaid platform invoice" in row["problem"]


def test_seller_cannot_disable_through_the_dialog_handlers(session: Session):
    seller = make_user(session)
    integration = make_integration(session, seller)
    token = session_token(session, seller)
    disable = state_for(AdminDisableState, token, PATH)
    assert redirects_to(call(disable, "open_for", str(integration.id), "x")) == "/settings"
    disable.integration_id, disable.reason = str(integration.id), "forged"
    assert redirects_to(call(disable, "confirm")) == "/settings"
    session.expire_all()
    assert session.get(AllegroIntegration, integration.id).status == "active"  # type: ignore[union-attr]


def test_dashboard_auto_refresh_starts_for_admins_only(session: Session):
    admin = make_user(session, role=Role.ADMIN)
    refresher = state_for(AdminAutoRefreshState, session_token(session, admin), PATH)
    (started,) = call(refresher, "start")
    assert started.fn.__name__ == "run" and refresher._generation
    seller = state_for(AdminAutoRefreshState, session_token(session, make_user(session)), PATH)
    assert call(seller, "start") == [] and seller._generation == ""
