"""The seller data gate (art. 106e): a company without name, NIP or full address issues nothing."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from invoicehub.domain.invoices import create_invoice, create_invoices
from invoicehub.domain.seller_data import SellerDataIncomplete, missing_seller_fields
from invoicehub.models import Company, Invoice, InvoiceCounter
from tests.domain.factories import invoice_draft, make_company


@pytest.mark.parametrize(
    ("blank", "missing"),
    [
        ({"street": ""}, ["street"]),
        ({"postal_code": "", "city": " "}, ["postal code", "city"]),
        ({"nip": ""}, ["NIP"]),
        ({"country_code": ""}, ["country"]),
    ],
)
def test_an_incomplete_seller_issues_no_invoice_and_takes_no_number(
    session: Session, blank: dict[str, str], missing: list[str]
):
    company = make_company(session)
    for key, value in blank.items():
        setattr(company, key, value)
    session.add(company)
    session.commit()

    with pytest.raises(SellerDataIncomplete) as refused:
        create_invoice(session, invoice_draft(company))

    assert refused.value.missing == missing
    assert str(refused.value) == f"company data incomplete: {', '.join(missing)}"
    session.rollback()
    assert session.exec(select(Invoice)).all() == []
    assert session.exec(select(InvoiceCounter)).all() == []


def test_a_page_of_drafts_from_an_incomplete_seller_is_refused_draft_by_draft(session: Session):
    company = make_company(session)
    company.city = ""
    session.add(company)
    session.commit()

    results = create_invoices(session, [invoice_draft(company), invoice_draft(company)])

    assert all(isinstance(r, SellerDataIncomplete) for r in results)
    assert session.exec(select(InvoiceCounter)).all() == []


def test_missing_fields_are_named_in_the_company_tab_order():
    company = Company(name="", nip="", street="", city="", postal_code="", country_code="")
    assert missing_seller_fields(company) == [
        "name",
        "NIP",
        "street",
        "postal code",
        "city",
        "country",
    ]
