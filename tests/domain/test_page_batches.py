"""Page-level batches (upsert_customers, create_invoices) give what one-by-one calls give."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.db import get_engine
from invoicehub.domain import invoice_batches
from invoicehub.domain.customers import (
    CustomerDraft,
    CustomerError,
    upsert_customer,
    upsert_customers,
)
from invoicehub.domain.invoices import (
    DuplicateInvoice,
    Invoice,
    InvoiceError,
    create_invoice,
    create_invoices,
    get_invoice_lines,
)
from invoicehub.domain.numbering import current_number
from invoicehub.models import Customer, InvoiceCounter
from tests.domain.factories import ISSUE_DATE, allegro_draft, invoice_draft, line, make_company

NIP = "7740001454"


def _customer_drafts() -> list[CustomerDraft]:
    return [
        CustomerDraft(name="Firma", kind="company", nip=NIP, city="Łódź", email="a@x.pl"),
        CustomerDraft(name="Jan", source="allegro", external_id="buyer-1", email="j@x.pl"),
        CustomerDraft(name="Anna"),
        CustomerDraft(name="Firma S.A.", kind="company", nip="PL 774-000-14-54", city="Kraków"),
        CustomerDraft(name="Jan K.", source="allegro", external_id="buyer-1", street="Długa 1"),
        CustomerDraft(name="Anna"),
        CustomerDraft(name="Jan", source="manual", external_id="buyer-1"),
        CustomerDraft(name="Ewa", source="allegro", external_id="buyer-2"),
    ]


def _shape(results: list[tuple[Customer, bool]]) -> list[tuple[Any, ...]]:
    """What a result says, with row ids replaced by the index of their first appearance."""
    first: dict[uuid.UUID, int] = {}
    return [
        (
            first.setdefault(c.id, i),
            created,
            c.kind,
            c.name,
            c.nip,
            c.email,
            c.street,
            c.city,
            c.source,
            c.external_id,
        )
        for i, (c, created) in enumerate(results)
    ]


def test_upsert_customers_gives_what_upserting_one_by_one_gives(session: Session):
    one_by_one, batched = make_company(session).tenant_id, make_company(session).tenant_id
    for tenant in (one_by_one, batched):  # a buyer known before the page
        upsert_customer(
            session,
            tenant,
            CustomerDraft(name="Ewa", source="allegro", external_id="buyer-2", email="e@x.pl"),
        )
    expected = [upsert_customer(session, one_by_one, d) for d in _customer_drafts()]
    got = upsert_customers(session, batched, _customer_drafts())
    assert _shape(got) == _shape(expected)
    assert got[-1][0].email == "e@x.pl"  # a known e-mail survives a purchase without one
    count = sa.select(sa.func.count()).select_from(Customer).where(Customer.tenant_id == batched)
    assert session.scalar(count) == 6


def test_duplicates_inside_a_page_are_one_row_created_once(session: Session):
    tenant = make_company(session).tenant_id
    draft = CustomerDraft(name="Jan", source="allegro", external_id="buyer-9")
    results = upsert_customers(session, tenant, [draft, draft, draft])
    assert len({c.id for c, _ in results}) == 1
    assert [created for _, created in results] == [True, False, False]


def test_an_invalid_customer_in_a_page_writes_nothing(session: Session):
    tenant = make_company(session).tenant_id
    with pytest.raises(CustomerError, match="NIP"):
        upsert_customers(
            session, tenant, [CustomerDraft(name="A"), CustomerDraft(name="B", nip="1")]
        )
    assert session.scalar(sa.select(sa.func.count()).select_from(Customer)) == 0


def _invoice_shape(session: Session, invoice: Invoice) -> tuple[Any, ...]:
    lines = [(x.name, x.net, x.vat, x.gross) for x in get_invoice_lines(session, invoice.id)]
    return (
        invoice.number,
        invoice.issue_date,
        invoice.total_net,
        invoice.total_vat,
        invoice.total_gross,
        invoice.buyer,
        invoice.status,
        invoice.due_date,
        lines,
    )


def test_create_invoices_gives_what_issuing_one_by_one_in_issue_order_gives(session: Session):
    one_by_one, batched = make_company(session), make_company(session)

    def drafts(company: Any) -> list[Any]:
        return [
            invoice_draft(company, issue_date=date(2026, 11, 28), lines=[line(quantity="3")]),
            invoice_draft(
                company,
                issue_date=date(2026, 11, 27),
                lines=[line(unit_gross="10.01", vat_rate="8"), line(vat_rate="5")],
            ),
            invoice_draft(company, issue_date=date(2026, 11, 28), due_date=date(2026, 12, 31)),
        ]

    ordered = sorted(drafts(one_by_one), key=lambda d: d.issue_date)
    by_date = {id(d): create_invoice(session, d) for d in ordered}
    expected = [by_date[id(d)] for d in ordered]
    got = create_invoices(session, drafts(batched))
    assert all(isinstance(r, Invoice) for r in got)
    assert sorted(_invoice_shape(session, r) for r in got) == sorted(  # type: ignore[arg-type]
        _invoice_shape(session, r) for r in expected
    )
    assert [r.number for r in got] == ["FV/2026/11/2", "FV/2026/11/1", "FV/2026/11/3"]  # type: ignore[union-attr]


def test_an_order_with_an_invoice_consumes_no_number_in_a_batch(session: Session):
    company, integration = make_company(session), uuid.uuid4()
    first = create_invoice(session, allegro_draft(company, integration, "order-1"))
    session.commit()
    got = create_invoices(
        session, [allegro_draft(company, integration, f"order-{n}") for n in (2, 1, 3)]
    )
    session.commit()
    assert isinstance(got[1], DuplicateInvoice) and got[1].existing_id == first.id
    assert [r.number for r in (got[0], got[2])] == ["FV/2026/11/2", "FV/2026/11/3"]  # type: ignore[union-attr]
    assert current_number(session, company.id, company.invoice_series, ISSUE_DATE) == 3


def test_the_same_order_twice_in_a_batch_is_issued_once(session: Session):
    company, integration = make_company(session), uuid.uuid4()
    got = create_invoices(
        session, [allegro_draft(company, integration, "order-1") for _ in range(3)]
    )
    assert isinstance(got[0], Invoice) and got[0].number == "FV/2026/11/1"
    assert [r.existing_id for r in got[1:]] == [got[0].id, got[0].id]  # type: ignore[union-attr]
    assert current_number(session, company.id, company.invoice_series, ISSUE_DATE) == 1


def test_batch_numbers_are_contiguous_per_month_across_a_month_boundary(session: Session):
    company = make_company(session)
    create_invoice(session, invoice_draft(company, issue_date=date(2026, 11, 2)))
    dates = [date(2026, 12, 1), date(2026, 11, 30), date(2026, 12, 1), date(2026, 11, 29)]
    got = create_invoices(
        session, [invoice_draft(company, issue_date=d, sale_date=d) for d in dates]
    )
    session.commit()
    assert [r.number for r in got] == [  # type: ignore[union-attr]
        "FV/2026/12/1",
        "FV/2026/11/3",
        "FV/2026/12/2",
        "FV/2026/11/2",
    ]
    counters = session.exec(sa.select(InvoiceCounter.period, InvoiceCounter.last_number)).all()
    assert sorted(map(tuple, counters)) == [("2026-11", 3), ("2026-12", 2)]


def test_a_refused_draft_comes_back_as_its_error_and_takes_no_number(session: Session):
    company = make_company(session)
    got = create_invoices(
        session,
        [invoice_draft(company), invoice_draft(company, lines=[]), invoice_draft(company)],
    )
    assert isinstance(got[1], InvoiceError) and "at least one line" in str(got[1])
    assert [r.number for r in (got[0], got[2])] == ["FV/2026/11/1", "FV/2026/11/2"]  # type: ignore[union-attr]


def test_the_unique_key_still_guards_a_batch_and_numbers_stay_gap_free(
    session: Session, monkeypatch: pytest.MonkeyPatch
):
    """A batch is written before anything reads its orders' invoices: the key catches an order
    that has one (here issued in another period), the batch is numbered again without it, and
    only then are the existing invoices read (once)."""
    company, integration = make_company(session), uuid.uuid4()
    earlier = create_invoice(
        session, allegro_draft(company, integration, "order-2", issue_date=date(2026, 10, 31))
    )
    session.commit()
    calls: list[int] = []
    real = invoice_batches._existing_invoices

    def counted(own: Session, drafts: list[Any]) -> Any:
        calls.append(1)
        return real(own, drafts)

    monkeypatch.setattr(invoice_batches, "_existing_invoices", counted)
    got = create_invoices(
        session, [allegro_draft(company, integration, f"order-{n}") for n in (1, 2, 3)]
    )
    session.commit()
    assert isinstance(got[1], DuplicateInvoice) and got[1].existing_id == earlier.id
    assert [r.number for r in (got[0], got[2])] == ["FV/2026/11/1", "FV/2026/11/2"]  # type: ignore[union-attr]
    assert current_number(session, company.id, company.invoice_series, ISSUE_DATE) == 2
    assert len(get_invoice_lines(session, got[0].id)) == 2  # type: ignore[union-attr]
    assert calls == [1]


def test_concurrent_overlapping_batches_issue_each_order_once_with_gap_free_numbers(
    session: Session,
):
    company, integration, workers = make_company(session), uuid.uuid4(), 8
    start = threading.Barrier(workers)

    def issue(worker: int) -> None:
        orders = [f"order-{(worker + n) % 12}" for n in range(6)]
        with Session(get_engine(), expire_on_commit=False) as own:
            start.wait(timeout=30)
            create_invoices(own, [allegro_draft(company, integration, o) for o in orders])
            if worker % 4 == 3:
                own.rollback()  # an aborted page gives its numbers back
            else:
                own.commit()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(issue, range(workers)))

    rows = session.exec(sa.select(Invoice.external_order_id, Invoice.number)).all()
    assert len({order for order, _ in rows}) == len(rows)
    numbers = sorted(int(number.rsplit("/", 1)[1]) for _, number in rows)
    assert numbers == list(range(1, len(rows) + 1))
    assert current_number(session, company.id, company.invoice_series, ISSUE_DATE) == len(rows)


def test_a_page_whose_counters_exist_locks_them_with_its_context_read(
    session: Session, monkeypatch: pytest.MonkeyPatch
):
    """The counter rows a batch numbers from are locked in the context's round trip (a missing
    one by lock_counters): numbering continues without gaps in each period."""
    company, nov, dec = make_company(session), date(2026, 11, 30), date(2026, 12, 1)
    create_invoices(
        session, [invoice_draft(company, issue_date=d, sale_date=d) for d in (nov, dec)]
    )
    session.commit()
    calls: list[int] = []
    real = invoice_batches.numbering.lock_counters

    def counted(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(invoice_batches.numbering, "lock_counters", counted)
    with Session(get_engine(), expire_on_commit=False) as page:  # no context read yet
        got = create_invoices(
            page, [invoice_draft(company, issue_date=d, sale_date=d) for d in (dec, nov, dec)]
        )
        page.commit()
    assert [r.number for r in got] == ["FV/2026/12/2", "FV/2026/11/2", "FV/2026/12/3"]  # type: ignore[union-attr]
    assert calls == []
    with Session(get_engine(), expire_on_commit=False) as page:  # January's row is missing
        jan = date(2027, 1, 4)
        got = create_invoices(page, [invoice_draft(company, issue_date=jan, sale_date=jan)])
        page.commit()
    assert [r.number for r in got] == ["FV/2027/01/1"]  # type: ignore[union-attr]
    assert calls == [1]
