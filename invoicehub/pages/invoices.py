"""/invoices (search, filters, pages) and /invoices/[invoice_id] (lines, totals per rate, PDF)."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.layout import notice, page_shell
from invoicehub.components.pagination import pagination
from invoicehub.components.status_chip import invoice_chip
from invoicehub.components.tables import empty_state, loading_state, scroll_table
from invoicehub.i18n import N_
from invoicehub.i18n.formats import DAY_INPUT_HINT
from invoicehub.pages.invoices_cards import WIDE_ONLY, invoice_cards
from invoicehub.pages.invoices_follow import allegro_section, links_section, payments_section
from invoicehub.pages.invoices_follow_state import InvoiceFollowState
from invoicehub.pages.invoices_ksef import KSEF_FILTER, ksef_badge, ksef_section
from invoicehub.pages.invoices_ksef_state import InvoiceKsefState
from invoicehub.pages.invoices_state import ALL, InvoiceDetailState, InvoicesState
from invoicehub.state.i18n import tr, tr_value

List = InvoicesState
Detail = InvoiceDetailState


def _label(text: str, control_id: str) -> rx.Component:
    return rx.el.label(tr(text), html_for=control_id, class_name="rt-Text rt-r-size-2")


def _filter_select(label: str, control_id: str, value, on_change, options) -> rx.Component:
    return rx.flex(
        _label(label, control_id),
        rx.select.root(
            rx.select.trigger(id=control_id, min_width="9em"),
            rx.select.content(*[rx.select.item(tr(text), value=key) for key, text in options]),
            value=value,
            on_change=on_change,
        ),
        direction="column",
        spacing="1",
    )


def _date_input(label: str, control_id: str, value, on_change) -> rx.Component:
    return rx.flex(
        _label(label, control_id),
        # Text, not type="date": the browser's picker shows mm/dd/yyyy in an English Chromium.
        rx.input(
            id=control_id,
            value=value,
            on_change=on_change,
            placeholder=DAY_INPUT_HINT,
            input_mode="numeric",
            max_length=10,
            debounce_timeout=500,
            width="9em",
            custom_attrs={"aria-invalid": rx.cond(List.error != "", "true", "false")},
        ),
        direction="column",
        spacing="1",
    )


def filters() -> rx.Component:
    return rx.flex(
        rx.flex(
            _label(N_("Search"), "invoice-search"),
            rx.input(
                id="invoice-search",
                placeholder=tr("Number, buyer or NIP"),
                value=List.search,
                on_change=List.set_search,
                debounce_timeout=300,
                type="search",
            ),
            direction="column",
            spacing="1",
            flex="1",
            min_width="12em",
        ),
        _filter_select(
            N_("Status"),
            "invoice-status",
            List.status,
            List.set_status,
            ((ALL, N_("All statuses")), ("issued", N_("Issued")), ("paid", N_("Paid"))),
        ),
        _filter_select(
            N_("Source"),
            "invoice-source",
            List.source,
            List.set_source,
            ((ALL, N_("All sources")), ("allegro", N_("Allegro")), ("manual", N_("Manual"))),
        ),
        _filter_select(
            N_("KSeF"), "invoice-ksef", List.ksef_status, List.set_ksef_status, KSEF_FILTER
        ),
        _date_input(N_("Issued from"), "invoice-from", List.date_from, List.set_date_from),
        _date_input(N_("Issued to"), "invoice-to", List.date_to, List.set_date_to),
        rx.button(tr("Clear"), variant="soft", color_scheme="gray", on_click=List.clear_filters),
        spacing="3",
        wrap="wrap",
        align="end",
        width="100%",
    )


def _invoice_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row["number"], href="/invoices/" + row["id"]), white_space="nowrap"),
        rx.table.cell(row["buyer"]),
        rx.table.cell(row["issue_date"], white_space="nowrap"),
        rx.table.cell(row["gross"], white_space="nowrap", text_align="right"),
        rx.table.cell(invoice_chip(row["status"])),
        rx.table.cell(tr_value(row["source"])),
        rx.table.cell(ksef_badge(row["ksef"], row["ksef_label"])),
    )


def invoices_page() -> rx.Component:
    return page_shell(
        rx.flex(
            filters(),
            notice(List.error, "red"),
            rx.cond(
                List.loading,
                loading_state(N_("Loading invoices…")),
                rx.cond(
                    List.items.length() > 0,
                    rx.box(
                        rx.box(
                            scroll_table(
                                [
                                    N_("Number"),
                                    N_("Buyer"),
                                    N_("Issued"),
                                    N_("Gross"),
                                    N_("Status"),
                                    N_("Source"),
                                    N_("KSeF"),
                                ],
                                rx.foreach(List.items, _invoice_row),
                                label=N_("Invoices"),
                            ),
                            display=WIDE_ONLY,
                        ),
                        invoice_cards(List.items),
                        pagination(
                            List.page,
                            List.page_count,
                            List.total,
                            List.previous_page,
                            List.next_page,
                            noun=N_("Invoices"),
                        ),
                    ),
                    empty_state(
                        N_("No invoices found"),
                        N_(
                            "Invoices appear here when you issue them or Allegro orders are synced."
                        ),
                        "file-text",
                    ),
                ),
            ),
            direction="column",
            spacing="4",
        ),
        title=N_("Invoices"),
    )


def _party(title: str, party) -> rx.Component:
    return rx.card(
        rx.text(tr(title), size="1", color="gray", weight="medium"),
        rx.text(party["name"], weight="bold", id=f"{title.lower()}-name"),
        rx.cond(party["nip"] != "", rx.text(tr("NIP {nip}", nip=party["nip"]), size="2")),
        rx.text(party["street"], size="2"),
        rx.text(party["city"], size="2"),
        flex="1",
        min_width="14em",
        id=f"{title.lower()}-card",
    )


def _fact(label: str, value) -> rx.Component:
    return rx.flex(
        rx.text(tr(label), size="1", color="gray"),
        rx.text(tr_value(value), size="2"),
        direction="column",
    )


def _line_row(line) -> rx.Component:
    right = {"text_align": "right", "white_space": "nowrap"}
    return rx.table.row(
        rx.table.cell(line["position"]),
        rx.table.cell(line["name"]),
        rx.table.cell(line["quantity"], white_space="nowrap"),
        rx.table.cell(line["unit_gross"], **right),
        rx.table.cell(line["rate"]),
        rx.table.cell(line["net"], **right),
        rx.table.cell(line["vat"], **right),
        rx.table.cell(line["gross"], **right),
    )


def _total_row(total) -> rx.Component:
    right = {"text_align": "right", "white_space": "nowrap"}
    return rx.table.row(
        rx.table.cell(total["rate"]),
        rx.table.cell(total["net"], **right),
        rx.table.cell(total["vat"], **right),
        rx.table.cell(total["gross"], **right),
    )


def invoice_detail() -> rx.Component:
    invoice = Detail.invoice
    return rx.flex(
        rx.flex(
            rx.heading(invoice["number"], as_="h2", size="5", id="invoice-number"),
            invoice_chip(invoice["status"]),
            rx.spacer(),
            rx.button(
                rx.icon("download", size=16),
                tr("Download PDF"),
                id="download-pdf",
                on_click=Detail.download_pdf,
            ),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        notice(Detail.error, "red"),
        links_section(),
        rx.flex(
            _fact(N_("Issued"), invoice["issue_date"]),
            _fact(N_("Sale date"), invoice["sale_date"]),
            _fact(N_("Due"), invoice["due_date"]),
            _fact(N_("Payment"), invoice["payment_method"]),
            _fact(N_("Paid"), invoice["paid_at"]),
            _fact(N_("Source"), invoice["source"]),
            rx.cond(invoice["order"] != "", _fact(N_("Allegro order"), invoice["order"])),
            spacing="5",
            wrap="wrap",
        ),
        rx.flex(
            _party(N_("Seller"), Detail.seller),
            _party(N_("Buyer"), Detail.buyer),
            spacing="3",
            wrap="wrap",
        ),
        scroll_table(
            [
                "#",
                N_("Item"),
                N_("Quantity"),
                N_("Unit gross"),
                N_("VAT"),
                N_("Net"),
                N_("VAT amount"),
                N_("Gross"),
            ],
            rx.foreach(Detail.lines, _line_row),
            min_width="760px",
            label=N_("Invoice lines"),
        ),
        rx.heading(tr("Totals per VAT rate"), as_="h3", size="3"),
        scroll_table(
            [N_("Rate"), N_("Net"), N_("VAT"), N_("Gross")],
            rx.fragment(
                rx.foreach(Detail.rate_totals, _total_row),
                rx.table.row(
                    rx.table.row_header_cell(tr("Total")),
                    rx.table.cell(invoice["net"], text_align="right"),
                    rx.table.cell(invoice["vat"], text_align="right"),
                    rx.table.cell(
                        rx.text(invoice["gross"], weight="bold"),
                        text_align="right",
                        id="invoice-gross",
                    ),
                ),
            ),
            min_width="420px",
            label=N_("Totals per VAT rate"),
        ),
        ksef_section(),
        payments_section(),
        allegro_section(),
        direction="column",
        spacing="4",
    )


def invoice_detail_page() -> rx.Component:
    return page_shell(
        rx.link(
            rx.flex(
                rx.icon("arrow-left", size=14), tr("All invoices"), align="center", spacing="1"
            ),
            href="/invoices",
            size="2",
            width="fit-content",
        ),
        rx.cond(
            Detail.loading,
            loading_state(N_("Loading the invoice…")),
            rx.cond(
                Detail.not_found,
                empty_state(
                    N_("Invoice not found"),
                    N_("It does not exist or belongs to another company."),
                    "file-x",
                ),
                invoice_detail(),
            ),
        ),
        title=N_("Invoice"),
    )


INVOICES_ON_LOAD = [InvoicesState.load]
INVOICE_DETAIL_ON_LOAD = [InvoiceDetailState.load, InvoiceFollowState.load, InvoiceKsefState.load]
