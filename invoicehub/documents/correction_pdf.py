"""Correction invoice PDFs ("Faktura korygująca") with what art. 106j ust. 2 requires: the words
"FAKTURA KORYGUJĄCA", its own number and date, the corrected invoice's number, date and KSeF
number, the parties, the reason, the lines before and after the correction (names of the goods
concerned) and the corrected tax base and VAT per rate, with the amount to return or pay.

The layout and styles are the invoice's (documents/pdf.py); only the story differs.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table

from invoicehub.documents import formatting as fmt
from invoicehub.documents.ksef_mark import KsefMark, ksef_block
from invoicehub.documents.pdf import (
    LAYOUTS,
    LINE_HEADERS,
    SUMMARY_HEADERS,
    _esc,
    _plain,
    _Story,
    register_fonts,
)
from invoicehub.documents.words import amount_in_words
from invoicehub.domain.corrections import CorrectionLine
from invoicehub.domain.templates import STANDARD_CODE
from invoicehub.models import Invoice, InvoiceKind, InvoiceLine

TITLE = "Faktura korygująca"


def render_document_pdf(
    invoice: Invoice,
    lines: Sequence[InvoiceLine],
    template_code: str,
    ksef: KsefMark | None = None,
) -> bytes:
    """The PDF of an invoice or of a correction, whichever `invoice` is (with its KSeF number
    and QR code when `ksef` is given)."""
    if invoice.kind == InvoiceKind.CORRECTION:
        return render_correction_pdf(invoice, lines, template_code, ksef)
    from invoicehub.documents.pdf import render_invoice_pdf

    return render_invoice_pdf(invoice, lines, template_code, ksef)


def render_correction_pdf(
    correction: Invoice,
    lines: Sequence[InvoiceLine],
    template_code: str,
    ksef: KsefMark | None = None,
) -> bytes:
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
        title=f"{TITLE} {correction.number}",
        author=str(correction.seller.get("name", "")),
        creator="Invoice-HUB",
    )
    doc.build(_CorrectionStory(correction, lines, layout, doc.width, ksef).flowables())
    return buffer.getvalue()


class _CorrectionStory(_Story):
    def flowables(self) -> list[Flowable]:
        data: dict[str, Any] = self.invoice.correction or {}
        before = [CorrectionLine.from_json(line) for line in data.get("linesBefore", [])]
        gap = Spacer(1, self.layout.font_size * 1.5)
        return [
            *self.header(),
            Spacer(1, self.layout.font_size * 0.6),
            *self.corrected(data),
            gap,
            self.parties(),
            gap,
            Paragraph("Przed korektą", self.bold),
            self.rows_table([_cells(line) for line in before]),
            gap,
            Paragraph("Po korekcie", self.bold),
            self.rows_table([_cells(line) for line in self.lines]),
            gap,
            Paragraph("Korekta podstawy opodatkowania i podatku według stawek", self.bold),
            self.differences_table(data.get("differences", [])),
            gap,
            *self.settlement(),
            gap,
            *ksef_block(self.ksef, self.text, self.bold),
        ]

    def header(self) -> list[Flowable]:
        invoice = self.invoice
        right = [
            Paragraph(f"Data wystawienia: {fmt.day(invoice.issue_date)}", self.right),
            Paragraph(f"Data sprzedaży: {fmt.day(invoice.sale_date)}", self.right),
        ]
        left = [Paragraph(TITLE, self.title), Paragraph(f"Nr {_esc(invoice.number)}", self.bold)]
        table = Table([[left, right]], colWidths=[self.width * 0.55, self.width * 0.45])
        table.setStyle(_plain())
        return [table]

    def corrected(self, data: dict[str, Any]) -> list[Flowable]:
        issued = data.get("correctedIssueDate")
        rows = [
            f"Dotyczy faktury nr {_esc(data.get('correctedNumber', ''))}"
            + (f" z dnia {fmt.day(date.fromisoformat(issued))}" if issued else ""),
        ]
        if data.get("correctedKsefNumber"):
            rows.append(f"Numer KSeF faktury korygowanej: {_esc(data['correctedKsefNumber'])}")
        rows.append(f"Przyczyna korekty: {_esc(data.get('reason', ''))}")
        return [Paragraph(row, self.text) for row in rows]

    def rows_table(self, rows: list[list[Any]]) -> Flowable:
        for row in rows:
            row[1] = Paragraph(_esc(row[1]), self.text)
        head = [Paragraph(h, self.bold) for h in LINE_HEADERS]
        widths = self.line_widths([[c if isinstance(c, str) else "" for c in r] for r in rows])
        table = Table([head, *rows], colWidths=widths, repeatRows=1)
        table.setStyle(self.grid(numeric_from=2))
        return table

    def differences_table(self, diffs: list[dict[str, str]]) -> Flowable:
        rows: list[list[Any]] = [[Paragraph(h, self.bold) for h in SUMMARY_HEADERS]]
        for d in diffs:
            rows.append(
                [fmt.rate(d["rate"]), *(_signed(Decimal(d[k])) for k in ("net", "vat", "gross"))]
            )
        invoice = self.invoice
        rows.append(
            [
                Paragraph("Razem", self.bold),
                *(
                    Paragraph(_signed(v), self.bold_right)
                    for v in (invoice.total_net, invoice.total_vat, invoice.total_gross)
                ),
            ]
        )
        widths = [self.width * w for w in (0.14, 0.14, 0.12, 0.14)]
        table = Table(rows, colWidths=widths, hAlign="RIGHT")
        table.setStyle(self.grid(numeric_from=1))
        return table

    def settlement(self) -> list[Flowable]:
        invoice, gross = self.invoice, self.invoice.total_gross
        label = "Do zwrotu" if gross < 0 else "Do zapłaty"
        rows = [Paragraph(f"{label}: {fmt.money(abs(gross))} {invoice.currency}", self.title)]
        if invoice.currency == "PLN":
            rows.append(Paragraph(f"Słownie: {amount_in_words(abs(gross))}", self.text))
        return rows


def _cells(line: CorrectionLine | InvoiceLine) -> list[Any]:
    return [
        str(line.position),
        line.name,
        fmt.quantity(line.quantity),
        line.unit,
        fmt.money(line.unit_gross),
        fmt.rate(line.vat_rate),
        fmt.money(line.net),
        fmt.money(line.vat),
        fmt.money(line.gross),
    ]


def _signed(amount: Decimal) -> str:
    return (
        fmt.money(amount)
        if amount < 0
        else f"+{fmt.money(amount)}"
        if amount
        else fmt.money(amount)
    )
