"""Invoice PDFs with every field art. 106e of the Polish VAT act requires, in Polish.

Rendered with reportlab rather than WeasyPrint: reportlab is pure Python plus a small C
extension shipped in its wheel, so the web and worker processes need no system pango/cairo
libraries at runtime, and it lays out an invoice page in a few milliseconds (HTML-to-PDF
engines take tens to hundreds). DejaVu Sans is embedded (subset) so Polish diacritics print
and extract correctly in every viewer.

Two built-in layouts, picked by the template code: "standard" (A4, two-column seller/buyer
header, roomy table) and "compact" (smaller type and margins, one-column header).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from invoicehub.documents import formatting as fmt
from invoicehub.documents.ksef_mark import KsefMark, ksef_block
from invoicehub.documents.words import amount_in_words
from invoicehub.domain.invoice_queries import totals_of
from invoicehub.domain.taxes import EXEMPT
from invoicehub.domain.templates import COMPACT_CODE, STANDARD_CODE
from invoicehub.domain.vat_rules import required_words
from invoicehub.models import Invoice, InvoiceLine, InvoiceStatus
from invoicehub.settings import PROJECT_ROOT

FONT_DIR = PROJECT_ROOT / "assets" / "fonts"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
LINE_HEADERS = (
    "Lp.",
    "Nazwa",
    "Ilość",
    "J.m.",
    "Cena brutto",
    "Stawka VAT",
    "Wartość netto",
    "Kwota VAT",
    "Wartość brutto",
)
SUMMARY_HEADERS = ("Stawka VAT", "Wartość netto", "Kwota VAT", "Wartość brutto")
_CELL_PADDING = 6  # reportlab's default left/right cell padding, in points


@dataclass(frozen=True)
class Layout:
    font_size: float
    title_size: float
    margin: float
    one_column_header: bool
    grid_color: Any


LAYOUTS = {
    STANDARD_CODE: Layout(
        font_size=9,
        title_size=18,
        margin=18 * mm,
        one_column_header=False,
        grid_color=colors.HexColor("#9aa5b1"),
    ),
    COMPACT_CODE: Layout(
        font_size=7,
        title_size=12,
        margin=10 * mm,
        one_column_header=True,
        grid_color=colors.HexColor("#c4ccd4"),
    ),
}


@cache
def register_fonts() -> None:
    """Register DejaVu Sans (regular and bold) once per process."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))


def render_invoice_pdf(
    invoice: Invoice,
    lines: Sequence[InvoiceLine],
    template_code: str,
    ksef: KsefMark | None = None,
) -> bytes:
    """The invoice as PDF bytes; an unknown template code renders with the standard layout.
    `ksef` adds the KSeF number and QR code KOD I."""
    register_fonts()
    layout = LAYOUTS.get(template_code, LAYOUTS[STANDARD_CODE])
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=layout.margin,
        rightMargin=layout.margin,
        topMargin=layout.margin,
        bottomMargin=layout.margin,
        title=f"Faktura VAT {invoice.number}",
        author=str(invoice.seller.get("name", "")),
        creator="Invoice-HUB",
    )
    doc.build(_Story(invoice, lines, layout, doc.width, ksef).flowables())
    return buffer.getvalue()


