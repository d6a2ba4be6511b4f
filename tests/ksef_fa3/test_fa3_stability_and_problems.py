"""FA(3) is byte-stable and read from the invoice's own snapshot; a broken one names its field."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest
from sqlmodel import Session

from invoicehub.domain.invoices import get_invoice_lines
from invoicehub.integrations.ksef.fa3 import (
    ExemptionKind,
    Fa3Exemption,
    Fa3Invalid,
    Fa3Problem,
    build_fa3,
    fa3_schema,
    render_valid_fa3,
    upo_schema,
    validate_fa3,
)
from invoicehub.integrations.ksef.fa3.snapshot import fa3_invoice_from_issued
from invoicehub.models import Invoice
from tests.domain.factories import line, make_company
from tests.ksef_fa3.helpers import fa3_of, issue_fa3, make_product, text


def _doc(session: Session, invoice: Invoice):
    return fa3_invoice_from_issued(invoice, get_invoice_lines(session, invoice.id))


def test_the_same_invoice_gives_the_same_bytes_utf8_without_bom(session: Session):
    invoice, first = issue_fa3(session, make_company(session))
    again = fa3_of(session, invoice)
    assert first == again
    assert not first.startswith(b"\xef\xbb\xbf")
    assert first.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "Zażółć Gęślą Jaźń".encode() in first  # UTF-8, not character references
    created = invoice.created_at.astimezone().strftime("%Y-%m-%d")
    assert (text(first, "//f:DataWytworzeniaFa") or "").endswith("Z")
    assert created[:4] in (text(first, "//f:DataWytworzeniaFa") or "")


def test_later_edits_of_company_and_product_do_not_change_an_issued_invoices_fa3(
    session: Session,
):
    company = make_company(session)
    product = make_product(session, company, annex15=False)
    invoice, before = issue_fa3(
        session, company, lines=[line("Laptop", "1", "20000.00", "23", product_id=product.id)]
    )
    company.name, company.street, company.cash_accounting = "Nowa Nazwa", "ul. Inna 2", True
    product.annex15 = True
    session.commit()
    assert fa3_of(session, invoice) == before
    assert text(before, "//f:Adnotacje/f:P_18A") == "2"


def test_a_seller_without_an_address_gets_a_problem_naming_the_address_field(session: Session):
    # The domain issues no such invoice (seller data gate); the builder still says what is wrong.
    invoice, _ = issue_fa3(session, make_company(session))
    doc = _doc(session, invoice)
    seller = dataclasses.replace(doc.seller, street="", city="", postal_code="")
    problems = validate_fa3(build_fa3(dataclasses.replace(doc, seller=seller)))
    assert [p.field for p in problems] == ["Podmiot1/Adres/AdresL1"]
    assert "seller's address" in problems[0].message and "Company tab" in problems[0].message


def test_an_exemption_without_its_basis_names_the_basis_field(session: Session):
    invoice, _ = issue_fa3(session, make_company(session))
    doc = dataclasses.replace(
        _doc(session, invoice), exemption=Fa3Exemption(ExemptionKind.DIRECTIVE, "")
    )
    with pytest.raises(Fa3Invalid) as refused:
        render_valid_fa3(doc)
    assert refused.value.problems == [
        Fa3Problem(
            "Fa/Adnotacje/Zwolnienie/P_19B", "the VAT exemption basis (Company tab) is empty"
        )
    ]


def test_a_too_long_line_unit_names_the_line(session: Session):
    invoice, _ = issue_fa3(session, make_company(session))
    doc = _doc(session, invoice)
    long_line = dataclasses.replace(doc.lines[1], unit="x" * 300)
    problems = validate_fa3(build_fa3(dataclasses.replace(doc, lines=(doc.lines[0], long_line))))
    assert problems == [
        Fa3Problem("Fa/FaWiersz[2]/P_8A", "the unit of a line is too long (at most 256 characters)")
    ]


def test_a_buyer_nip_with_a_wrong_checksum_is_a_problem(session: Session):
    invoice, _ = issue_fa3(session, make_company(session))
    doc = _doc(session, invoice)
    doc = dataclasses.replace(doc, buyer=dataclasses.replace(doc.buyer, nip="7740001455"))
    problems = validate_fa3(build_fa3(doc))
    assert [p.field for p in problems] == ["Podmiot2/DaneIdentyfikacyjne/NIP"]
    assert "checksum" in problems[0].message


def test_a_bom_and_broken_xml_are_refused_in_plain_words(session: Session):
    _, xml = issue_fa3(session, make_company(session))
    assert "byte order mark" in validate_fa3(b"\xef\xbb\xbf" + xml)[0].message
    assert validate_fa3(xml[:-20])[0].message.startswith("not well-formed XML")


def test_control_characters_from_an_order_never_reach_the_xml(session: Session):
    _, xml = issue_fa3(session, make_company(session), lines=[line("Kubek\x01\x86 duży")])
    assert validate_fa3(xml) == []
    assert text(xml, "//f:FaWiersz/f:P_7") == "Kubek   duży"


def test_schemas_are_loaded_once_and_the_upo_schema_is_available():
    assert fa3_schema() is fa3_schema()
    assert upo_schema() is upo_schema()


def test_amounts_keep_two_decimals_and_quantities_lose_trailing_zeros(session: Session):
    _, xml = issue_fa3(session, make_company(session), lines=[line("Śruby", "1.500", "10.00")])
    assert text(xml, "//f:FaWiersz/f:P_8B") == "1.5"
    assert text(xml, "//f:FaWiersz/f:P_11A") == "15.00"
    assert Decimal(text(xml, "//f:Fa/f:P_15") or "0") == Decimal("15.00")


def test_a_missing_required_element_is_named_even_in_a_one_line_file(session: Session):
    _, xml = issue_fa3(session, make_company(session))
    without_number = re.sub(rb"\s*<P_2>[^<]*</P_2>", b"", xml)
    one_line = re.sub(rb">\s+<", b"><", without_number)
    for broken in (without_number, one_line):
        assert validate_fa3(broken) == [Fa3Problem("Fa/P_2", "the invoice number is missing")]
