"""Gap-free invoice numbers per company series (`FV/{YYYY}/{MM}/{N}` by default).

Polish invoice numbers must run without gaps within a series, and PostgreSQL sequences leave gaps
(a rolled-back nextval is never returned). So the running number lives in an `invoice_counters`
row that is bumped with one upsert in the invoice's own transaction: the row stays locked until
that transaction ends, a rollback takes the bump back with it, and concurrent invoices of the same
series queue behind each other for the (short) rest of the transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.models import InvoiceCounter

YEAR_TOKEN = "{YYYY}"  # noqa: S105 (pattern placeholders, not secrets)
MONTH_TOKEN = "{MM}"  # noqa: S105
NUMBER_TOKEN = "{N}"  # noqa: S105
# Period key of a series that never resets (the column is part of the primary key, not null).
NO_PERIOD = "all"
# Takes the next number; create_invoice runs it as a CTE of the invoice insert (one round trip).
BUMP_COUNTER_SQL = """
    INSERT INTO invoice_counters AS counter (company_id, pattern, period, last_number)
    VALUES (:company_id, :pattern, :period, 1)
    ON CONFLICT (company_id, pattern, period)
    DO UPDATE SET last_number = counter.last_number + 1
    RETURNING last_number
"""

# Locks the series' counter rows of some periods (creating missing ones at 0) until the
# transaction ends, and reads them; sorted, so concurrent batches lock in one order.
_LOCK_COUNTERS = sa.text(
    """
    INSERT INTO invoice_counters AS counter (company_id, pattern, period, last_number)
    SELECT :company_id, :pattern, period, 0
      FROM unnest(CAST(:periods AS text[])) AS period
     ORDER BY period
    ON CONFLICT (company_id, pattern, period)
    DO UPDATE SET last_number = counter.last_number
    RETURNING period, last_number
    """
)
# Takes `n` numbers at once in each period of a batch whose counter rows lock_counters holds.
BUMP_COUNTERS_SQL = """
    UPDATE invoice_counters AS counter SET last_number = counter.last_number + bump.n
      FROM jsonb_to_recordset(CAST(:bumps AS jsonb)) AS bump(period text, n int)
     WHERE counter.company_id = :company_id AND counter.pattern = :pattern
       AND counter.period = bump.period
"""

_counters = InvoiceCounter.__table__  # type: ignore[attr-defined]
_bump_counter = sa.text(BUMP_COUNTER_SQL)


def counter_period(pattern: str, issue_date: date) -> str:
    """The period whose invoices share one running number: monthly, yearly or never reset."""
    if MONTH_TOKEN in pattern:
        return f"{issue_date.year:04d}-{issue_date.month:02d}"
    if YEAR_TOKEN in pattern:
        return f"{issue_date.year:04d}"
    return NO_PERIOD


def number_template(pattern: str, issue_date: date) -> str:
    """The pattern with its date filled in; only `{N}` is left to replace."""
    return pattern.replace(YEAR_TOKEN, f"{issue_date.year:04d}").replace(
        MONTH_TOKEN, f"{issue_date.month:02d}"
    )


def format_number(pattern: str, issue_date: date, n: int) -> str:
    return number_template(pattern, issue_date).replace(NUMBER_TOKEN, str(n))


def counter_key(company_id: uuid.UUID, pattern: str, issue_date: date) -> dict[str, object]:
    """Bind parameters of BUMP_COUNTER_SQL."""
    return {
        "company_id": company_id,
        "pattern": pattern,
        "period": counter_period(pattern, issue_date),
    }


def allocate_number(
    session: Session, company_id: uuid.UUID, pattern: str, issue_date: date
) -> tuple[int, str]:
    """Take the next number of the series in the caller's transaction: (n, formatted number)."""
    key = counter_key(company_id, pattern, issue_date)
    n = session.connection().execute(_bump_counter, key).scalar_one()
    return n, format_number(pattern, issue_date, n)


def lock_counters(
    session: Session, company_id: uuid.UUID, pattern: str, issue_dates: Iterable[date]
) -> dict[str, int]:
    """Lock the series' counters of the periods of `issue_dates`: {period: last number taken}.

    Every invoice of a period bumps its row, so until this transaction ends no one else can
    number (or, by the unique source key, issue) an invoice in those periods.
    """
    periods = sorted({counter_period(pattern, issued) for issued in issue_dates})
    params = {"company_id": company_id, "pattern": pattern, "periods": periods}
    rows = session.connection().execute(_LOCK_COUNTERS, params)
    return {row.period: row.last_number for row in rows}


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


def current_number(session: Session, company_id: uuid.UUID, pattern: str, issue_date: date) -> int:
    """The last number taken in the series period of `issue_date` (0 when none)."""
    stmt = sa.select(_counters.c.last_number).where(
        _counters.c.company_id == company_id,
        _counters.c.pattern == pattern,
        _counters.c.period == counter_period(pattern, issue_date),
    )
    return session.connection().execute(stmt).scalar_one_or_none() or 0
