"""A payment received for an invoice, recorded with its audit row in one unit of work."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from invoicehub.activity import record_audit
from invoicehub.auth.tokens import Principal
from invoicehub.domain.payments import PaymentState, record_payment


def pay_invoice(
    session: Session,
    principal: Principal,
    invoice_id: uuid.UUID,
    amount: Decimal,
    paid_at: datetime,
    method: str,
    *,
    audit_details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> PaymentState:
    """Record the payment (raises what `record_payment` raises, nothing stored) and audit it as
    `invoice.payment_recorded`: the amount, any `audit_details`, and the invoice's new status."""
    state = record_payment(session, principal.tenant_id, invoice_id, amount, paid_at, method)
    record_audit(
        session,
        "invoice.payment_recorded",
        principal=principal,
        target_type="invoice",
        target_id=state.invoice.id,
        after={"amount": f"{amount:.2f}", **(audit_details or {}), "status": state.invoice.status},
        ip=ip,
    )
    session.commit()
    return state
