"""POST /invoices/{id}/payments: record a payment (partial payments add up; the invoice turns
paid when they reach what is due). GET lists them.

Refusals: an over-payment or an invoice already paid is a 422 naming the `amount` field; another
tenant's invoice is a 404 like a missing one. Every recorded payment leaves an audit row.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, NoReturn

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import ConfigDict, Field

from invoicehub.api.deps import PrincipalDep, SessionDep, client_address
from invoicehub.api.errors import error_responses, validation_error_response
from invoicehub.api.schema import ApiModel, ApiRequest
from invoicehub.domain.invoice_queries import get_invoice
from invoicehub.domain.payments import PaymentState, payment_state
from invoicehub.models import InvoiceStatus
from invoicehub.services.payments import pay_invoice

router = APIRouter(prefix="/invoices", tags=["invoices"])
NOT_FOUND_DETAIL = "invoice not found"
ERRORS = error_responses(
    {
        401: "Missing, invalid or expired bearer token",
        404: ("No such invoice for this tenant", NOT_FOUND_DETAIL),
    }
)
Money = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]


class PaymentIn(ApiRequest):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"amount": "100.00", "paidAt": "2026-12-01T10:00:00Z", "method": "przelew"}
            ]
        },
    )

    amount: Money
    paid_at: datetime
    method: str = Field(default="przelew", min_length=1, max_length=40)


class PaymentOut(ApiModel):
    id: uuid.UUID
    amount: str
    paid_at: datetime
    method: str
    source: str


class PaymentsOut(ApiModel):
    invoice_id: uuid.UUID
    status: InvoiceStatus
    due: str = Field(description="The gross less what corrections took off")
    paid: str
    outstanding: str
    paid_at: datetime | None
    payments: list[PaymentOut]


def payments_out(state: PaymentState) -> PaymentsOut:
    invoice = state.invoice
    return PaymentsOut(
        invoice_id=invoice.id,
        status=InvoiceStatus(invoice.status),
        due=f"{state.due:.2f}",
        paid=f"{state.paid:.2f}",
        outstanding=f"{state.outstanding:.2f}",
        paid_at=invoice.paid_at,
        payments=[
            PaymentOut(
                id=p.id,
                amount=f"{p.amount:.2f}",
                paid_at=p.paid_at,
                method=p.method,
                source=p.source,
            )
            for p in state.payments
        ],
    )


@router.get("/{invoice_id}/payments", response_model=PaymentsOut, responses=ERRORS)
def list_payments(
    invoice_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> PaymentsOut:
    invoice = get_invoice(session, principal.tenant_id, invoice_id)
    if invoice is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND_DETAIL)
    return payments_out(payment_state(session, invoice))


@router.post(
    "/{invoice_id}/payments",
    response_model=PaymentsOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        **ERRORS,
        **validation_error_response(
            "Refused: more than is still due, the invoice is already paid, or a bad field",
            "amount",
            "a payment of 500.00 is more than the 120.00 still due on invoice FV/2026/12/1",
        ),
    },
)
def add_payment(
    invoice_id: uuid.UUID,
    payment: PaymentIn,
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
) -> PaymentsOut:
    """Record a payment received for the invoice (audited)."""
    if payment.paid_at.tzinfo is None:
        _refuse("paidAt", "paidAt needs a time zone (e.g. 2026-12-01T10:00:00Z)")
    state = pay_invoice(
        session,
        principal,
        invoice_id,
        payment.amount,
        payment.paid_at,
        payment.method,
        audit_details={"paidAt": payment.paid_at.isoformat(), "method": payment.method},
        ip=client_address(request),
    )
    return payments_out(state)


def _refuse(field: str, message: str) -> NoReturn:
    raise HTTPException(
        422,
        [{"loc": ["body", field], "msg": message, "type": "value_error"}],
    )
