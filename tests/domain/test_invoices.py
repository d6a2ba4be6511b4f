"""Issuing invoices: amounts, snapshots, defaults, validation, one invoice per order."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.db import get_engine
from invoicehub.domain.customers import CustomerDraft, upsert_customer
from invoicehub.domain.invoices import (
    DuplicateInvoice,
    InvoiceError,
    create_invoice,
    get_invoice_lines,
    totals_of,
)
from invoicehub.domain.numbering import current_number
from invoicehub.domain.products import ProductDraft, upsert_product
from invoicehub.models import (
    COMPACT_TEMPLATE_ID,
    STANDARD_TEMPLATE_ID,
    Invoice,
    InvoiceCounter,
    InvoiceTemplate,
)
from tests.domain.factories import (
    ISSUE_DATE,
    allegro_draft,
    buyer,
    invoice_draft,
    issue_invoice,
    line,
    make_company,
    paid_at,
)

D = Decimal


def test_lines_and_totals_are_computed_from_gross_prices(session: Session):
    company = make_company(session)
    invoice = issue_invoice(
        session,
        company,
        lines=[
            line("Kubek", "2", "49.99", "23"),
            line("Książka", "1", "39.90", "5"),
            line("Wysyłka", "1", "12.00", "23"),
        ],
    )
    lines = get_invoice_lines(session, invoice.id)
    assert [(x.position, x.name, x.gross) for x in lines] == [
        (1, "Kubek", D("99.98")),
        (2, "Książka", D("39.90")),
        (3, "Wysyłka", D("12.00")),
    ]
    assert all(x.net + x.vat == x.gross for x in lines)
    by_rate = {r.rate: r for r in totals_of(lines).by_rate}
    assert (by_rate["23"].net, by_rate["23"].vat, by_rate["23"].gross) == (
        D("91.04"),
        D("20.94"),
        D("111.98"),
    )
    assert (by_rate["5"].net, by_rate["5"].vat) == (D("38.00"), D("1.90"))
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (
        D("129.04"),
        D("22.84"),
        D("151.88"),
    )
    stored = session.get(Invoice, invoice.id, populate_existing=True)
    assert stored is not None and stored.total_gross == D("151.88")


def test_seller_and_buyer_are_snapshotted_on_the_invoice(session: Session):
    company = make_company(session)
    invoice = issue_invoice(session, company)
    company.name, company.bank_account = "Nowa Nazwa", ""
    session.add(company)
    session.commit()
    stored = session.get(Invoice, invoice.id, populate_existing=True)
    assert stored is not None
    assert stored.seller["name"] == "Sklep Testowy Sp. z o.o."
    assert stored.seller["bankAccount"] == "61109010140000071219812874"
    assert stored.buyer == {
        "name": "Zażółć Gęślą Jaźń Sp. z o.o.",
        "nip": "7740001454",
        "street": "ul. Piotrkowska 100",
        "city": "Łódź",
        "postalCode": "90-001",
        "countryCode": "PL",
        "kind": "company",
    }


def test_buyer_may_be_given_as_camel_case_dict_and_nip_is_normalised(session: Session):
    company = make_company(session)
    invoice = issue_invoice(
        session, company, buyer={"name": " Jan Kowalski ", "nip": "PL 774-000-14-54", "city": "X"}
    )
    assert invoice.buyer["name"] == "Jan Kowalski"
    assert invoice.buyer["nip"] == "7740001454"


def test_due_date_defaults_to_issue_date_plus_company_payment_days(session: Session):
    company = make_company(session, payment_days=7)
    assert issue_invoice(session, company).due_date == date(2026, 12, 5)
    explicit = issue_invoice(session, company, due_date=date(2026, 12, 31))
    assert explicit.due_date == date(2026, 12, 31)


def test_default_template_is_the_built_in_standard(session: Session):
    company = make_company(session)
    assert issue_invoice(session, company).template_id == STANDARD_TEMPLATE_ID
    compact = issue_invoice(session, company, template_id=COMPACT_TEMPLATE_ID)
    assert compact.template_id == COMPACT_TEMPLATE_ID


def test_tenant_default_template_wins_over_the_built_in(session: Session):
    company = make_company(session)
    own = InvoiceTemplate(tenant_id=company.tenant_id, code="compact", name="Mój", is_default=True)
    session.add(own)
    session.commit()
    assert issue_invoice(session, company).template_id == own.id


def test_another_tenants_template_is_refused(session: Session):
    company, other = make_company(session), make_company(session)
    foreign = InvoiceTemplate(tenant_id=other.tenant_id, code="standard", name="Obcy")
    session.add(foreign)
    session.commit()
    with pytest.raises(InvoiceError, match="template"):
        issue_invoice(session, company, template_id=foreign.id)


def test_paid_at_on_creation_issues_a_paid_invoice(session: Session):
    company = make_company(session)
    invoice = issue_invoice(session, company, paid_at=paid_at(), payment_method="Allegro Pay")
    assert (invoice.status, invoice.paid_at, invoice.payment_method) == (
        "paid",
        paid_at(),
        "Allegro Pay",
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"lines": []}, "at least one line"),
        ({"lines": [line(quantity="0")]}, "quantity"),
        ({"lines": [line(quantity="-1")]}, "quantity"),
        ({"lines": [line(quantity="0.0001")]}, "quantity"),
        ({"lines": [line(unit_gross="-0.01")]}, "unit price"),
        ({"lines": [line(unit_gross="1.001")]}, "unit price"),
        ({"lines": [line(vat_rate="22")]}, "VAT rate"),
        ({"lines": [line(name=" ")]}, "line name"),
        ({"lines": [line(unit_gross="9999999999.99", quantity="2")]}, "too large"),
        ({"currency": "EUR"}, "PLN only"),
        ({"buyer": buyer(name="")}, "buyer needs a name"),
        ({"buyer": buyer(nip="1234567890")}, "invalid buyer NIP"),
        ({"paid_at": datetime(2026, 11, 28, 12, 0)}, "timezone-aware"),
        ({"due_date": date(2026, 11, 1)}, "due date"),
        ({"source": "allegro"}, "external order id"),
        ({"source": "allegro", "external_order_id": "x" * 101}, "external order id"),
        ({"payment_method": "x" * 41}, "payment method"),
        ({"lines": [line(quantity="1000000000")]}, "quantity"),
        ({"lines": [line(quantity="0.001", unit_gross="99999999999.00")]}, "unit price"),
    ],
)
def test_invalid_drafts_are_refused_with_a_clear_message(session: Session, overrides, message):
    company = make_company(session)
    with pytest.raises(InvoiceError, match=message):
        create_invoice(session, invoice_draft(company, **overrides))
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Invoice)) == 0
    assert current_number(session, company.id, company.invoice_series, ISSUE_DATE) == 0


def test_company_customer_and_product_of_another_tenant_are_refused(session: Session):
    company, other = make_company(session), make_company(session)
    with pytest.raises(InvoiceError, match="company"):
        create_invoice(session, invoice_draft(company, tenant_id=other.tenant_id))
    foreign_customer, _ = upsert_customer(session, other.tenant_id, CustomerDraft(name="Obcy"))
    foreign_product, _ = upsert_product(session, other.tenant_id, ProductDraft(name="Obcy"))
    session.commit()
    with pytest.raises(InvoiceError, match="customer"):
        create_invoice(session, invoice_draft(company, customer_id=foreign_customer.id))
    with pytest.raises(InvoiceError, match="product"):
        create_invoice(session, invoice_draft(company, lines=[line(product_id=foreign_product.id)]))
    with pytest.raises(InvoiceError, match="customer"):
        create_invoice(session, invoice_draft(company, customer_id=uuid.uuid4()))


def test_seller_without_nip_cannot_invoice(session: Session):
    company = make_company(session)
    company.nip = ""
    session.add(company)
    session.commit()
    with pytest.raises(InvoiceError, match="NIP"):
        create_invoice(session, invoice_draft(company))


def test_an_exempt_line_needs_the_sellers_exemption_basis(session: Session):
    company = make_company(session)
    exempt = [line("Kurs online", "1", "100.00", "zw")]
    with pytest.raises(InvoiceError, match=r"zw.*exemption basis"):
        create_invoice(session, invoice_draft(company, lines=exempt))
    company.vat_exemption_basis = "art. 43 ust. 1 pkt 29 lit. c ustawy o VAT"
    session.add(company)
    session.commit()
    session.info.clear()  # the issue context is cached per session, as in a sync page
    invoice = create_invoice(session, invoice_draft(company, lines=exempt))
    assert invoice.total_vat == 0 and invoice.seller["vatExemptionBasis"].startswith("art. 43")


def test_same_order_twice_raises_duplicate_with_the_first_invoice_and_keeps_the_number(
    session: Session,
):
    company = make_company(session)
    integration = uuid.uuid4()
    first = create_invoice(session, allegro_draft(company, integration, "order-1"))
    session.commit()
    with pytest.raises(DuplicateInvoice) as caught:
        create_invoice(session, allegro_draft(company, integration, "order-1"))
    assert caught.value.existing_id == first.id
    # The transaction is still usable and the next invoice takes number 2.
    second = create_invoice(session, allegro_draft(company, integration, "order-2"))
    session.commit()
    assert second.number == "FV/2026/11/2"
    assert current_number(session, company.id, company.invoice_series, ISSUE_DATE) == 2


def test_same_order_id_from_another_integration_is_another_invoice(session: Session):
    company = make_company(session)
    create_invoice(session, allegro_draft(company, uuid.uuid4(), "order-1"))
    create_invoice(session, allegro_draft(company, uuid.uuid4(), "order-1"))
    session.commit()
    assert session.scalar(sa.select(sa.func.count()).select_from(Invoice)) == 2


def test_20_concurrent_issues_of_one_order_give_one_invoice_and_consume_one_number(
    session: Session,
):
    """Scorecard row 1 (domain level)."""
    company = make_company(session)
    integration, workers = uuid.uuid4(), 20
    start = threading.Barrier(workers)

    def issue(_: int) -> uuid.UUID | DuplicateInvoice:
        with Session(get_engine(), expire_on_commit=False) as own:
            start.wait(timeout=30)
            try:
                invoice = create_invoice(own, allegro_draft(company, integration, "order-7"))
            except DuplicateInvoice as duplicate:
                own.commit()  # a loser that commits must still leave the counter alone
                return duplicate
            own.commit()
            return invoice.id

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(issue, range(workers)))

    winners = [r for r in results if isinstance(r, uuid.UUID)]
    losers = [r for r in results if isinstance(r, DuplicateInvoice)]
    assert len(winners) == 1 and len(losers) == workers - 1
    assert {loser.existing_id for loser in losers} == set(winners)
    assert session.scalar(sa.select(sa.func.count()).select_from(Invoice)) == 1
    assert session.scalars(sa.select(InvoiceCounter.last_number)).one() == 1


def test_sync_session_checks_the_seller_once_and_still_refuses_foreign_rows(session: Session):
    company, other = make_company(session), make_company(session)
    customer, _ = upsert_customer(session, company.tenant_id, CustomerDraft(name="Jan"))
    foreign, _ = upsert_customer(session, other.tenant_id, CustomerDraft(name="Obcy"))
    session.commit()
    for n in range(3):
        invoice = create_invoice(session, invoice_draft(company, customer_id=customer.id))
        assert invoice.number == f"FV/2026/11/{n + 1}"
    with pytest.raises(InvoiceError, match="customer"):
        create_invoice(session, invoice_draft(company, customer_id=foreign.id))
