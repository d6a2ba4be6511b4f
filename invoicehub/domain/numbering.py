"""Gap-free invoice numbers per company series (`FV/{YYYY}/{MM}/{N}` by default).

Polish invoice numbers must run without gaps within a series, and PostgreSQL sequences leave gaps
(a rolled-back nextval is never returned). So the running number lives in an `invoice_counters`
row that is bumped with one upsert in the invoice's own transaction: the row stays locked until
that transaction ends, a rollback takes the bump back with it, and concurrent invoices of the same
series queue behind each other for the (short) rest of the transaction.
"""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session

from invoicehub.models import InvoiceCounter

YEAR_TOKEN = "{YYYY}"
MONTH_TOKEN = "{MM}"
NUMBER_TOKEN = "{N}"
# Period key of a series that never resets (the column is part of the primary key, not null).
NO_PERIOD = "all"

_counters = InvoiceCounter.__table__  # type: ignore[attr-defined]


def counter_period(pattern: str, issue_date: date) -> str:
    """The period whose invoices share one running number: monthly, yearly or never reset."""
    if MONTH_TOKEN in pattern:
        return f"{issue_date.year:04d}-{issue_date.month:02d}"
    if YEAR_TOKEN in pattern:
        return f"{issue_date.year:04d}"
    return NO_PERIOD


def format_number(pattern: str, issue_date: date, n: int) -> str:
    return (
        pattern.replace(YEAR_TOKEN, f"{issue_date.year:04d}")
        .replace(MONTH_TOKEN, f"{issue_date.month:02d}")
        .replace(NUMBER_TOKEN, str(n))
    )


def allocate_number(
    session: Session, company_id: uuid.UUID, pattern: str, issue_date: date
) -> tuple[int, str]:
    """Take the next number of the series in the caller's transaction: (n, formatted number)."""
    stmt = (
        insert(_counters)
        .values(
            company_id=company_id,
            pattern=pattern,
            period=counter_period(pattern, issue_date),
            last_number=1,
        )
        .on_conflict_do_update(
            index_elements=["company_id", "pattern", "period"],
            set_={"last_number": _counters.c.last_number + 1},
        )
        .returning(_counters.c.last_number)
    )
    n = session.connection().execute(stmt).scalar_one()
    return n, format_number(pattern, issue_date, n)


def give_back_number(
    session: Session, company_id: uuid.UUID, pattern: str, issue_date: date
) -> None:
    """Undo the allocate_number just made in this transaction (its number was not used).

    Exact only right after allocate_number in the same transaction: that upsert locked the
    counter row until the transaction ends, so no one else can have moved it since.
    """
    stmt = (
        sa.update(_counters)
        .where(
            _counters.c.company_id == company_id,
            _counters.c.pattern == pattern,
            _counters.c.period == counter_period(pattern, issue_date),
        )
        .values(last_number=_counters.c.last_number - 1)
    )
    session.connection().execute(stmt)


def current_number(
    session: Session, company_id: uuid.UUID, pattern: str, issue_date: date
) -> int:
    """The last number taken in the series period of `issue_date` (0 when none)."""
    stmt = sa.select(_counters.c.last_number).where(
        _counters.c.company_id == company_id,
        _counters.c.pattern == pattern,
        _counters.c.period == counter_period(pattern, issue_date),
    )
    return session.connection().execute(stmt).scalar_one_or_none() or 0
