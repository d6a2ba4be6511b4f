"""A refusal in a Reflex event handler leaves the same `api.denied` audit row as the API's
403/404 (scorecard row 13): any public handler can be called over the websocket with any id."""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from invoicehub.models import AuditEvent, User
from invoicehub.pages.admin.state import AdminAllegroState
from invoicehub.pages.invoices_state import InvoiceDetailState
from invoicehub.pages.products_state import ProductEditState
from invoicehub.pages.settings.integrations_state import IntegrationsState
from tests.factories import make_integration, make_user
from tests.state.conftest import call, session_token, state_for


def _denials(session: Session, user: User) -> list[AuditEvent]:
    session.expire_all()
    query = select(AuditEvent).where(AuditEvent.action == "api.denied")
    return list(session.exec(query.where(AuditEvent.user_id == user.id)).all())


def test_another_tenants_integration_id_is_refused_and_audited(session: Session):
    alice, bob = make_user(session, language="en"), make_user(session, language="en")
    foreign = make_integration(session, alice)
    tab = state_for(IntegrationsState, session_token(session, bob), "/settings?tab=integrations")
    call(tab, "select_integration", str(foreign.id))
    assert tab.banner_error == "That integration does not exist."
    [row] = _denials(session, bob)
    assert row.tenant_id == bob.tenant_id and row.target_type == "state_handler"
    assert row.target_id == str(foreign.id)
    assert row.after == {
        "handler": "IntegrationsState.select_integration",
        "page": "/settings",
        "status": 404,
    }


def test_a_seller_calling_an_admin_handler_is_refused_and_audited(session: Session):
    seller = make_user(session, language="en")
    integration = make_integration(session, seller)
    admin_page = state_for(AdminAllegroState, session_token(session, seller), "/admin/allegro")
    call(admin_page, "set_enabled", str(integration.id), False)
    session.expire_all()
    assert session.get(type(integration), integration.id).is_active
    [row] = _denials(session, seller)
    assert row.after is not None and row.after["status"] == 403
    assert row.after["handler"] == "AdminAllegroState.set_enabled"


def test_foreign_catalog_and_invoice_ids_are_audited_like_missing_ones(session: Session):
    bob = make_user(session, language="en")
    token = session_token(session, bob)
    missing = str(uuid.uuid4())
    call(state_for(ProductEditState, token, "/products"), "open_for", missing)
    call(state_for(InvoiceDetailState, token, f"/invoices/{missing}"), "load")
    handlers = sorted((r.after or {})["handler"] for r in _denials(session, bob))
    assert handlers == ["InvoiceDetailState.load", "ProductEditState.open_for"]


def test_an_anonymous_caller_leaves_no_denial_row(session: Session):
    """Nobody to attribute it to: the caller is sent to the login page instead."""
    foreign = make_integration(session, make_user(session, language="en"))
    call(state_for(IntegrationsState, None, "/settings"), "select_integration", str(foreign.id))
    session.expire_all()
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "api.denied")).all() == []
