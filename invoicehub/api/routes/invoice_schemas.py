"""Response shapes of /invoices: camelCase, money and VAT rates as strings."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import Field

from invoicehub.api.schema import ApiModel
from invoicehub.models import InvoiceKind, InvoiceStatus, KsefStatus, UploadStatus, VatRate


class InvoiceSource(ApiModel):
    type: str
    integration_id: uuid.UUID | None
    external_order_id: str | None


class KsefOut(ApiModel):
    status: KsefStatus = Field(
        description="not_sent | queued | sent | accepted | rejected | offline"
    )
    ksef_number: str | None
    acquisition_date: datetime | None
    error_code: str | None = Field(description="KSeF's status code of a rejection (or fa3)")
    error_description: str | None = Field(
        description="Why, in plain English, as stored (the invoice page translates it)"
    )
    offline: bool = Field(description="KSeF was unreachable: sent (or to be sent) offline")
    offline_mode: str | None = Field(
        default=None,
        description="The offline mode (docs: tryby-offline.md): offline24 (the next working day "
        "after the issue date), offline (KSeF unavailability) or emergency (KSeF failure); "
        "null for an invoice sent online",
    )
    offline_deadline: date | None = Field(
        default=None,
        description="The last day (Polish calendar date, working days without weekends and "
        "public holidays) to send the offline invoice to KSeF; null for an online invoice",
        examples=["2026-11-30"],
    )


def ksef_out(view: Any) -> KsefOut:
    """From integrations.ksef.submissions.KsefView."""
    return KsefOut(
        status=KsefStatus(view.status),
        ksef_number=view.ksef_number,
        acquisition_date=view.acquisition_date,
        error_code=view.error_code,
        error_description=view.error_description,
        offline=view.offline,
        offline_mode=view.offline_mode,
        offline_deadline=view.offline_deadline,
    )


class InvoiceSummary(ApiModel):
    id: uuid.UUID
    number: str
    status: InvoiceStatus
    issue_date: date
    sale_date: date
    due_date: date
    buyer_name: str
    buyer_nip: str | None
    total_net: str
    total_vat: str
    total_gross: str
    currency: str
    paid_at: datetime | None
    source: InvoiceSource
    kind: InvoiceKind = InvoiceKind.INVOICE
    corrects_invoice_id: uuid.UUID | None = None
    ksef_status: KsefStatus = KsefStatus.NOT_SENT


class InvoicePage(ApiModel):
    items: list[InvoiceSummary]
    total: int
    page: int
    page_size: int


class InvoiceParty(ApiModel):
    name: str
    nip: str | None
    street: str
    city: str
    postal_code: str
    country_code: str


class InvoiceSeller(InvoiceParty):
    bank_account: str
    vat_exemption_basis: str = Field(
        default="", description='Printed when a line is "zw" (empty on older invoices)'
    )


class InvoiceLineOut(ApiModel):
    position: int
    name: str
    quantity: str
    unit: str
    unit_gross: str
    vat_rate: VatRate
    net: str
    vat: str
    gross: str


class VatRateTotal(ApiModel):
    rate: str
    net: str
    vat: str
    gross: str


class InvoiceTotals(ApiModel):
    net: str
    vat: str
    gross: str
    by_rate: list[VatRateTotal]


class InvoiceDetail(ApiModel):
    id: uuid.UUID
    number: str
    status: InvoiceStatus
    issue_date: date
    sale_date: date
    due_date: date
    currency: str
    payment_method: str
    paid_at: datetime | None
    template_id: uuid.UUID | None
    customer_id: uuid.UUID | None
    seller: InvoiceSeller
    buyer: InvoiceParty
    lines: list[InvoiceLineOut]
    totals: InvoiceTotals
    source: InvoiceSource
    kind: InvoiceKind = InvoiceKind.INVOICE
    corrects_invoice: InvoiceRef | None = Field(
        default=None, description="For a correction: the invoice it corrects"
    )
    correction: CorrectionOut | None = Field(
        default=None, description="For a correction: reason, type, lines before, differences"
    )
    corrections: list[InvoiceRef] = Field(
        default_factory=list, description="For an invoice: its corrections, oldest first"
    )
    allegro: AllegroUploadOut | None = Field(
        default=None, description="The PDF on the Allegro order (Allegro invoices only)"
    )
    ksef: KsefOut | None = Field(default=None, description="The invoice in KSeF")


class InvoiceRef(ApiModel):
    id: uuid.UUID
    number: str
    issue_date: date
    ksef_number: str | None = None
    total_gross: str


class CorrectionOut(ApiModel):
    kind: str = Field(description="cancellation | refund | price_reduction | return")
    type: int = Field(description="FA(3) TypKorekty (2: effective on the correction's date)")
    reason: str
    event_id: str
    lines_before: list[InvoiceLineOut]
    differences: list[VatRateTotal] = Field(description="After minus before, per VAT rate")


class AllegroUploadOut(ApiModel):
    upload_status: str = Field(
        description=f"{' | '.join(s.value for s in UploadStatus)} | not_queued"
    )
    allegro_invoice_id: str | None
    uploaded_at: datetime | None
    error: str | None


def correction_out(data: dict[str, Any]) -> CorrectionOut:
    return CorrectionOut(
        kind=str(data.get("kind", "")),
        type=int(data.get("type", 2)),
        reason=str(data.get("reason", "")),
        event_id=str(data.get("eventId", "")),
        lines_before=[
            InvoiceLineOut(
                position=int(line["position"]),
                name=line["name"],
                quantity=format(Decimal(line["quantity"]).normalize(), "f"),
                unit=line["unit"],
                unit_gross=line["unitGross"],
                vat_rate=VatRate(line["vatRate"]),
                net=line["net"],
                vat=line["vat"],
                gross=line["gross"],
            )
            for line in data.get("linesBefore", [])
        ],
        differences=[VatRateTotal(**d) for d in data.get("differences", [])],
    )


InvoiceSummary.model_rebuild()
InvoiceDetail.model_rebuild()
