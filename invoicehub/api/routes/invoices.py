"""GET /invoices (filtered list), /invoices/{id} (detail) and /invoices/{id}/pdf.

Tenant-scoped: another tenant's invoice id answers 404, like one that does not exist. Money
and VAT rates travel as strings ("151.88", "23", "zw"), never as floats.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response, status
from sqlmodel import Session

from invoicehub.api.deps import PrincipalDep, SessionDep
from invoicehub.api.errors import error_responses
from invoicehub.api.routes.invoice_schemas import (
    AllegroUploadOut,
    InvoiceDetail,
    InvoiceLineOut,
    InvoicePage,
    InvoiceParty,
    InvoiceRef,
    InvoiceSeller,
    InvoiceSource,
    InvoiceSummary,
    InvoiceTotals,
    VatRateTotal,
    correction_out,
    ksef_out,
)
from invoicehub.documents.correction_pdf import render_document_pdf
from invoicehub.documents.formatting import pdf_filename
from invoicehub.domain.correction_issue import corrections_of
from invoicehub.domain.invoices import get_invoice, get_invoice_lines, list_invoices, totals_of
from invoicehub.domain.ksef_state import accepted_ksef_number
from invoicehub.domain.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from invoicehub.domain.templates import template_code
from invoicehub.integrations.allegro.sync.invoice_uploads import upload_of
from invoicehub.integrations.ksef.qr import ksef_mark
from invoicehub.integrations.ksef.submissions import (
    ksef_status_filter,
    statuses_of,
    submission_of,
    view_of,
)
from invoicehub.models import (
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    KsefStatus,
    VatRate,
)

router = APIRouter(prefix="/invoices", tags=["invoices"])

NOT_FOUND_DETAIL = "invoice not found"
ERRORS = error_responses(
    {
        401: "Missing, invalid or expired bearer token",
        404: ("No such invoice for this tenant", NOT_FOUND_DETAIL),
    }
)
MAX_PAGE = 100_000
# Query text: no NUL (PostgreSQL refuses it in text), bounded length.
TEXT = r"^[^\x00]*$"


@router.get("", response_model=InvoicePage, responses=ERRORS)
def list_tenant_invoices(
    principal: PrincipalDep,
    session: SessionDep,
    integration_id: Annotated[uuid.UUID | None, Query(alias="integrationId")] = None,
    external_order_id: Annotated[
        str | None, Query(alias="externalOrderId", max_length=100, pattern=TEXT)
    ] = None,
    invoice_status: Annotated[InvoiceStatus | None, Query(alias="status")] = None,
    source: Annotated[str | None, Query(max_length=32, pattern=TEXT)] = None,
    date_from: Annotated[date | None, Query(alias="from", description="issued on or after")] = None,
    date_to: Annotated[date | None, Query(alias="to", description="issued on or before")] = None,
    search: Annotated[
        str | None,
        Query(max_length=100, pattern=TEXT, description="number, buyer name or buyer NIP"),
    ] = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    kind: Annotated[
        InvoiceKind | None, Query(description="invoice or correction (faktura korygująca)")
    ] = None,
    ksef_status: Annotated[
        KsefStatus | None, Query(alias="ksefStatus", description="the invoice's KSeF status")
    ] = None,
) -> InvoicePage:
    """The tenant's invoices (and corrections), newest issue date first."""
    items, total = list_invoices(
        session,
        principal.tenant_id,
        integration_id=integration_id,
        external_order_id=external_order_id,
        status=invoice_status.value if invoice_status else None,
        source=source,
        date_from=date_from,
        date_to=date_to,
        search=search,
        page=page,
        page_size=page_size,
        kind=kind.value if kind else None,
        extra=[ksef_status_filter(ksef_status)] if ksef_status else (),
    )
    statuses = statuses_of(session, [invoice.id for invoice in items])
    summaries = [_summary(invoice, statuses.get(invoice.id)) for invoice in items]
    return InvoicePage(items=summaries, total=total, page=page, page_size=page_size)


@router.get("/{invoice_id}", response_model=InvoiceDetail, responses=ERRORS)
def read_invoice(
    invoice_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> InvoiceDetail:
    invoice = _owned(session, principal.tenant_id, invoice_id)
    detail = _detail(invoice, get_invoice_lines(session, invoice.id))
    return _with_follow_up(session, principal.tenant_id, invoice, detail)


@router.get(
    "/{invoice_id}/pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "The invoice as a PDF file"},
        **ERRORS,
    },
)
def download_invoice_pdf(
    invoice_id: uuid.UUID, principal: PrincipalDep, session: SessionDep
) -> Response:
    invoice = _owned(session, principal.tenant_id, invoice_id)
    lines = get_invoice_lines(session, invoice.id)
    template = template_code(session, invoice.template_id)
    pdf = render_document_pdf(invoice, lines, template, ksef_mark(session, invoice))
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{pdf_filename(invoice.number)}"'},
    )


