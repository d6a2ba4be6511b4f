"""The data FA(3) needs: company exemption kind and cash accounting, the product Annex 15 flag,
snapshotted at issue time and printed on the PDF."""

from __future__ import annotations

import io
import uuid

import pytest
from pydantic import ValidationError
from pypdf import PdfReader
from sqlmodel import Session

from invoicehub.documents.pdf import render_invoice_pdf
from invoicehub.domain.companies import CompanyInput
from invoicehub.domain.edits import EditRefused, parse_edit
from invoicehub.domain.invoices import create_invoices, get_invoice_lines
from invoicehub.domain.products import ProductEdit
from invoicehub.domain.vat_rules import ExemptionKind, exemption_kind_of
from invoicehub.models import Invoice
from tests.domain.factories import allegro_draft, buyer, issue_invoice, line, make_company
from tests.ksef_fa3.helpers import make_product


def test_company_exemption_kind_is_one_of_a_b_c():
    with pytest.raises(ValidationError) as refused:
        CompanyInput(name="X", vat_exemption_basis="art. 113", vat_exemption_kind="D")
    assert "Polish VAT act" in refused.value.errors()[0]["msg"]
    assert refused.value.errors()[0]["loc"] == ("vat_exemption_kind",)


def test_company_exemption_kind_is_read_from_the_basis_when_not_chosen_and_cleared_with_it():
    assert (
        CompanyInput(
            name="X", vat_exemption_basis="art. 113 ust. 1 ustawy o VAT"
        ).vat_exemption_kind
        == "A"
    )
    assert (
        CompanyInput(
            name="X", vat_exemption_basis="art. 132 dyrektywy 2006/112/WE"
        ).vat_exemption_kind
        == "B"
    )
    chosen = CompanyInput(name="X", vat_exemption_basis="art. 113 ustawy", vat_exemption_kind="C")
    assert chosen.vat_exemption_kind == "C"
    assert CompanyInput(name="X", vat_exemption_kind="B").vat_exemption_kind == ""


def test_legacy_snapshots_without_a_kind_are_read_from_their_words():
    assert exemption_kind_of(None, "art. 43 ust. 1 pkt 29 ustawy o VAT") is ExemptionKind.ACT
    assert exemption_kind_of("", "Dyrektywa 2006/112/WE art. 135") is ExemptionKind.DIRECTIVE
    assert exemption_kind_of(None, "interpretacja indywidualna") is ExemptionKind.OTHER
    assert exemption_kind_of("B", "art. 43 ustawy") is ExemptionKind.DIRECTIVE


def test_company_cash_accounting_is_a_yes_no_field():
    assert CompanyInput(name="X", cash_accounting=True).cash_accounting is True
    with pytest.raises(ValidationError):
        CompanyInput(name="X", cash_accounting="perhaps")


def test_product_edit_takes_the_annex15_flag_and_defaults_to_no():
    fields = {"name": "Laptop", "sku": None, "unit": "szt.", "vat_rate": "23", "gross_price": "1"}
    assert parse_edit(ProductEdit, fields).annex15 is False
    assert parse_edit(ProductEdit, {**fields, "annex15": "true"}).annex15 is True
    with pytest.raises(EditRefused) as refused:
        parse_edit(ProductEdit, {**fields, "annex15": "sometimes"})
    assert "annex15" in refused.value.errors


def test_issue_snapshots_the_sellers_kind_and_cash_accounting_and_the_lines_annex15(
    session: Session,
):
    company = make_company(session)
    company.cash_accounting, company.vat_exemption_kind = True, "B"
    company.vat_exemption_basis = "art. 132 dyrektywy 2006/112/WE"
    session.commit()
    laptop = make_product(session, company, annex15=True)
    invoice = issue_invoice(
        session, company, lines=[line("Laptop", "1", "100", "23", product_id=laptop.id), line()]
    )
    assert invoice.seller["cashAccounting"] is True
    assert invoice.seller["vatExemptionKind"] == "B"
    assert [li.annex15 for li in get_invoice_lines(session, invoice.id)] == [True, False]


def _pdf_text(session: Session, invoice) -> str:
    pdf = render_invoice_pdf(invoice, get_invoice_lines(session, invoice.id), "standard")
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_prints_split_payment_words_for_annex15_goods_above_15000_to_a_business(
    session: Session,
):
    company = make_company(session)
    laptop = make_product(session, company, annex15=True)
    lines = [line("Laptop", "1", "15500.00", "23", product_id=laptop.id)]
    business = issue_invoice(session, company, lines=lines)
    consumer = issue_invoice(session, company, lines=lines, buyer=buyer(nip=None))
    assert "mechanizm podzielonej płatności" in _pdf_text(session, business)
    assert "mechanizm podzielonej płatności" not in _pdf_text(session, consumer)
    assert "metoda kasowa" not in _pdf_text(session, business)


def test_pdf_prints_metoda_kasowa_for_a_cash_accounting_seller(session: Session):
    company = make_company(session)
    company.cash_accounting = True
    session.commit()
    assert "metoda kasowa" in _pdf_text(session, issue_invoice(session, company))


def test_a_page_of_synced_orders_snapshots_annex15_like_a_single_invoice(session: Session):
    company = make_company(session)
    laptop = make_product(session, company, annex15=True)
    integration = uuid.uuid4()
    drafts = [
        allegro_draft(
            company,
            integration,
            f"order-{n}",
            lines=[line("Laptop", "1", "16000.00", "23", product_id=laptop.id), line()],
        )
        for n in range(3)
    ]
    issued = create_invoices(session, drafts)
    session.commit()
    for invoice in issued:
        assert isinstance(invoice, Invoice)
        flags = [li.annex15 for li in get_invoice_lines(session, invoice.id)]
        assert flags == [True, False]
