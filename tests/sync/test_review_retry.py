"""Orders to review as a seller reads them, Retry of one order, and a run's skips grouped by
reason (issue 13, item 5)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from invoicehub.auth.accounts import principal_of
from invoicehub.domain.order_reasons import SkipGroup
from invoicehub.integrations.allegro.runs.requests import request_sync
from invoicehub.integrations.allegro.runs.review import (
    ORDER_RETRY_TRIGGER,
    OrderNotHeld,
    allegro_order_url,
    list_review,
    retry_held_order,
    skipped_by_reason,
)
from invoicehub.integrations.allegro.service import IntegrationNotFound
from invoicehub.integrations.allegro.sync.pipeline import sync_integration
from invoicehub.models import AuditEvent, Company
from tests.factories import make_user
from tests.sync.helpers import connect_seller, drain, ledger_states, run_of, seller_forms

READY = "READY_FOR_PROCESSING"


def _hold_all(session: Session, seller) -> set[str]:
    """Sync with an incomplete company: every paid order waits for review."""
    company = session.exec(select(Company).where(Company.tenant_id == seller.user.tenant_id)).one()
    company.street = ""
    session.add(company)
    session.commit()
    sync_integration(seller.integration_id)
    return {f["id"] for f in seller_forms(session, seller.integration_id) if f["status"] == READY}


def test_review_rows_show_buyer_amount_date_and_reason(session, control):
    seller = connect_seller(session, control, "reviewrows", orders=6, seed=11)
    held = _hold_all(session, seller)
    rows, total = list_review(session, seller.principal, seller.integration_id)
    forms = {f["id"]: f for f in seller_forms(session, seller.integration_id)}
    assert total == len(held) == len(rows) and held
    for row in rows:
        form = forms[row.checkout_form_id]
        assert str(row.amount) == form["summary"]["totalToPay"]["amount"]
        assert row.buyer and row.ordered_at is not None
        assert row.reason.startswith("company data incomplete")
        assert allegro_order_url(row.checkout_form_id).endswith("/" + row.checkout_form_id)


def test_retry_of_one_held_order_reimports_only_that_order(session, control):
    seller = connect_seller(session, control, "retryone", orders=6, seed=12)
    held = sorted(_hold_all(session, seller))
    company = session.exec(select(Company).where(Company.tenant_id == seller.user.tenant_id)).one()
    company.street = "ul. Długa 5"
    session.add(company)
    session.commit()

    run = retry_held_order(session, seller.principal, seller.integration_id, held[0])
    assert run.trigger == ORDER_RETRY_TRIGGER
    drain()

    states = ledger_states(seller.integration_id)
    assert states[held[0]] == "invoiced"
    assert {states[form_id] for form_id in held[1:]} == {"needs_review"}  # not retried
    assert run_of(session, run.id).invoices_created == 1
    audit = session.exec(select(AuditEvent).where(AuditEvent.action == "allegro.order.retry"))
    assert audit.one().after["checkoutFormId"] == held[0]


def test_retry_refuses_an_order_not_held_and_another_tenants_integration(session, control):
    seller = connect_seller(session, control, "retryscope", orders=4, seed=13)
    held = sorted(_hold_all(session, seller))
    with pytest.raises(OrderNotHeld):
        retry_held_order(session, seller.principal, seller.integration_id, "no-such-order")
    session.rollback()
    stranger = make_user(session)
    with pytest.raises(IntegrationNotFound):
        retry_held_order(session, principal_of(stranger), seller.integration_id, held[0])
    session.rollback()
    assert ledger_states(seller.integration_id)[held[0]] == "needs_review"


def test_a_runs_skipped_orders_are_grouped_by_reason(session, control):
    seller = connect_seller(session, control, "skipgroups", orders=30, seed=14)
    run = request_sync(session, seller.principal, seller.integration_id)
    drain()
    run = run_of(session, run.id)
    groups = skipped_by_reason(session, run)
    forms = seller_forms(session, seller.integration_id)
    cancelled = sum(1 for f in forms if f["status"] == "CANCELLED")
    unpaid = sum(1 for f in forms if f["status"] not in ("CANCELLED", READY))
    assert sum(groups.values()) == run.skipped
    assert groups.get(SkipGroup.CANCELLED, 0) == cancelled
    assert groups.get(SkipGroup.UNPAID, 0) == unpaid
