"""States of /invoices and /invoices/[invoice_id]: always the signed-in tenant's invoices only."""

from __future__ import annotations

import re

import reflex as rx
import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.auth.tokens import Principal
from invoicehub.components import display
from invoicehub.components.listing import MAX_SEARCH, PAGE_SIZE, PagedListState
from invoicehub.db import open_session
from invoicehub.documents.correction_pdf import render_document_pdf
from invoicehub.documents.formatting import quantity, rate
from invoicehub.domain.invoice_queries import (
    get_invoice_lines,
    list_invoices,
    totals_of,
)
from invoicehub.domain.templates import template_code
from invoicehub.i18n import gettext
from invoicehub.i18n.formats import parse_day
from invoicehub.integrations.ksef.qr import ksef_mark
from invoicehub.integrations.ksef.submissions import ksef_status_filter, statuses_of
from invoicehub.models import Invoice, InvoiceLine, KsefStatus
from invoicehub.pages.invoice_path import invoice_at, path_invoice_id
from invoicehub.pages.invoices_ksef_state import STATUS_LABELS
from invoicehub.state.auth import AuthState
from invoicehub.state.denials import record_denial

STATUSES = ("issued", "paid")
SOURCES = ("allegro", "manual")
ALL = "all"


def invoice_row(invoice: Invoice) -> dict[str, str]:
    return {
        "id": str(invoice.id),
        "number": invoice.number,
        "buyer": str(invoice.buyer.get("name") or ""),
        "issue_date": display.day(invoice.issue_date),
        "gross": display.amount(invoice.total_gross, invoice.currency),
        "status": invoice.status,
        "source": invoice.source,
    }


def ksef_row(row: dict[str, str], status: str | None) -> dict[str, str]:
    status = status or KsefStatus.NOT_SENT.value
    return {**row, "ksef": status, "ksef_label": STATUS_LABELS.get(status, status)}


def ksef_filter(value: str) -> list[sa.ColumnElement[bool]]:
    return [ksef_status_filter(KsefStatus(value))] if value in STATUS_LABELS else []


class InvoicesState(PagedListState, rx.State):
    status: rx.Field[str] = rx.field(ALL)
    ksef_status: rx.Field[str] = rx.field(ALL)
    source: rx.Field[str] = rx.field(ALL)
    date_from: rx.Field[str] = rx.field("")
    date_to: rx.Field[str] = rx.field("")
    error: rx.Field[str] = rx.field("")

    def _fetch(self, session: Session, principal: Principal) -> tuple[list[dict[str, str]], int]:
        try:
            date_from, date_to = parse_day(self.date_from), parse_day(self.date_to)
        except ValueError:
            self.error = gettext(principal.language, "Enter dates as dd.mm.yyyy, e.g. 05.03.2026.")
            return self.items, self.total
        self.error = ""
        items, total = list_invoices(
            session,
            principal.tenant_id,
            status=self.status if self.status in STATUSES else None,
            source=self.source if self.source in SOURCES else None,
            date_from=date_from,
            date_to=date_to,
            search=self.search or None,
            page=self.page,
            page_size=PAGE_SIZE,
            extra=ksef_filter(self.ksef_status),
        )
        statuses = statuses_of(session, [i.id for i in items])
        return [ksef_row(invoice_row(i), statuses.get(i.id)) for i in items], total

    @rx.event
    async def set_ksef_status(self, value: str):
        self.ksef_status, self.page = (value if value in STATUS_LABELS else ALL), 1
        return await self._reload()

    # The page lives in the URL (?page=N), so Back from an invoice returns to the same page.
    @rx.event
    async def load(self):
        raw = self.router.url.query_parameters.get("page", "1")
        self.page = max(1, int(raw)) if raw.isdigit() and len(raw) < 7 else 1
        refused = await self._reload()
        if refused is None and self.page > self.page_count:
            self.page = self.page_count
            refused = await self._reload()
        return refused or self._remember_page()

    @rx.event
    async def previous_page(self):
        self.page = max(1, self.page - 1)
        return await self._reload() or self._remember_page()

    @rx.event
    async def next_page(self):
        self.page = min(self.page_count, self.page + 1)
        return await self._reload() or self._remember_page()

    async def _reload_first_page(self):
        self.page = 1
        return await self._reload() or self._remember_page()

    def _remember_page(self):
        url = "/invoices" if self.page == 1 else f"/invoices?page={self.page}"
        return rx.call_script(f"history.replaceState(history.state, '', '{url}')")

    @rx.event
    async def set_search(self, value: str):
        self.search = value.strip()[:MAX_SEARCH]
        return await self._reload_first_page()

    @rx.event
    async def set_status(self, value: str):
        self.status = value if value in STATUSES else ALL
        return await self._reload_first_page()

    @rx.event
    async def set_source(self, value: str):
        self.source = value if value in SOURCES else ALL
        return await self._reload_first_page()

    @rx.event
    async def set_date_from(self, value: str):
        self.date_from = value[:10]
        return await self._reload_first_page()

    @rx.event
    async def set_date_to(self, value: str):
        self.date_to = value[:10]
        return await self._reload_first_page()

    @rx.event
    async def clear_filters(self):
        self.search, self.status, self.source, self.date_from, self.date_to = "", ALL, ALL, "", ""
        self.ksef_status = ALL
        return await self._reload_first_page()


