"""Issuing a correction invoice (Session in): an `invoices` row of kind 'correction', numbered in
the company's correction series (gap-free, `KOR/{YYYY}/{MM}/{N}` by default), linked to the
invoice it corrects, immutable like every invoice (the same database trigger).

Exactly one correction per source event: the partial unique index `ux_invoices_correction_event`
(tenant, event id) decides, in the correction's transaction. The corrected invoice's row is
locked first (SELECT ... FOR UPDATE, which its immutability trigger does not mind), so
corrections of one invoice queue: each starts from the lines the previous one left, and a
concurrent duplicate of the same event finds the winner's row once it gets the lock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, col, select

from invoicehub.domain import numbering
from invoicehub.domain.corrections import (
    EFFECT_ON_CORRECTION_DATE,
    CorrectionChange,
    CorrectionError,
    CorrectionLine,
    RateDifference,
    changed,
    differences,
    lines_after,
)
from invoicehub.domain.invoice_drafts import InvoiceNotFound
from invoicehub.domain.ksef_state import accepted_ksef_number
from invoicehub.models import Company, Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from invoicehub.models.accounts import DEFAULT_CORRECTION_SERIES
from invoicehub.models.base import utcnow

_invoices: sa.Table = Invoice.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class CorrectionRequest:
    tenant_id: uuid.UUID
    invoice_id: uuid.UUID
    change: CorrectionChange
    event_id: str  # the source event ("refund:<id>", "return:<id>", "cancel:<order id>")
    reason: str  # in Polish: printed as the reason of the correction
    issue_date: date


def issue_correction(session: Session, request: CorrectionRequest) -> Invoice | None:
    """The new correction (flushed, not committed), or None when the event already has its
    correction or nothing is left to correct. Raises InvoiceNotFound, CorrectionError."""
    original = _locked_original(session, request.tenant_id, request.invoice_id)
    if _event_taken(session, request.tenant_id, request.event_id):
        return None
    before = current_lines(session, original.id)
    after = lines_after(before, request.change)
    if not changed(before, after):
        return None
    company = session.get(Company, original.company_id)
    pattern = company.correction_series if company else DEFAULT_CORRECTION_SERIES
    _, number = numbering.allocate_number(session, original.company_id, pattern, request.issue_date)
    values = _values(original, request, before, after, number)
    inserted = (
        session.connection()
        .execute(
            insert(_invoices)
            .values(values)
            .on_conflict_do_nothing(
                index_elements=["tenant_id", "correction_event_id"],
                index_where=sa.text("correction_event_id IS NOT NULL"),
            )
            .returning(_invoices.c.id)
        )
        .first()
    )
    if inserted is None:  # a concurrent twin won the event's unique key: give the number back
        numbering.give_back_number(session, original.company_id, pattern, request.issue_date)
        return None
    session.add_all(_line_rows(values["id"], after))
    session.flush()
    return session.get(Invoice, values["id"])


def current_lines(session: Session, invoice_id: uuid.UUID) -> list[CorrectionLine]:
    """The lines the invoice stands at: its latest correction's lines, else its own."""
    latest = session.exec(
        select(Invoice.id)
        .where(col(Invoice.corrects_invoice_id) == invoice_id)
        .order_by(col(Invoice.created_at).desc(), col(Invoice.number).desc())
        .limit(1)
    ).first()
    rows = session.exec(
        select(InvoiceLine)
        .where(col(InvoiceLine.invoice_id) == (latest or invoice_id))
        .order_by(col(InvoiceLine.position))
    )
    return [
        CorrectionLine(
            r.position, r.name, r.quantity, r.unit, r.unit_gross, r.vat_rate, r.net, r.vat, r.gross
        )
        for r in rows
    ]


def quantities_taken(session: Session, invoice_id: uuid.UUID, kind: str) -> dict[int, Decimal]:
    """Units per line position that the invoice's corrections of `kind` took off."""
    taken: dict[int, Decimal] = {}
    for correction in session.exec(
        select(Invoice).where(col(Invoice.corrects_invoice_id) == invoice_id)
    ):
        data = correction.correction or {}
        if data.get("kind") != kind:
            continue
        after = {line.position: line.quantity for line in _lines_of(session, correction.id)}
        for line in data.get("linesBefore", []):
            position = int(line["position"])
            units = Decimal(line["quantity"]) - after.get(position, Decimal(0))
            taken[position] = taken.get(position, Decimal(0)) + units
    return taken


