"""Median time to render one invoice PDF (no database): `python bench/pdf_render.py [renders]`.

Prints per-layout medians and, last, `pdf_median_ms=<x>` over all renders (target < 200 ms).
"""

from __future__ import annotations

import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from invoicehub.documents.pdf import LAYOUTS, render_invoice_pdf
from invoicehub.domain.taxes import compute_totals, line_amounts
from invoicehub.models import Invoice, InvoiceLine

DEFAULT_RENDERS = 200
ITEMS = (
    ("Kubek ceramiczny „Zażółć” 330 ml, biały, zestaw 2 szt.", "2", "49.99", "23"),
    ("Książka: Gęślą jaźń - wydanie drugie", "1", "39.90", "5"),
    ("Wysyłka: Allegro Paczkomaty InPost", "1", "12.99", "23"),
)


def sample_invoice() -> tuple[Invoice, list[InvoiceLine]]:
    invoice_id = uuid.uuid4()
    lines = []
    for position, (name, quantity, unit_gross, rate) in enumerate(ITEMS, start=1):
        amounts = line_amounts(Decimal(unit_gross), Decimal(quantity), rate)
        lines.append(
            InvoiceLine(
                invoice_id=invoice_id,
                position=position,
                name=name,
                quantity=Decimal(quantity),
                unit_gross=Decimal(unit_gross),
                vat_rate=rate,
                net=amounts.net,
                vat=amounts.vat,
                gross=amounts.gross,
            )
        )
    totals = compute_totals((line.vat_rate, line.gross) for line in lines)
    invoice = Invoice(
        id=invoice_id,
        tenant_id=uuid.uuid4(),
        company_id=uuid.uuid4(),
        number="FV/2026/11/1234",
        status="paid",
        issue_date=date(2026, 11, 28),
        sale_date=date(2026, 11, 27),
        due_date=date(2026, 12, 12),
        paid_at=datetime(2026, 11, 27, 18, 30, tzinfo=UTC),
        seller={
            "name": "Sklep Testowy Sp. z o.o.",
            "nip": "5252674798",
            "street": "ul. Marszałkowska 1",
            "city": "Warszawa",
            "postalCode": "00-950",
            "countryCode": "PL",
            "bankAccount": "61109010140000071219812874",
        },
        buyer={
            "name": "Zażółć Gęślą Jaźń Sp. z o.o.",
            "nip": "7740001454",
            "street": "ul. Piotrkowska 100",
            "city": "Łódź",
            "postalCode": "90-001",
            "countryCode": "PL",
        },
        total_net=totals.net,
        total_vat=totals.vat,
        total_gross=totals.gross,
    )
    return invoice, lines


def main(renders: int) -> None:
    invoice, lines = sample_invoice()
    render_invoice_pdf(invoice, lines, "standard")  # font registration is a one-off
    every: list[float] = []
    for code in LAYOUTS:
        timings = []
        for _ in range(renders // len(LAYOUTS)):
            started = time.perf_counter()
            render_invoice_pdf(invoice, lines, code)
            timings.append((time.perf_counter() - started) * 1000)
        print(f"{code}: median {statistics.median(timings):.2f} ms over {len(timings)} renders")
        every += timings
    print(f"pdf_median_ms={statistics.median(every):.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_RENDERS)