def _owned(session: Session, tenant_id: uuid.UUID, invoice_id: uuid.UUID) -> Invoice:
    invoice = get_invoice(session, tenant_id, invoice_id)
    if invoice is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND_DETAIL)
    return invoice


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _source(invoice: Invoice) -> InvoiceSource:
    return InvoiceSource(
        type=invoice.source,
        integration_id=invoice.integration_id,
        external_order_id=invoice.external_order_id,
    )


def _summary(invoice: Invoice, ksef_status: str | None = None) -> InvoiceSummary:
    return InvoiceSummary(
        id=invoice.id,
        number=invoice.number,
        status=InvoiceStatus(invoice.status),
        issue_date=invoice.issue_date,
        sale_date=invoice.sale_date,
        due_date=invoice.due_date,
        buyer_name=str(invoice.buyer.get("name", "")),
        buyer_nip=invoice.buyer.get("nip"),
        total_net=_money(invoice.total_net),
        total_vat=_money(invoice.total_vat),
        total_gross=_money(invoice.total_gross),
        currency=invoice.currency,
        paid_at=invoice.paid_at,
        source=_source(invoice),
        kind=InvoiceKind(invoice.kind),
        corrects_invoice_id=invoice.corrects_invoice_id,
        ksef_status=KsefStatus(ksef_status or KsefStatus.NOT_SENT.value),
    )


def _party(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": str(data.get("name") or ""),
        "nip": data.get("nip") or None,
        "street": str(data.get("street") or ""),
        "city": str(data.get("city") or ""),
        "postalCode": str(data.get("postalCode") or ""),
        "countryCode": str(data.get("countryCode") or "PL"),
    }


def _detail(invoice: Invoice, lines: list[InvoiceLine]) -> InvoiceDetail:
    totals = totals_of(lines)
    return InvoiceDetail(
        id=invoice.id,
        number=invoice.number,
        status=InvoiceStatus(invoice.status),
        issue_date=invoice.issue_date,
        sale_date=invoice.sale_date,
        due_date=invoice.due_date,
        currency=invoice.currency,
        payment_method=invoice.payment_method,
        paid_at=invoice.paid_at,
        template_id=invoice.template_id,
        customer_id=invoice.customer_id,
        seller=InvoiceSeller(
            **_party(invoice.seller),
            bank_account=str(invoice.seller.get("bankAccount") or ""),
            vat_exemption_basis=str(invoice.seller.get("vatExemptionBasis") or ""),
        ),
        buyer=InvoiceParty(**_party(invoice.buyer)),
        lines=[_line_out(line) for line in lines],
        totals=InvoiceTotals(
            net=_money(invoice.total_net),
            vat=_money(invoice.total_vat),
            gross=_money(invoice.total_gross),
            by_rate=[
                VatRateTotal(
                    rate=r.rate, net=_money(r.net), vat=_money(r.vat), gross=_money(r.gross)
                )
                for r in totals.by_rate
            ],
        ),
        source=_source(invoice),
    )


def _line_out(line: InvoiceLine) -> InvoiceLineOut:
    return InvoiceLineOut(
        position=line.position,
        name=line.name,
        quantity=format(line.quantity.normalize(), "f"),
        unit=line.unit,
        unit_gross=_money(line.unit_gross),
        vat_rate=VatRate(line.vat_rate),
        net=_money(line.net),
        vat=_money(line.vat),
        gross=_money(line.gross),
    )


def _ref(session: Session, invoice: Invoice) -> InvoiceRef:
    return InvoiceRef(
        id=invoice.id,
        number=invoice.number,
        issue_date=invoice.issue_date,
        ksef_number=accepted_ksef_number(session, invoice.id),
        total_gross=_money(invoice.total_gross),
    )


def _with_follow_up(
    session: Session, tenant_id: uuid.UUID, invoice: Invoice, detail: InvoiceDetail
) -> InvoiceDetail:
    """The links between an invoice and its corrections, and its PDF on the Allegro order."""
    detail.kind = InvoiceKind(invoice.kind)
    if invoice.corrects_invoice_id is not None:
        original = get_invoice(session, tenant_id, invoice.corrects_invoice_id)
        detail.corrects_invoice = _ref(session, original) if original else None
        detail.correction = correction_out(invoice.correction or {})
    else:
        detail.corrections = [
            _ref(session, c) for c in corrections_of(session, tenant_id, invoice.id)
        ]
    detail.ksef = ksef_out(view_of(submission_of(session, tenant_id, invoice.id)))
    if invoice.source == "allegro":
        upload = upload_of(session, tenant_id, invoice.id)
        detail.allegro = AllegroUploadOut(
            upload_status=upload.status if upload else "not_queued",
            allegro_invoice_id=upload.allegro_invoice_id if upload else None,
            uploaded_at=upload.uploaded_at if upload else None,
            error=upload.error if upload else None,
        )
    return detail
