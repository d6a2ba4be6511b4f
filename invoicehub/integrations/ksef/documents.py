"""The FA(3) an invoice (or a correction) is sent as, built from the issued snapshot only.

A correction (KOR) names its corrected invoice's KSeF number, read from that invoice's KSeF
submission at send time: a KOR is only sent once the original has one (see sending.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.domain.invoice_queries import get_invoice_lines
from invoicehub.domain.ksef_state import accepted_ksef_number
from invoicehub.integrations.ksef.fa3 import (
    CorrectionType,
    Fa3Invoice,
    Fa3Line,
    correction_of,
    fa3_invoice_from_issued,
    render_valid_fa3,
)
from invoicehub.models import Invoice, InvoiceKind, InvoiceLine, KsefSubmission

_submissions: sa.Table = KsefSubmission.__table__  # type: ignore[attr-defined]


def fa3_document_of(
    session: Session, invoice: Invoice, lines: Sequence[InvoiceLine] | None = None
) -> Fa3Invoice:
    """The FA(3) view of an issued invoice, or the KOR of a correction. `lines`: the invoice's
    own lines when the caller loaded them already (many invoices at once)."""
    if invoice.kind != InvoiceKind.CORRECTION or invoice.corrects_invoice_id is None:
        if lines is None:
            lines = get_invoice_lines(session, invoice.id)
        return fa3_invoice_from_issued(invoice, lines)
    original = session.get(Invoice, invoice.corrects_invoice_id)
    if original is None or original.tenant_id != invoice.tenant_id:
        raise LookupError("the corrected invoice is gone")
    original_lines = get_invoice_lines(session, original.id)
    base = fa3_invoice_from_issued(original, original_lines)
    data = invoice.correction or {}
    ids = {line.position: str(line.id) for line in original_lines}
    before = tuple(_line(item, ids) for item in data.get("linesBefore", []))
    after = tuple(
        _line(
            {
                "position": line.position,
                "name": line.name,
                "quantity": line.quantity,
                "unit": line.unit,
                "unitGross": line.unit_gross,
                "vatRate": line.vat_rate,
                "net": line.net,
                "vat": line.vat,
                "gross": line.gross,
            },
            ids,
        )
        for line in get_invoice_lines(session, invoice.id)
    )
    return correction_of(
        dataclasses.replace(base, lines=before),
        number=invoice.number,
        issue_date=invoice.issue_date,
        created_at=invoice.created_at,
        lines_after=after,
        reason=str(data.get("reason") or "Korekta"),
        correction_type=CorrectionType(int(data.get("type") or 2)),
        corrected_ksef_number=accepted_ksef_number(session, original.id),
    )


def render_invoice_xml(
    session: Session, invoice: Invoice, lines: Sequence[InvoiceLine] | None = None
) -> bytes:
    """The FA(3) bytes, valid against the XSD (raises `Fa3Invalid` listing the wrong fields)."""
    return render_valid_fa3(fa3_document_of(session, invoice, lines))


def _line(item: Mapping[str, Any], ids: Mapping[int, str | None]) -> Fa3Line:
    position = int(item["position"])
    return Fa3Line(
        name=str(item["name"]),
        quantity=Decimal(str(item["quantity"])),
        unit=str(item["unit"]),
        unit_gross=Decimal(str(item["unitGross"])),
        vat_rate=str(item["vatRate"]),
        net=Decimal(str(item["net"])),
        vat=Decimal(str(item["vat"])),
        gross=Decimal(str(item["gross"])),
        line_id=ids.get(position),
    )
