"""Admin handlers re-check the role on the server: a seller calling them over the websocket
changes nothing and learns nothing."""

from __future__ import annotations

from sqlmodel import Session, select

from invoicehub.activity import notify
from invoicehub.models import AllegroIntegration, Audience, Notification, Role, SyncRun
from invoicehub.pages.admin.panels import AdminPanelsState
from invoicehub.pages.admin.settings_dialog import AdminSettingsState
from invoicehub.pages.admin.state import AdminAllegroState
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
    dialog.settings = {"syncFrequencyMinutes": "5", "autoMarkAsPaid": True}
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

    call(table, "set_enabled", str(first.id), False)
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
    assert dialog.open and dialog.settings["syncFrequencyMinutes"] == "30"

    call(dialog, "set_choice", "syncFrequencyMinutes", "7")
    call(dialog, "save")
    assert "syncFrequencyMinutes" in dialog.field_errors
    assert dialog.settings["syncFrequencyMinutes"] == "30"  # the form shows the stored value again
    session.expire_all()
    assert session.get(AllegroIntegration, integration.id).settings["syncFrequencyMinutes"] == 30  # type: ignore[index,union-attr]

    call(dialog, "set_flag", "autoMarkAsPaid", True)
    call(dialog, "save")
    assert dialog.success == "Settings saved." and dialog.field_errors == {}
    session.expire_all()
    assert session.get(AllegroIntegration, integration.id).settings["autoMarkAsPaid"] is True  # type: ignore[index,union-attr]
