"""Every kind of order we invoice gives an FA(3) valid against the official XSD, with the right
fields: each invoice is issued through the real domain path and built from its stored rows."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session

from invoicehub.domain.invoices import create_invoice
from invoicehub.integrations.ksef.fa3 import validate_fa3
from tests.domain.factories import ISSUE_DATE, allegro_draft, buyer, line, make_company, paid_at
from tests.ksef_fa3.helpers import fa3_of, issue_fa3, text, texts


def _valid(xml: bytes) -> bytes:
    assert validate_fa3(xml) == []
    return xml


def test_b2b_order_with_nip_names_the_buyer_by_nip_and_carries_every_required_marker(
    session: Session,
):
    invoice, xml = issue_fa3(session, make_company(session))
    _valid(xml)
    assert text(xml, "//f:Podmiot1/f:DaneIdentyfikacyjne/f:NIP") == "5252674798"
    assert text(xml, "//f:Podmiot2/f:DaneIdentyfikacyjne/f:NIP") == "7740001454"
    assert text(xml, "//f:Podmiot2/f:DaneIdentyfikacyjne/f:BrakID") is None
    assert (text(xml, "//f:Podmiot2/f:JST"), text(xml, "//f:Podmiot2/f:GV")) == ("2", "2")
    assert text(xml, "//f:Fa/f:RodzajFaktury") == "VAT"
    assert text(xml, "//f:Fa/f:P_2") == invoice.number
    notes = "//f:Adnotacje/f:"
    assert [text(xml, notes + name) for name in ("P_16", "P_17", "P_18", "P_18A", "P_23")] == [
        "2",
        "2",
        "2",
        "2",
        "2",
    ]
    assert text(xml, notes + "Zwolnienie/f:P_19N") == "1"
    assert text(xml, notes + "NoweSrodkiTransportu/f:P_22N") == "1"
    assert text(xml, notes + "PMarzy/f:P_PMarzyN") == "1"
    assert texts(xml, "//f:Naglowek/f:KodFormularza/@kodSystemowy") == ["FA (3)"]
    assert text(xml, "//f:Naglowek/f:SystemInfo") == "Invoice-HUB"


def test_consumer_order_has_brakid_instead_of_a_nip(session: Session):
    _, xml = issue_fa3(
        session, make_company(session), buyer=buyer(name="Jan Kowalski", nip=None, kind="person")
    )
    _valid(xml)
    assert text(xml, "//f:Podmiot2/f:DaneIdentyfikacyjne/f:BrakID") == "1"
    assert text(xml, "//f:Podmiot2/f:DaneIdentyfikacyjne/f:NIP") is None
    assert text(xml, "//f:Podmiot2/f:DaneIdentyfikacyjne/f:Nazwa") == "Jan Kowalski"


@pytest.mark.parametrize(
    ("kind", "field", "basis"),
    [
        ("A", "P_19A", "art. 113 ust. 1 ustawy o VAT"),
        ("B", "P_19B", "art. 132 ust. 1 lit. i dyrektywy 2006/112/WE"),
        ("C", "P_19C", "decyzja organu podatkowego nr 1/2026"),
    ],
)
def test_an_exempt_line_names_the_basis_in_the_field_of_its_kind(
    session: Session, kind: str, field: str, basis: str
):
    company = make_company(session)
    company.vat_exemption_basis, company.vat_exemption_kind = basis, kind
    session.commit()
    _, xml = issue_fa3(session, company, lines=[line("Kurs online", "1", "100.00", "zw")])
    _valid(xml)
    assert text(xml, "//f:Zwolnienie/f:P_19") == "1"
    assert text(xml, f"//f:Zwolnienie/f:{field}") == basis
    assert text(xml, "//f:Zwolnienie/f:P_19N") is None
    assert text(xml, "//f:Fa/f:P_13_7") == "100.00"
    assert text(xml, "//f:FaWiersz/f:P_12") == "zw"


def test_several_rates_fill_their_own_totals_and_p15_is_the_sum(session: Session):
    company = make_company(session)
    company.vat_exemption_basis = "art. 43 ust. 1 pkt 29 lit. c ustawy o VAT"
    session.commit()
    lines = [
        line("Kubek", "2", "49.99", "23"),
        line("Kawa", "1", "21.60", "8"),
        line("Książka", "1", "39.90", "5"),
        line("Eksportowy karton", "3", "1.00", "0"),
        line("Szkolenie", "1", "100.00", "zw"),
        line("Dostawa", "1", "12.00", "23"),
    ]
    invoice, xml = issue_fa3(session, company, lines=lines)
    _valid(xml)
    fields = {
        name: text(xml, f"//f:Fa/f:{name}")
        for name in (
            "P_13_1",
            "P_14_1",
            "P_13_2",
            "P_14_2",
            "P_13_3",
            "P_14_3",
            "P_13_6_1",
            "P_13_7",
        )
    }
    assert fields == {
        "P_13_1": "91.04",  # (99.98 + 12.00) / 1.23
        "P_14_1": "20.94",
        "P_13_2": "20.00",
        "P_14_2": "1.60",
        "P_13_3": "38.00",
        "P_14_3": "1.90",
        "P_13_6_1": "3.00",
        "P_13_7": "100.00",
    }
    assert text(xml, "//f:Fa/f:P_15") == f"{invoice.total_gross:.2f}" == "276.48"
    assert sum(Decimal(v) for v in fields.values() if v) == invoice.total_gross
    assert texts(xml, "//f:FaWiersz/f:P_12") == ["23", "8", "5", "0 KR", "zw", "23"]


def test_gross_method_lines_carry_unit_gross_and_line_gross_with_the_shipping_line(
    session: Session,
):
    lines = [line("Kubek", "2.5", "49.99", "23"), line("Dostawa", "1", "12.00", "23")]
    _, xml = issue_fa3(session, make_company(session), lines=lines)
    _valid(xml)
    assert texts(xml, "//f:FaWiersz/f:NrWierszaFa") == ["1", "2"]
    assert texts(xml, "//f:FaWiersz/f:P_7") == ["Kubek", "Dostawa"]
    assert texts(xml, "//f:FaWiersz/f:P_8B") == ["2.5", "1"]
    assert texts(xml, "//f:FaWiersz/f:P_9B") == ["49.99", "12.00"]
    assert texts(xml, "//f:FaWiersz/f:P_11A") == ["124.98", "12.00"]
    assert texts(xml, "//f:FaWiersz/f:P_9A") == [] and texts(xml, "//f:FaWiersz/f:P_11") == []


def test_paid_invoice_says_paid_with_the_polish_payment_date(session: Session):
    _, xml = issue_fa3(session, make_company(session), paid_at=paid_at() - timedelta(hours=12))
    _valid(xml)
    assert text(xml, "//f:Platnosc/f:Zaplacono") == "1"
    assert text(xml, "//f:Platnosc/f:DataZaplaty") == "2026-11-28"  # 01:00 in Warsaw
    assert text(xml, "//f:Platnosc/f:TerminPlatnosci/f:Termin") is None


def test_unpaid_invoice_has_its_due_date_and_the_sellers_account(session: Session):
    invoice, xml = issue_fa3(session, make_company(session))
    _valid(xml)
    assert text(xml, "//f:Platnosc/f:Zaplacono") is None
    assert text(xml, "//f:Platnosc/f:TerminPlatnosci/f:Termin") == invoice.due_date.isoformat()
    assert text(xml, "//f:Platnosc/f:FormaPlatnosci") == "6"  # przelew
    assert text(xml, "//f:RachunekBankowy/f:NrRB") == "61109010140000071219812874"


def test_sale_date_is_written_only_when_it_differs_from_the_issue_date(session: Session):
    company = make_company(session)
    _, same = issue_fa3(session, company)
    earlier = ISSUE_DATE - timedelta(days=3)
    _, other = issue_fa3(session, company, sale_date=earlier)
    assert text(_valid(same), "//f:Fa/f:P_6") is None
    assert text(_valid(other), "//f:Fa/f:P_6") == earlier.isoformat()
    assert text(other, "//f:Fa/f:P_1") == ISSUE_DATE.isoformat()


@pytest.mark.parametrize(
    ("method", "form", "other"),
    [
        ("płatność online", "6", None),
        ("za pobraniem", "1", None),
        ("mechanizm podzielonej płatności", "6", None),
        ("odroczony termin płatności", "5", None),
        ("BLIK", "7", None),
        ("kompensata", None, "kompensata"),
    ],
)
def test_allegro_order_gives_the_order_id_and_the_payment_form_code(
    session: Session, method: str, form: str | None, other: str | None
):
    company = make_company(session)
    draft = allegro_draft(company, uuid.uuid4(), "29f3d7a0-cf4e-11ee-9f4c-4b1d0a2f1e11")
    invoice = create_invoice(session, draft.__class__(**{**vars(draft), "payment_method": method}))
    session.commit()
    xml = _valid(fa3_of(session, invoice))
    assert text(xml, "//f:WarunkiTransakcji/f:Zamowienia/f:NrZamowienia") == (
        "29f3d7a0-cf4e-11ee-9f4c-4b1d0a2f1e11"
    )
    assert text(xml, "//f:Platnosc/f:FormaPlatnosci") == form
    assert text(xml, "//f:Platnosc/f:OpisPlatnosci") == other
    assert text(xml, "//f:Platnosc/f:PlatnoscInna") == ("1" if other else None)


def test_manual_invoice_has_no_order_number(session: Session):
    _, xml = issue_fa3(session, make_company(session))
    assert text(_valid(xml), "//f:WarunkiTransakcji") is None


def test_cash_accounting_seller_sets_p16(session: Session):
    company = make_company(session)
    company.cash_accounting = True
    session.commit()
    _, xml = issue_fa3(session, company)
    assert text(_valid(xml), "//f:Adnotacje/f:P_16") == "1"
