"""MPP (P_18A, P_12_Zal_15) from the Annex 15 snapshot, and the KOR of a correction."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import Session

from invoicehub.domain.invoices import get_invoice_lines
from invoicehub.integrations.ksef.fa3 import (
    build_fa3,
    correction_of,
    fa3_invoice_from_issued,
    fa3_line_from,
    render_valid_fa3,
    validate_fa3,
)
from tests.domain.factories import buyer, line, make_company
from tests.ksef_fa3.helpers import issue_fa3, make_product, text, texts

KSEF_NUMBER = "5252674798-20261128-0100001AF629-A7"


@pytest.mark.parametrize(
    ("price", "nip", "annex15", "expected"),
    [
        ("15000.01", "7740001454", True, "1"),
        ("15000.00", "7740001454", True, "2"),  # must exceed 15,000 PLN
        ("20000.00", None, True, "2"),  # a consumer: not a supply to a taxpayer
        ("20000.00", "7740001454", False, "2"),  # no Annex 15 good
    ],
)
def test_split_payment_marker_follows_the_annex15_rule(
    session: Session, price: str, nip: str | None, annex15: bool, expected: str
):
    company = make_company(session)
    product = make_product(session, company, annex15=annex15)
    _, xml = issue_fa3(
        session,
        company,
        lines=[line("Laptop", "1", price, "23", product_id=product.id)],
        buyer=buyer(nip=nip),
    )
    assert validate_fa3(xml) == []
    assert text(xml, "//f:Adnotacje/f:P_18A") == expected
    assert text(xml, "//f:FaWiersz/f:P_12_Zal_15") == ("1" if annex15 else None)


def test_only_annex15_lines_are_marked(session: Session):
    company = make_company(session)
    laptop = make_product(session, company, annex15=True)
    _, xml = issue_fa3(
        session,
        company,
        lines=[
            line("Laptop", "1", "16000.00", "23", product_id=laptop.id),
            line("Dostawa", "1", "20.00", "23"),
        ],
    )
    assert validate_fa3(xml) == []
    assert text(xml, "//f:Adnotacje/f:P_18A") == "1"
    assert texts(xml, "//f:FaWiersz/f:P_12_Zal_15") == ["1"]


def _correction(session: Session, ksef_number: str | None, *, to_zero: bool = False):
    company = make_company(session)
    invoice, _ = issue_fa3(
        session,
        company,
        lines=[line("Kubek", "2", "49.99", "23"), line("Książka", "1", "39.90", "5")],
    )
    original = fa3_invoice_from_issued(invoice, get_invoice_lines(session, invoice.id))
    mug, book = original.lines
    if to_zero:
        zero = Decimal("0.00")
        after = tuple(
            dataclasses.replace(li, quantity=Decimal(0), net=zero, vat=zero, gross=zero)
            for li in original.lines
        )
    else:
        one_mug = dataclasses.replace(
            mug,
            quantity=Decimal(1),
            net=Decimal("40.64"),
            vat=Decimal("9.35"),
            gross=mug.unit_gross,
        )
        after = (one_mug, book)
    doc = correction_of(
        original,
        number="KOR/2026/11/1",
        issue_date=date(2026, 11, 30),
        created_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
        lines_after=after,
        reason="Zwrot towaru przez kupującego",
        corrected_ksef_number=ksef_number,
    )
    return doc, invoice


def test_kor_lists_the_corrected_invoice_its_reason_and_the_lines_before_and_after(
    session: Session,
):
    doc, invoice = _correction(session, KSEF_NUMBER)
    xml = render_valid_fa3(doc)
    assert text(xml, "//f:Fa/f:RodzajFaktury") == "KOR"
    assert text(xml, "//f:Fa/f:PrzyczynaKorekty") == "Zwrot towaru przez kupującego"
    assert text(xml, "//f:Fa/f:TypKorekty") == "2"
    data = "//f:DaneFaKorygowanej/f:"
    assert text(xml, data + "NrFaKorygowanej") == invoice.number
    assert text(xml, data + "DataWystFaKorygowanej") == invoice.issue_date.isoformat()
    assert (text(xml, data + "NrKSeF"), text(xml, data + "NrKSeFFaKorygowanej")) == (
        "1",
        KSEF_NUMBER,
    )
    assert texts(xml, "//f:FaWiersz/f:NrWierszaFa") == ["1", "2", "3", "4"]
    assert texts(xml, "//f:FaWiersz/f:StanPrzed") == ["1", "1"]
    assert texts(xml, "//f:FaWiersz/f:P_8B") == ["2", "1", "1", "1"]
    # the before and after rows of one line share its UU_ID
    ids = texts(xml, "//f:FaWiersz/f:UU_ID")
    assert ids[0] == ids[2] and ids[1] == ids[3]
    # totals are the differences: one mug of 49.99 less at 23%, nothing at 5%
    assert (text(xml, "//f:Fa/f:P_13_1"), text(xml, "//f:Fa/f:P_14_1")) == ("-40.64", "-9.35")
    assert (text(xml, "//f:Fa/f:P_13_3"), text(xml, "//f:Fa/f:P_14_3")) == ("0.00", "0.00")
    assert text(xml, "//f:Fa/f:P_15") == "-49.99"


def test_kor_of_an_invoice_issued_outside_ksef_says_nrksefn(session: Session):
    doc, _ = _correction(session, None)
    xml = render_valid_fa3(doc)
    assert text(xml, "//f:DaneFaKorygowanej/f:NrKSeFN") == "1"
    assert text(xml, "//f:DaneFaKorygowanej/f:NrKSeFFaKorygowanej") is None


def test_kor_line_rows_match_the_stored_lines(session: Session):
    doc, invoice = _correction(session, KSEF_NUMBER)
    stored = [fa3_line_from(li) for li in get_invoice_lines(session, invoice.id)]
    assert doc.correction is not None and list(doc.correction.lines_before) == stored


def test_kor_to_zero_of_a_cancelled_order_takes_the_whole_amount_back(session: Session):
    doc, invoice = _correction(session, KSEF_NUMBER, to_zero=True)
    xml = render_valid_fa3(doc)
    assert text(xml, "//f:Fa/f:P_15") == f"-{invoice.total_gross:.2f}"
    assert texts(xml, "//f:FaWiersz/f:P_8B") == ["2", "1", "0", "0"]
    assert texts(xml, "//f:FaWiersz/f:P_11A")[2:] == ["0.00", "0.00"]
    assert text(xml, "//f:Fa/f:P_1") == "2026-11-30"
    assert text(xml, "//f:Naglowek/f:DataWytworzeniaFa") == "2026-11-30T09:00:00Z"


def test_a_kor_that_does_not_name_the_corrected_invoice_is_a_problem(session: Session):
    doc, _ = _correction(session, KSEF_NUMBER)
    problems = validate_fa3(build_fa3(dataclasses.replace(doc, correction=None)))
    assert [p.field for p in problems] == ["Fa/DaneFaKorygowanej"]