def _lines_of(session: Session, invoice_id: uuid.UUID) -> list[InvoiceLine]:
    return list(session.exec(select(InvoiceLine).where(col(InvoiceLine.invoice_id) == invoice_id)))


def corrections_of(session: Session, tenant_id: uuid.UUID, invoice_id: uuid.UUID) -> list[Invoice]:
    return list(
        session.exec(
            select(Invoice)
            .where(
                col(Invoice.tenant_id) == tenant_id, col(Invoice.corrects_invoice_id) == invoice_id
            )
            .order_by(col(Invoice.created_at), col(Invoice.number))
        )
    )


def _locked_original(session: Session, tenant_id: uuid.UUID, invoice_id: uuid.UUID) -> Invoice:
    invoice = session.exec(
        select(Invoice)
        .where(col(Invoice.id) == invoice_id, col(Invoice.tenant_id) == tenant_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if invoice is None:
        raise InvoiceNotFound(invoice_id)
    if invoice.kind != InvoiceKind.INVOICE:
        raise CorrectionError("a correction corrects an invoice, not another correction")
    return invoice


def _event_taken(session: Session, tenant_id: uuid.UUID, event_id: str) -> bool:
    stmt = sa.select(_invoices.c.id).where(
        _invoices.c.tenant_id == tenant_id, _invoices.c.correction_event_id == event_id
    )
    return session.connection().execute(stmt).first() is not None


def _values(
    original: Invoice,
    request: CorrectionRequest,
    before: list[CorrectionLine],
    after: list[CorrectionLine],
    number: str,
) -> dict[str, Any]:
    diffs = differences(before, after)
    total = {
        k: sum((getattr(d, k) for d in diffs), Decimal("0.00")) for k in ("net", "vat", "gross")
    }
    return {
        "id": uuid.uuid4(),
        "tenant_id": original.tenant_id,
        "company_id": original.company_id,
        "customer_id": original.customer_id,
        "template_id": original.template_id,
        "number": number,
        "status": InvoiceStatus.ISSUED.value,
        "issue_date": request.issue_date,
        "sale_date": original.sale_date,
        "due_date": request.issue_date,
        "currency": original.currency,
        "payment_method": original.payment_method,
        "seller": original.seller,
        "buyer": original.buyer,
        "total_net": total["net"],
        "total_vat": total["vat"],
        "total_gross": total["gross"],
        "source": original.source,
        "integration_id": original.integration_id,
        "external_order_id": None,  # the order's one invoice keeps its unique source key
        "created_at": utcnow(),
        "kind": InvoiceKind.CORRECTION.value,
        "corrects_invoice_id": original.id,
        "correction_event_id": request.event_id,
        "correction": _correction_data(original, request, before, diffs),
    }


def _correction_data(
    original: Invoice,
    request: CorrectionRequest,
    before: list[CorrectionLine],
    diffs: list[RateDifference],
) -> dict[str, Any]:
    """What a correction carries beyond an invoice's columns: what FA(3) KOR needs
    (DaneFaKorygowanej, PrzyczynaKorekty, TypKorekty, StanPrzed lines) and the PDF prints."""
    return {
        "kind": request.change.kind.value,
        "type": EFFECT_ON_CORRECTION_DATE,
        "reason": request.reason,
        "eventId": request.event_id,
        "correctedNumber": original.number,
        "correctedIssueDate": original.issue_date.isoformat(),
        "correctedKsefNumber": _ksef_number(original),
        "externalOrderId": original.external_order_id,
        "linesBefore": [line.to_json() for line in before],
        "differences": [d.to_json() for d in diffs],
    }


def _ksef_number(original: Invoice) -> str | None:
    """The corrected invoice's KSeF number, once KSeF accepted it (its KSeF submission)."""
    session = Session.object_session(original)
    return accepted_ksef_number(session, original.id) if session is not None else None


def _line_rows(correction_id: uuid.UUID, after: list[CorrectionLine]) -> list[InvoiceLine]:
    return [
        InvoiceLine(
            invoice_id=correction_id,
            position=line.position,
            name=line.name,
            quantity=line.quantity,
            unit=line.unit,
            unit_gross=line.unit_gross,
            vat_rate=line.vat_rate,
            net=line.net,
            vat=line.vat,
            gross=line.gross,
        )
        for line in after
    ]