def _party(data: dict) -> dict[str, str]:
    address = " ".join(
        filter(
            None,
            [
                str(data.get("postalCode") or data.get("postal_code") or ""),
                str(data.get("city") or ""),
            ],
        )
    )
    return {
        "name": str(data.get("name") or ""),
        "nip": str(data.get("nip") or ""),
        "street": str(data.get("street") or ""),
        "city": address,
    }


class InvoiceDetailState(rx.State):
    invoice: dict[str, str] = {}
    buyer: dict[str, str] = {}
    seller: dict[str, str] = {}
    lines: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    rate_totals: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    loading: rx.Field[bool] = rx.field(True)
    not_found: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")

    def _find(self, principal: Principal, session: Session) -> Invoice | None:
        return invoice_at(session, principal, self.router.url.path)

    @rx.event
    async def load(self):
        principal = (await self.get_state(AuthState)).principal()
        if principal is None:
            yield rx.redirect(f"/login?next={self.router.url.path}")
            return
        self.error, self.loading = "", True
        yield  # hide the previously opened invoice at once
        with open_session() as session:
            invoice = self._find(principal, session)
            lines = get_invoice_lines(session, invoice.id) if invoice is not None else []
        self.not_found, self.loading = invoice is None, False
        if invoice is None:
            record_denial(self, principal, path_invoice_id(self.router.url.path))
            self.invoice, self.lines, self.rate_totals = {}, [], []
        else:
            self._show(invoice, lines)

    def _show(self, invoice: Invoice, lines: list[InvoiceLine]) -> None:
        currency = invoice.currency
        self.invoice = {
            **invoice_row(invoice),
            "sale_date": display.day(invoice.sale_date),
            "due_date": display.day(invoice.due_date),
            "payment_method": invoice.payment_method,
            "paid_at": display.when(invoice.paid_at, display.NOT_PAID),
            "net": display.amount(invoice.total_net, currency),
            "vat": display.amount(invoice.total_vat, currency),
            "order": invoice.external_order_id or "",
        }
        self.buyer, self.seller = _party(invoice.buyer), _party(invoice.seller)
        self.lines = [
            {
                "position": str(line.position),
                "name": line.name,
                "quantity": f"{quantity(line.quantity)} {line.unit}",
                "unit_gross": display.amount(line.unit_gross, currency),
                "rate": rate(line.vat_rate),
                "net": display.amount(line.net, currency),
                "vat": display.amount(line.vat, currency),
                "gross": display.amount(line.gross, currency),
            }
            for line in lines
        ]
        self.rate_totals = [
            {
                "rate": rate(t.rate),
                "net": display.amount(t.net, currency),
                "vat": display.amount(t.vat, currency),
                "gross": display.amount(t.gross, currency),
            }
            for t in totals_of(lines).by_rate
        ]

    @rx.event
    async def download_pdf(self):
        principal = (await self.get_state(AuthState)).principal()
        if principal is None:
            return rx.redirect(f"/login?next={self.router.url.path}")
        with open_session() as session:
            invoice = self._find(principal, session)
            if invoice is None:
                record_denial(self, principal, path_invoice_id(self.router.url.path))
                self.error = gettext(principal.language, "This invoice does not exist.")
                return None
            pdf = render_document_pdf(
                invoice,
                get_invoice_lines(session, invoice.id),
                template_code(session, invoice.template_id),
                ksef_mark(session, invoice),
            )
        filename = re.sub(r"[^A-Za-z0-9._-]+", "-", invoice.number).strip("-") or "invoice"
        return rx.download(data=pdf, filename=f"{filename}.pdf", mime_type="application/pdf")
