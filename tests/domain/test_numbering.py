"""Gap-free numbering: formats, period resets, and no gap under concurrency and aborts."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.db import get_engine
from invoicehub.domain.invoices import create_invoice
from invoicehub.domain.numbering import (
    allocate_number,
    counter_period,
    current_number,
    format_number,
)
from invoicehub.models import Invoice, InvoiceCounter
from tests.domain.factories import invoice_draft, issue_invoice, make_company


@pytest.mark.parametrize(
    ("pattern", "issued", "n", "expected"),
    [
        ("FV/{YYYY}/{MM}/{N}", date(2026, 3, 9), 7, "FV/2026/03/7"),
        ("{N}/{MM}/{YYYY}", date(2026, 11, 28), 120, "120/11/2026"),
        ("FV/{YYYY}/{N}", date(2027, 1, 1), 1, "FV/2027/1"),
        ("A-{N}", date(2026, 5, 5), 42, "A-42"),
    ],
)
def test_number_fills_year_month_and_running_number(pattern, issued, n, expected):
    assert format_number(pattern, issued, n) == expected


@pytest.mark.parametrize(
    ("pattern", "period"),
    [
        ("FV/{YYYY}/{MM}/{N}", "2026-11"),
        ("FV/{MM}/{N}", "2026-11"),
        ("FV/{YYYY}/{N}", "2026"),
        ("FV/{N}", "all"),
    ],
)
def test_counter_resets_per_the_period_the_pattern_names(pattern, period):
    assert counter_period(pattern, date(2026, 11, 28)) == period


def test_monthly_series_starts_again_at_one_each_month(session: Session):
    company = make_company(session)
    numbers = [
        issue_invoice(session, company, issue_date=d, sale_date=d).number
        for d in (date(2026, 11, 30), date(2026, 11, 30), date(2026, 12, 1), date(2027, 1, 2))
    ]
    assert numbers == ["FV/2026/11/1", "FV/2026/11/2", "FV/2026/12/1", "FV/2027/01/1"]


def test_yearly_series_runs_across_months_and_resets_in_a_new_year(session: Session):
    company = make_company(session, series="FV/{YYYY}/{N}")
    numbers = [
        issue_invoice(session, company, issue_date=d, sale_date=d).number
        for d in (date(2026, 11, 30), date(2026, 12, 1), date(2027, 1, 2))
    ]
    assert numbers == ["FV/2026/1", "FV/2026/2", "FV/2027/1"]


def test_series_without_date_never_resets(session: Session):
    company = make_company(session, series="S-{N}")
    numbers = [
        issue_invoice(session, company, issue_date=d, sale_date=d).number
        for d in (date(2026, 11, 30), date(2027, 1, 2))
    ]
    assert numbers == ["S-1", "S-2"]


def test_rolled_back_transaction_consumes_no_number(session: Session):
    company = make_company(session)
    issued = date(2026, 11, 28)
    with Session(get_engine()) as aborted:
        assert allocate_number(aborted, company.id, company.invoice_series, issued)[0] == 1
        aborted.rollback()
    assert issue_invoice(session, company).number == "FV/2026/11/1"
    assert current_number(session, company.id, company.invoice_series, issued) == 1


def test_companies_number_independently(session: Session):
    first, second = make_company(session), make_company(session)
    assert issue_invoice(session, first).number == "FV/2026/11/1"
    assert issue_invoice(session, second).number == "FV/2026/11/1"
    assert issue_invoice(session, first).number == "FV/2026/11/2"


class InjectedAbort(Exception):
    """Raised after the number was allocated, so the whole transaction rolls back."""


def test_200_concurrent_invoices_with_10_percent_aborts_leave_numbers_contiguous(
    session: Session,
):
    """Scorecard row 11."""
    company = make_company(session)
    creations, abort_every = 200, 10
    start = threading.Barrier(20)

    def create(i: int) -> str | None:
        if i < 20:
            start.wait(timeout=30)
        try:
            with Session(get_engine(), expire_on_commit=False) as own:
                invoice = create_invoice(own, invoice_draft(company))
                if i % abort_every == abort_every - 1:
                    raise InjectedAbort(invoice.number)  # closing the session rolls back
                own.commit()
                return invoice.number
        except InjectedAbort:
            return None

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(create, range(creations)))

    kept = [number for number in results if number is not None]
    assert len(kept) == creations - creations // abort_every
    stored = session.scalars(sa.select(Invoice.number)).all()
    running = sorted(int(re.sub(r".*/", "", number)) for number in stored)
    assert running == list(range(1, len(kept) + 1))
    assert sorted(stored) == sorted(kept)
    counter = session.scalars(sa.select(InvoiceCounter.last_number)).one()
    assert counter == len(kept)
