"""Response shapes of /invoices: camelCase, money and VAT rates as strings."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from invoicehub.models import InvoiceKind, InvoiceStatus, KsefStatus, UploadStatus, VatRate


class InvoiceSource(BaseModel):
    type: str
    integrationId: uuid.UUID | None
    externalOrderId: str | None


class KsefOut(BaseModel):
    status: KsefStatus = Field(
        description="not_sent | queued | sent | accepted | rejected | offline"
    )
    ksefNumber: str | None
    acquisitionDate: datetime | None
    errorCode: str | None = Field(description="KSeF's status code of a rejection (or fa3)")
    errorDescription: str | None = Field(
        description="Why, in plain English, as stored (the invoice page translates it)"
    )
    offline: bool = Field(description="KSeF was unreachable: sent (or to be sent) offline")
    offlineMode: str | None = Field(
        default=None,
        description="The offline mode (docs: tryby-offline.md): offline24 (the next working day "
        "after the issue date), offline (KSeF unavailability) or emergency (KSeF failure); "
        "null for an invoice sent online",
    )
    offlineDeadline: date | None = Field(
        default=None,
        description="The last day (Polish calendar date, working days without weekends and "
        "public holidays) to send the offline invoice to KSeF; null for an online invoice",
        examples=["2026-11-30"],
    )


def ksef_out(view: Any) -> KsefOut:
    """From integrations.ksef.submissions.KsefView."""
    return KsefOut(
        status=KsefStatus(view.status),
        ksefNumber=view.ksef_number,
        acquisitionDate=view.acquisition_date,
        errorCode=view.error_code,
        errorDescription=view.error_description,
        offline=view.offline,
        offlineMode=view.offline_mode,
        offlineDeadline=view.offline_deadline,
    )


class InvoiceSummary(BaseModel):
    id: uuid.UUID
    number: str
    status: InvoiceStatus
    issueDate: date
    saleDate: date
    dueDate: date
    buyerName: str
    buyerNip: str | None
    totalNet: str
    totalVat: str
    totalGross: str
    currency: str
    paidAt: datetime | None
    source: InvoiceSource
    kind: InvoiceKind = InvoiceKind.INVOICE
    correctsInvoiceId: uuid.UUID | None = None
    ksefStatus: KsefStatus = KsefStatus.NOT_SENT


class InvoicePage(BaseModel):
    items: list[InvoiceSummary]
    total: int
    page: int
    pageSize: int


class InvoiceParty(BaseModel):
    name: str
    nip: str | None
    street: str
    city: str
    postalCode: str
    countryCode: str


class InvoiceSeller(InvoiceParty):
    bankAccount: str
    vatExemptionBasis: str = Field(
        default="", description='Printed when a line is "zw" (empty on older invoices)'
    )


class InvoiceLineOut(BaseModel):
    position: int
    name: str
    quantity: str
    unit: str
    unitGross: str
    vatRate: VatRate
    net: str
    vat: str
    gross: str


class VatRateTotal(BaseModel):
    rate: str
    net: str
    vat: str
    gross: str


class InvoiceTotals(BaseModel):
    net: str
    vat: str
    gross: str
    byRate: list[VatRateTotal]


class InvoiceDetail(BaseModel):
    id: uuid.UUID
    number: str
    status: InvoiceStatus
    issueDate: date
    saleDate: date
    dueDate: date
    currency: str
    paymentMethod: str
    paidAt: datetime | None
    templateId: uuid.UUID | None
    customerId: uuid.UUID | None
    seller: InvoiceSeller
    buyer: InvoiceParty
    lines: list[InvoiceLineOut]
    totals: InvoiceTotals
    source: InvoiceSource
    kind: InvoiceKind = InvoiceKind.INVOICE
    correctsInvoice: InvoiceRef | None = Field(
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


class InvoiceRef(BaseModel):
    id: uuid.UUID
    number: str
    issueDate: date
    ksefNumber: str | None = None
    totalGross: str


class CorrectionOut(BaseModel):
    kind: str = Field(description="cancellation | refund | price_reduction | return")
    type: int = Field(description="FA(3) TypKorekty (2: effective on the correction's date)")
    reason: str
    eventId: str
    linesBefore: list[InvoiceLineOut]
    differences: list[VatRateTotal] = Field(description="After minus before, per VAT rate")


class AllegroUploadOut(BaseModel):
    uploadStatus: str = Field(
        description=f"{' | '.join(s.value for s in UploadStatus)} | not_queued"
    )
    allegroInvoiceId: str | None
    uploadedAt: datetime | None
    error: str | None


def correction_out(data: dict[str, Any]) -> CorrectionOut:
    return CorrectionOut(
        kind=str(data.get("kind", "")),
        type=int(data.get("type", 2)),
        reason=str(data.get("reason", "")),
        eventId=str(data.get("eventId", "")),
        linesBefore=[
            InvoiceLineOut(
                position=int(line["position"]),
                name=line["name"],
                quantity=format(Decimal(line["quantity"]).normalize(), "f"),
                unit=line["unit"],
                unitGross=line["unitGross"],
                vatRate=VatRate(line["vatRate"]),
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
