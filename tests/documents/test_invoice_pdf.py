"""The invoice PDF carries every mandatory field (art. 106e) in Polish, diacritics intact."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlmodel import Session

from invoicehub.documents.pdf import render_invoice_pdf
from invoicehub.documents.words import amount_in_words
from invoicehub.domain.invoices import get_invoice_lines, mark_invoice_paid
from tests.domain.factories import buyer, issue_invoice, line, make_company, paid_at

MANDATORY = (
    "Faktura VAT",
    "Nr FV/2026/11/1",
    "Data wystawienia: 2026-11-28",
    "Data sprzedaży: 2026-11-28",
    "Sprzedawca",
    "Sklep Testowy Sp. z o.o.",
    "ul. Marszałkowska 1",
    "00-950 Warszawa",
    "NIP: 5252674798",
    "Nabywca",
    "Zażółć Gęślą Jaźń Sp. z o.o.",
    "ul. Piotrkowska 100",
    "90-001 Łódź",
    "NIP: 7740001454",
    "Lp.",
    "Nazwa",
    "Ilość",
    "J.m.",
    "Cena",
    "brutto",
    "Stawka",
    "VAT",
    "Wartość",
    "netto",
    "Kwota",
    "Razem",
    "Forma płatności: przelew",
    "Termin płatności: 2026-12-12",
    "Numer konta: 61 1090 1014 0000 0712 1981 2874",
    "Do zapłaty: 151,88 PLN",
    "Słownie: sto pięćdziesiąt jeden złotych 88/100",
)


def _issue(session: Session, **overrides):
    company = make_company(session)
    lines = [
        line("Kubek „Zażółć”", "2", "49.99", "23"),
        line("Książka", "1", "39.90", "5"),
        line("Wysyłka", "1", "12.00", "23"),
    ]
    invoice = issue_invoice(session, company, lines=lines, **overrides)
    return company, invoice, get_invoice_lines(session, invoice.id)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("template", ["standard", "compact"])
def test_pdf_has_every_mandatory_field_with_polish_diacritics(session: Session, template):
    _, invoice, lines = _issue(session)
    pdf = render_invoice_pdf(invoice, lines, template)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    missing = [field for field in MANDATORY if field not in text]
    assert not missing, f"missing in {template}: {missing}\n{text}"
    for amount in ("49,99", "99,98", "81,28", "18,70", "39,90", "38,00", "1,90", "12,00"):
        assert amount in text
    for rate in ("23%", "5%"):
        assert rate in text
    assert "Kubek „Zażółć”" in text
    assert "Zapłacono" not in text


def test_per_rate_summary_lists_net_vat_and_gross_of_each_rate(session: Session):
    _, invoice, lines = _issue(session)
    text = _text(render_invoice_pdf(invoice, lines, "standard"))
    # 23%: 99.98 + 12.00 = 111.98 gross -> 91.04 net, 20.94 VAT; totals 129.04 / 22.84 / 151.88.
    for value in ("111,98", "91,04", "20,94", "129,04", "22,84", "151,88"):
        assert value in text


def test_paid_invoice_shows_zaplacono_and_nothing_left_to_pay(session: Session):
    company, invoice, lines = _issue(session)
    paid = mark_invoice_paid(session, company.tenant_id, invoice.id, paid_at(), "karta")
    text = _text(render_invoice_pdf(paid, lines, "standard"))
    assert "Zapłacono: 151,88 PLN (2026-11-28)" in text
    assert "Do zapłaty: 0,00 PLN" in text
    assert "Forma płatności: karta" in text


def test_layouts_differ_and_an_unknown_code_falls_back_to_standard(session: Session):
    _, invoice, lines = _issue(session)
    standard = render_invoice_pdf(invoice, lines, "standard")
    compact = render_invoice_pdf(invoice, lines, "compact")
    assert "Faktura VAT\nNr FV/2026/11/1" in _text(standard)
    assert "Faktura VAT   Nr FV/2026/11/1" in _text(compact)  # one-line, one-column header
    assert _text(render_invoice_pdf(invoice, lines, "no-such")) == _text(standard)


def test_buyer_text_is_printed_literally_not_as_markup(session: Session):
    _, invoice, lines = _issue(session, buyer=buyer(name="<b>A & B</b> Sp. j.", nip=None))
    text = _text(render_invoice_pdf(invoice, lines, "standard"))
    assert "<b>A & B</b> Sp. j." in text


def test_many_lines_flow_onto_more_pages_with_totals_at_the_end(session: Session):
    company = make_company(session)
    many = [line(f"Pozycja {n}", "1", "1.00", "23") for n in range(80)]
    invoice = issue_invoice(session, company, lines=many)
    pdf = render_invoice_pdf(invoice, get_invoice_lines(session, invoice.id), "standard")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    assert "Do zapłaty: 80,00 PLN" in reader.pages[-1].extract_text()


EXEMPTION = "art. 43 ust. 1 pkt 29 lit. c ustawy o VAT"


def test_an_exempt_line_prints_the_sellers_exemption_basis_as_it_was_at_issue(session: Session):
    company = make_company(session)
    company.vat_exemption_basis = EXEMPTION
    session.add(company)
    lines = [line("Kurs online", "1", "100.00", "zw"), line("Kubek", "1", "49.99", "23")]
    invoice = issue_invoice(session, company, lines=lines)
    company.vat_exemption_basis = "changed after the invoice was issued"
    session.add(company)
    session.commit()
    text = _text(render_invoice_pdf(invoice, get_invoice_lines(session, invoice.id), "standard"))
    assert f"Podstawa zwolnienia z VAT: {EXEMPTION}" in " ".join(text.split())
    assert "changed after" not in text


def test_no_exemption_basis_without_an_exempt_line(session: Session):
    company = make_company(session)
    company.vat_exemption_basis = EXEMPTION
    session.add(company)
    invoice = issue_invoice(session, company, lines=[line("Kubek", "1", "49.99", "23")])
    text = _text(render_invoice_pdf(invoice, get_invoice_lines(session, invoice.id), "compact"))
    assert "Podstawa zwolnienia" not in text


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0.00", "zero złotych 00/100"),
        ("1.00", "jeden złoty 00/100"),
        ("2.50", "dwa złote 50/100"),
        ("12.00", "dwanaście złotych 00/100"),
        ("22.01", "dwadzieścia dwa złote 01/100"),
        ("151.88", "sto pięćdziesiąt jeden złotych 88/100"),
        ("1000.00", "tysiąc złotych 00/100"),
        ("2314.00", "dwa tysiące trzysta czternaście złotych 00/100"),
        ("15000.00", "piętnaście tysięcy złotych 00/100"),
        ("1000000.00", "milion złotych 00/100"),
        ("3022000.99", "trzy miliony dwadzieścia dwa tysiące złotych 99/100"),
    ],
)
def test_amount_in_polish_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words
