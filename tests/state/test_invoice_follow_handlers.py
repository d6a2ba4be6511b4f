"""The invoice page's "Record payment" dialog and Allegro Retry: tenant-scoped, audited, and a
refused payment keeps the dialog open with the reason."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.auth.accounts import default_company
from invoicehub.db import get_engine
from invoicehub.models import User
from invoicehub.pages.invoices_follow_state import InvoiceFollowState
from tests.domain.factories import issue_invoice
from tests.factories import make_user
from tests.state.conftest import call, redirects_to, session_token, state_for


def _invoice(session: Session, user: User):
    company = default_company(session, user.tenant_id)
    assert company is not None
    return issue_invoice(session, company)


def _audits(action: str) -> int:
    with get_engine().connect() as conn:
        query = sa.text("SELECT count(*) FROM audit_events WHERE action = :a")
        return int(conn.execute(query, {"a": action}).scalar_one())


def test_record_payment_dialog_adds_partial_payments_until_paid(session: Session):
    owner = make_user(session, language="en")
    invoice = _invoice(session, owner)
    page = state_for(InvoiceFollowState, session_token(session, owner), f"/invoices/{invoice.id}")
    call(page, "load")
    assert page.can_pay and page.payments == []
    call(page, "open_dialog")
    call(page, "set_amount", "1,00")
    call(page, "save_payment")
    assert page.form_error == "" and not page.dialog_open and len(page.payments) == 1
    call(page, "open_dialog")
    call(page, "set_amount", "999999")
    call(page, "save_payment")
    assert "still due" in page.form_error and page.dialog_open and len(page.payments) == 1
    call(page, "set_amount", str(invoice.total_gross - 1))
    call(page, "save_payment")
    assert not page.can_pay and len(page.payments) == 2
    assert _audits("invoice.payment_recorded") == 2


def test_another_tenant_cannot_record_a_payment(session: Session):
    invoice = _invoice(session, make_user(session, language="en"))
    intruder = state_for(
        InvoiceFollowState,
        session_token(session, make_user(session, language="en")),
        f"/invoices/{invoice.id}",
    )
    call(intruder, "set_amount", "1.00")
    call(intruder, "set_paid_on", "2026-12-01")
    call(intruder, "save_payment")
    assert intruder.form_error == "This invoice does not exist."
    assert _audits("invoice.payment_recorded") == 0
    anonymous = state_for(InvoiceFollowState, None, f"/invoices/{invoice.id}")
    assert redirects_to(call(anonymous, "save_payment")).startswith("/login")


def test_retry_on_a_manual_invoice_has_nothing_to_upload(session: Session):
    owner = make_user(session, language="en")
    invoice = _invoice(session, owner)
    page = state_for(InvoiceFollowState, session_token(session, owner), f"/invoices/{invoice.id}")
    call(page, "retry_upload")
    assert page.message == "Nothing to upload." and page.upload == {}
