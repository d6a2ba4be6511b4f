"""Scorecard row 12: the database itself refuses to edit or delete an issued invoice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from invoicehub.domain.invoices import (
    InvoiceAlreadyPaid,
    InvoiceError,
    InvoiceNotFound,
    get_invoice,
    mark_invoice_paid,
)
from tests.domain.factories import issue_invoice, make_company, paid_at


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE invoices SET total_gross = 1 WHERE id = :id",
        "UPDATE invoices SET number = 'FV/X' WHERE id = :id",
        "UPDATE invoices SET buyer = '{}'::jsonb WHERE id = :id",
        "UPDATE invoices SET issue_date = issue_date + 1 WHERE id = :id",
        "DELETE FROM invoices WHERE id = :id",
        "UPDATE invoice_lines SET gross = 0 WHERE invoice_id = :id",
        "UPDATE invoice_lines SET name = 'x' WHERE invoice_id = :id",
        "DELETE FROM invoice_lines WHERE invoice_id = :id",
    ],
)
def test_sql_update_or_delete_of_an_issued_invoice_is_refused(session: Session, statement):
    invoice = issue_invoice(session, make_company(session))
    with pytest.raises(IntegrityError, match=r"cannot be|insert-only"):
        session.execute(sa.text(statement), {"id": invoice.id})
    session.rollback()


def test_marking_paid_works_once(session: Session):
    company = make_company(session)
    invoice = issue_invoice(session, company)
    paid = mark_invoice_paid(session, company.tenant_id, invoice.id, paid_at(), "karta")
    session.commit()
    assert (paid.status, paid.paid_at, paid.payment_method) == ("paid", paid_at(), "karta")
    with pytest.raises(InvoiceAlreadyPaid):
        mark_invoice_paid(session, company.tenant_id, invoice.id, datetime.now(UTC))
    stored = get_invoice(session, company.tenant_id, invoice.id)
    assert stored is not None and stored.paid_at == paid_at()


def test_a_paid_invoice_cannot_go_back_to_issued_even_in_sql(session: Session):
    company = make_company(session)
    invoice = issue_invoice(session, company)
    mark_invoice_paid(session, company.tenant_id, invoice.id, paid_at())
    session.commit()
    with pytest.raises(IntegrityError, match="cannot be edited"):
        session.execute(
            sa.text("UPDATE invoices SET status = 'issued', paid_at = NULL WHERE id = :id"),
            {"id": invoice.id},
        )
    session.rollback()


def test_marking_paid_keeps_the_method_when_none_is_given(session: Session):
    company = make_company(session)
    invoice = issue_invoice(session, company)
    paid = mark_invoice_paid(session, company.tenant_id, invoice.id, paid_at())
    assert paid.payment_method == "przelew"


def test_marking_paid_needs_the_owner_tenant_and_an_aware_time(session: Session):
    company, other = make_company(session), make_company(session)
    invoice = issue_invoice(session, company)
    with pytest.raises(InvoiceNotFound):
        mark_invoice_paid(session, other.tenant_id, invoice.id, paid_at())
    with pytest.raises(InvoiceError, match="timezone"):
        mark_invoice_paid(session, company.tenant_id, invoice.id, datetime(2026, 11, 28))
