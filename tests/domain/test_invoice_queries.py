"""Reading invoices: tenant scoping, filters, search and pagination."""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session

from invoicehub.domain.invoices import (
    create_invoice,
    find_invoice_by_source,
    get_invoice,
    list_invoices,
    mark_invoice_paid,
)
from tests.domain.factories import (
    allegro_draft,
    buyer,
    issue_invoice,
    make_company,
    paid_at,
)


def test_another_tenants_invoice_reads_as_not_found(session: Session):
    company, other = make_company(session), make_company(session)
    invoice = issue_invoice(session, company)
    assert get_invoice(session, company.tenant_id, invoice.id) is not None
    assert get_invoice(session, other.tenant_id, invoice.id) is None
    assert list_invoices(session, other.tenant_id) == ([], 0)


def test_find_by_source_returns_the_orders_invoice_for_its_tenant_only(session: Session):
    company, other = make_company(session), make_company(session)
    integration = uuid.uuid4()
    invoice = create_invoice(session, allegro_draft(company, integration, "o-1"))
    session.commit()
    found = find_invoice_by_source(session, company.tenant_id, "allegro", integration, "o-1")
    assert found is not None and found.id == invoice.id
    assert find_invoice_by_source(session, other.tenant_id, "allegro", integration, "o-1") is None
    assert find_invoice_by_source(session, company.tenant_id, "allegro", integration, "o-2") is None


def test_list_filters_by_order_status_source_and_dates(session: Session):
    company = make_company(session)
    integration = uuid.uuid4()
    manual = issue_invoice(
        session, company, issue_date=date(2026, 10, 5), sale_date=date(2026, 10, 5)
    )
    from_allegro = create_invoice(session, allegro_draft(company, integration, "o-9"))
    mark_invoice_paid(session, company.tenant_id, from_allegro.id, paid_at())
    session.commit()

    def ids(**filters) -> list[uuid.UUID]:
        items, total = list_invoices(session, company.tenant_id, **filters)
        assert total == len(items)
        return [i.id for i in items]

    assert ids() == [from_allegro.id, manual.id]  # newest issue date first
    assert ids(integration_id=integration) == [from_allegro.id]
    assert ids(external_order_id="o-9") == [from_allegro.id]
    assert ids(status="paid") == [from_allegro.id]
    assert ids(status="issued") == [manual.id]
    assert ids(source="manual") == [manual.id]
    assert ids(date_from=date(2026, 11, 1)) == [from_allegro.id]
    assert ids(date_to=date(2026, 10, 31)) == [manual.id]
    assert ids(date_from=date(2026, 10, 5), date_to=date(2026, 10, 5)) == [manual.id]


def test_search_matches_number_buyer_name_and_nip_literally(session: Session):
    company = make_company(session)
    first = issue_invoice(session, company, buyer=buyer(name="Zażółć Gęślą Jaźń Sp. z o.o."))
    second = issue_invoice(session, company, buyer=buyer(name="100% Bawełna", nip=None))

    def found(text: str) -> set[uuid.UUID]:
        return {i.id for i in list_invoices(session, company.tenant_id, search=text)[0]}

    assert found("gęślą") == {first.id}
    assert found("7740001454") == {first.id}
    assert found("FV/2026/11/2") == {second.id}
    assert found("100%") == {second.id}
    assert found("%") == {second.id}  # a literal percent sign, not a wildcard
    assert found("_") == set()


def test_pages_split_the_list_and_total_counts_all(session: Session):
    company = make_company(session)
    for _ in range(5):
        issue_invoice(session, company)
    page1, total = list_invoices(session, company.tenant_id, page=1, page_size=2)
    page3, _ = list_invoices(session, company.tenant_id, page=3, page_size=2)
    assert total == 5 and len(page1) == 2 and len(page3) == 1
    assert [i.number for i in page1] == ["FV/2026/11/5", "FV/2026/11/4"]
    assert list_invoices(session, company.tenant_id, page=9, page_size=2)[0] == []
