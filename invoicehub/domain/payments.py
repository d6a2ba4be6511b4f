"""Payments received for an issued invoice: partial payments add up; the invoice turns paid when
they reach what the buyer owes (its gross, less what its corrections took off).

Payments are insert-only rows (`invoice_payments`, a trigger refuses changes); the invoice row
itself only ever changes status, paid_at and payment_method, the one change its immutability
trigger allows. The invoice row is locked first, so two payments recorded at once are summed in
turn and an over-payment is refused, never half-recorded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, col, select

from invoicehub.domain.invoice_drafts import InvoiceAlreadyPaid, InvoiceError, InvoiceNotFound
from invoicehub.i18n import N_
from invoicehub.models import Invoice, InvoiceKind, InvoicePayment, InvoiceStatus

ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999999.99")
_payments: sa.Table = InvoicePayment.__table__  # type: ignore[attr-defined]
_invoices: sa.Table = Invoice.__table__  # type: ignore[attr-defined]


class PaymentRefused(InvoiceError):
    """A payment the invoice cannot take; `field` names the refused input (None: the invoice)."""

    def __init__(self, message: str, field: str | None = "amount") -> None:
        super().__init__(message)
        self.field = field


class OverPayment(PaymentRefused):
    """The payment is more than the invoice still has to be paid."""

    def __init__(self, number: str, amount: Decimal, outstanding: Decimal) -> None:
        super().__init__(
            f"a payment of {amount:.2f} is more than the {outstanding:.2f} still due "
            f"on invoice {number}"
        )
        self.outstanding = outstanding


@dataclass(frozen=True)
class PaymentState:
    invoice: Invoice
    due: Decimal  # the gross less what corrections took off
    paid: Decimal
    payments: list[InvoicePayment]

    @property
    def outstanding(self) -> Decimal:
        if self.invoice.status == InvoiceStatus.PAID:
            return ZERO
        return max(self.due - self.paid, ZERO)


def payment_state(session: Session, invoice: Invoice) -> PaymentState:
    """What is due, what was paid and by which payments (oldest first)."""
    payments = list(
        session.exec(
            select(InvoicePayment)
            .where(col(InvoicePayment.invoice_id) == invoice.id)
            .order_by(col(InvoicePayment.paid_at), col(InvoicePayment.created_at))
        )
    )
    corrected = session.connection().execute(
        sa.select(sa.func.coalesce(sa.func.sum(_invoices.c.total_gross), 0)).where(
            _invoices.c.corrects_invoice_id == invoice.id
        )
    )
    due = invoice.total_gross + Decimal(corrected.scalar_one())
    paid = sum((p.amount for p in payments), ZERO)
    return PaymentState(invoice, due, paid, payments)


def record_payment(
    session: Session,
    tenant_id: uuid.UUID,
    invoice_id: uuid.UUID,
    amount: Decimal,
    paid_at: datetime,
    method: str,
    *,
    source: str = "manual",
) -> PaymentState:
    """Record one payment in the caller's transaction (flushed); the invoice turns paid when the
    payments reach what is due. Raises InvoiceNotFound, InvoiceAlreadyPaid, OverPayment or
    InvoiceError (bad amount, date or method)."""
    _check(amount, paid_at, method)
    invoice = _locked(session, tenant_id, invoice_id)
    state = payment_state(session, invoice)
    if amount > state.outstanding:
        raise OverPayment(invoice.number, amount, state.outstanding)
    payment = InvoicePayment(
        tenant_id=tenant_id,
        invoice_id=invoice.id,
        amount=amount,
        paid_at=paid_at,
        method=method.strip(),
        source=source,
    )
    session.add(payment)
    if state.paid + amount >= state.due:
        invoice.status = InvoiceStatus.PAID.value
        invoice.paid_at = paid_at
        invoice.payment_method = method.strip()
        session.add(invoice)
    session.flush()
    return PaymentState(invoice, state.due, state.paid + amount, [*state.payments, payment])


def settle_invoice(
    session: Session,
    tenant_id: uuid.UUID,
    invoice_id: uuid.UUID,
    paid_at: datetime,
    method: str | None,
    *,
    source: str,
) -> Invoice:
    """Record the whole outstanding amount as one payment (Allegro reported the full payment)."""
    invoice = _locked(session, tenant_id, invoice_id)
    state = payment_state(session, invoice)
    method = method or invoice.payment_method
    if state.outstanding > ZERO:
        return record_payment(
            session, tenant_id, invoice_id, state.outstanding, paid_at, method, source=source
        ).invoice
    _check(Decimal("0.01"), paid_at, method)  # nothing left to pay: only the status moves
    invoice.status, invoice.paid_at = InvoiceStatus.PAID.value, paid_at
    invoice.payment_method = method.strip()
    session.add(invoice)
    session.flush()
    return invoice


def _locked(session: Session, tenant_id: uuid.UUID, invoice_id: uuid.UUID) -> Invoice:
    invoice = session.exec(
        select(Invoice)
        .where(col(Invoice.id) == invoice_id, col(Invoice.tenant_id) == tenant_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if invoice is None:
        raise InvoiceNotFound(invoice_id)
    if invoice.kind == InvoiceKind.CORRECTION:
        raise PaymentRefused(
            N_("payments are recorded on the corrected invoice, not on a correction"), field=None
        )
    if invoice.status == InvoiceStatus.PAID:
        raise InvoiceAlreadyPaid(invoice.number)
    return invoice


def _check(amount: Decimal, paid_at: datetime, method: str) -> None:
    if not amount.is_finite() or amount <= 0 or amount != round(amount, 2):
        raise PaymentRefused(N_("the amount must be positive, with at most 2 decimals"))
    if amount > MAX_AMOUNT:
        raise PaymentRefused(N_("the amount is too large"))
    if paid_at.tzinfo is None:
        raise PaymentRefused("paid_at must be timezone-aware", field="paid_at")
    if not method.strip() or len(method) > 40:
        raise PaymentRefused(N_("payment method must have 1 to 40 characters"), field="method")