class _Story:
    """Builds the flowables of one invoice in one layout."""

    def __init__(
        self,
        invoice: Invoice,
        lines: Sequence[InvoiceLine],
        layout: Layout,
        width: float,
        ksef: KsefMark | None = None,
    ) -> None:
        self.invoice, self.lines, self.layout, self.width = invoice, lines, layout, width
        self.ksef = ksef
        size = layout.font_size
        self.text = ParagraphStyle("text", fontName=FONT, fontSize=size, leading=size * 1.3)
        self.bold = ParagraphStyle("bold", parent=self.text, fontName=FONT_BOLD)
        self.right = ParagraphStyle("right", parent=self.text, alignment=TA_RIGHT)
        self.bold_right = ParagraphStyle("bold_right", parent=self.bold, alignment=TA_RIGHT)
        self.title = ParagraphStyle(
            "title", parent=self.bold, fontSize=layout.title_size, leading=layout.title_size * 1.2
        )

    def flowables(self) -> list[Flowable]:
        gap = Spacer(1, self.layout.font_size * (1.2 if self.layout.one_column_header else 2))
        return [
            *self.header(),
            *self.annotations(),
            gap,
            self.parties(),
            gap,
            self.line_table(),
            gap,
            self.summary_table(),
            *self.exemption(),
            gap,
            *self.payment(),
            gap,
            *ksef_block(self.ksef, self.text, self.bold),
        ]

    def header(self) -> list[Flowable]:
        invoice = self.invoice
        title = Paragraph("Faktura VAT", self.title)
        number = Paragraph(f"Nr {_esc(invoice.number)}", self.bold)
        dates = [
            f"Data wystawienia: {fmt.day(invoice.issue_date)}",
            f"Data sprzedaży: {fmt.day(invoice.sale_date)}",
        ]
        if self.layout.one_column_header:
            return [
                Paragraph(f"Faktura VAT &nbsp; Nr {_esc(invoice.number)}", self.title),
                Paragraph(" &nbsp;&nbsp; ".join(dates), self.text),
            ]
        right = [Paragraph(line, self.right) for line in dates]
        table = Table([[[title, number], right]], colWidths=[self.width * 0.55, self.width * 0.45])
        table.setStyle(_plain())
        return [table]

    def annotations(self) -> list[Flowable]:
        """ "metoda kasowa", "mechanizm podzielonej płatności" where the invoice must say them."""
        invoice, annex15 = self.invoice, (line.annex15 for line in self.lines)
        words = required_words(invoice.seller, invoice.buyer, invoice.total_gross, annex15)
        return [Paragraph(_esc(text), self.bold) for text in words]

    def party(self, label: str, data: dict[str, Any]) -> list[Flowable]:
        rows = [
            Paragraph(label, self.bold),
            Paragraph(_esc(data.get("name", "")), self.text),
            Paragraph(_esc(data.get("street", "")), self.text),
            Paragraph(
                _esc(f"{data.get('postalCode', '')} {data.get('city', '')}".strip()), self.text
            ),
        ]
        if data.get("countryCode") not in (None, "", "PL"):
            rows.append(Paragraph(_esc(data["countryCode"]), self.text))
        if data.get("nip"):
            rows.append(Paragraph(f"NIP: {_esc(data['nip'])}", self.text))
        return rows

    def parties(self) -> Flowable:
        seller = self.party("Sprzedawca", self.invoice.seller)
        buyer = self.party("Nabywca", self.invoice.buyer)
        if self.layout.one_column_header:
            table = Table([[seller], [buyer]], colWidths=[self.width])
        else:
            table = Table([[seller, buyer]], colWidths=[self.width / 2] * 2)
        table.setStyle(_plain())
        return table

    def line_table(self) -> Flowable:
        head = [Paragraph(h, self.bold) for h in LINE_HEADERS]
        rows: list[list[Any]] = [
            [
                str(line.position),
                Paragraph(_esc(line.name), self.text),
                fmt.quantity(line.quantity),
                line.unit,
                fmt.money(line.unit_gross),
                fmt.rate(line.vat_rate),
                fmt.money(line.net),
                fmt.money(line.vat),
                fmt.money(line.gross),
            ]
            for line in self.lines
        ]
        table = Table([head, *rows], colWidths=self.line_widths(rows), repeatRows=1)
        table.setStyle(self.grid(numeric_from=2))
        return table

    def line_widths(self, rows: list[list[Any]]) -> list[float]:
        """Every column as wide as its longest header word or value; the name takes the rest."""
        size, padding = self.layout.font_size, 2 * _CELL_PADDING + 3  # slack: no split words
        widths = []
        for column, header in enumerate(LINE_HEADERS):
            words = [pdfmetrics.stringWidth(w, FONT_BOLD, size) for w in header.split()]
            values = [
                pdfmetrics.stringWidth(row[column], FONT, size) for row in rows if column != 1
            ]
            widths.append(max(words + values) + padding)
        widths[1] = max(self.width - sum(widths) + widths[1], self.width * 0.2)
        return widths

    def summary_table(self) -> Flowable:
        totals = totals_of(self.lines)
        rows: list[list[Any]] = [[Paragraph(h, self.bold) for h in SUMMARY_HEADERS]]
        for r in totals.by_rate:
            rows.append([fmt.rate(r.rate), fmt.money(r.net), fmt.money(r.vat), fmt.money(r.gross)])
        rows.append(
            [
                Paragraph("Razem", self.bold),
                *(
                    Paragraph(fmt.money(v), self.bold_right)
                    for v in (totals.net, totals.vat, totals.gross)
                ),
            ]
        )
        widths = [self.width * w for w in (0.14, 0.14, 0.12, 0.14)]
        table = Table(rows, colWidths=widths, hAlign="RIGHT")
        table.setStyle(self.grid(numeric_from=1))
        return table

    def exemption(self) -> list[Flowable]:
        """The legal basis of a VAT exemption, required when a line is "zw" (art. 106e ust. 1
        pkt 19); the seller's, as it was when the invoice was issued."""
        basis = str(self.invoice.seller.get("vatExemptionBasis") or "")
        if not basis or not any(line.vat_rate == EXEMPT for line in self.lines):
            return []
        gap = Spacer(1, self.layout.font_size * 0.8)
        return [gap, Paragraph(f"Podstawa zwolnienia z VAT: {_esc(basis)}", self.text)]

    def payment(self) -> list[Flowable]:
        invoice = self.invoice
        total = f"{fmt.money(invoice.total_gross)} {invoice.currency}"
        paid = invoice.status == InvoiceStatus.PAID and invoice.paid_at is not None
        rows = [
            f"Forma płatności: {_esc(invoice.payment_method)}",
            f"Termin płatności: {fmt.day(invoice.due_date)}",
        ]
        account = invoice.seller.get("bankAccount")
        if account:
            rows.append(f"Numer konta: {_esc(fmt.bank_account(account))}")
        if paid:
            rows.append(f"Zapłacono: {total} ({fmt.day(invoice.paid_at)})")  # type: ignore[arg-type]
        due = f"0,00 {invoice.currency}" if paid else total
        flowables: list[Flowable] = [Paragraph(row, self.text) for row in rows]
        flowables.append(Paragraph(f"Do zapłaty: {due}", self.title if not paid else self.bold))
        if invoice.currency == "PLN":
            flowables.append(
                Paragraph(f"Słownie: {amount_in_words(invoice.total_gross)}", self.text)
            )
        return flowables

    def grid(self, numeric_from: int) -> TableStyle:
        size = self.layout.font_size
        commands: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), FONT, size),
            ("GRID", (0, 0), (-1, -1), 0.5, self.layout.grid_color),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f4")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
            ("TOPPADDING", (0, 0), (-1, -1), size * 0.25),
            ("BOTTOMPADDING", (0, 0), (-1, -1), size * 0.35),
        ]
        return TableStyle(commands)


def _plain() -> TableStyle:
    return TableStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
    )


def _esc(value: object) -> str:
    """Escape text for reportlab's mini-markup (buyer names come from Allegro)."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
