"""The KSeF part of an invoice's visualisation: its KSeF number and the QR code KOD I.

KOD I (docs/kody-qr.md) encodes the verification link of the invoice in its KSeF environment;
under it stands the KSeF number, or "OFFLINE" while the invoice has none yet. An invoice issued
offline also carries KOD II, the signed certificate link, labelled "CERTYFIKAT". Drawn as vector
modules (segno computes the matrix), so it prints sharp at any size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import segno
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

OFFLINE_LABEL = "OFFLINE"
CERTIFICATE_LABEL = "CERTYFIKAT"  # under KOD II (docs/kody-qr.md)
QR_SIZE = 30 * mm  # the whole symbol with its quiet zone


@dataclass(frozen=True)
class KsefMark:
    url: str  # the KOD I verification link
    ksef_number: str | None  # None: not (yet) given one by KSeF
    certificate_url: str | None = None  # KOD II of an offline invoice (signed link)

    @property
    def label(self) -> str:
        return self.ksef_number or OFFLINE_LABEL


class QrCode(Flowable):
    """A QR symbol drawn as filled squares (error correction M, quiet zone of 4 modules)."""

    def __init__(self, data: str, size: float = QR_SIZE) -> None:
        super().__init__()
        self.matrix = segno.make(data, error="m", micro=False).matrix
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        border = 4
        count = len(self.matrix) + 2 * border
        module = self.size / count
        canvas = self.canv
        canvas.setFillColorRGB(0, 0, 0)
        for row, values in enumerate(self.matrix):
            for column, dark in enumerate(values):
                if dark:
                    x = (column + border) * module
                    y = self.size - (row + border + 1) * module
                    canvas.rect(x, y, module, module, stroke=0, fill=1)


def ksef_block(mark: KsefMark | None, text: Any, bold: Any) -> list[Flowable]:
    """The QR code with its label beside the KSeF number (nothing for an invoice not in KSeF)."""
    if mark is None:
        return []
    number = mark.ksef_number or "nadawany (faktura w trybie offline lub oczekuje na KSeF)"
    words = [
        Paragraph("Krajowy System e-Faktur (KSeF)", bold),
        Paragraph(f"Numer KSeF: {number}", text),
        Paragraph("Zeskanuj kod, aby zweryfikować fakturę w KSeF.", text),
    ]
    qr = [QrCode(mark.url), Paragraph(mark.label, text)]
    row: list[Any] = [qr, words]
    widths: list[float | None] = [QR_SIZE + 4 * mm, None]
    if mark.certificate_url:
        words.append(Paragraph("Drugi kod (CERTYFIKAT) potwierdza wystawcę faktury offline.", text))
        row.insert(1, [QrCode(mark.certificate_url), Paragraph(CERTIFICATE_LABEL, text)])
        widths.insert(1, QR_SIZE + 4 * mm)
    table = Table([row], colWidths=widths)
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    return [table]
