"""create_invoices' numbering and writing of a batch: one company series, few round trips.

The counter rows of the batch's periods are locked first; every invoice of those periods bumps
them, so the orders that already have an invoice, read next, cannot gain one until the
transaction ends: they consume no number. Numbers then follow issue order, and all counter
bumps, invoices and lines go in one statement (invoice_sql.insert_invoices), with the unique
source key as the final guard.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.domain import numbering
from invoicehub.domain.invoice_drafts import DuplicateInvoice, InvoiceDraft, InvoiceError
from invoicehub.domain.invoice_sql import insert_invoices
from invoicehub.domain.rows import adopt_row, table_of
from invoicehub.models import Invoice

_invoices = table_of(Invoice)


@dataclass(frozen=True)
class Issue:
    """A checked draft, ready to be numbered and written."""

    draft: InvoiceDraft
    company_id: uuid.UUID
    series: str
    values: dict[str, Any]
    lines: list[dict[str, Any]]


def adopt_issued(session: Session, issue: Issue, number: str) -> Invoice:
    return adopt_row(session, Invoice, {**issue.values, "number": number})


def issue_series(
    session: Session, company_id: uuid.UUID, pattern: str, issues: list[tuple[int, Issue]]
) -> dict[int, Invoice | InvoiceError]:
    """Number and write one series' drafts; {draft index: result}.

    The counter rows of the batch's periods are locked first: every invoice of those periods
    bumps them, so the orders that already have an invoice, read next, cannot change until we
    commit, and they consume no number. The unique source key stays the final guard (an order
    issued meanwhile in another period, or series): if it refuses any invoice, the batch's
    SAVEPOINT takes the bumps and inserts back and the batch is numbered again without it.
    """
    pending, copies = _split_copies(issues)
    drafts = [issue.draft for _, issue in pending]
    last = numbering.lock_counters(session, company_id, pattern, [d.issue_date for d in drafts])
    existing = _existing_invoices(session, drafts)
    while True:
        todo = [(i, issue) for i, issue in pending if _order_key(issue.draft) not in existing]
        numbers = _numbered(pattern, last, [issue for _, issue in todo])
        if not todo or _inserted_all(session, company_id, pattern, todo, numbers):
            break
        known, existing = existing, _existing_invoices(session, drafts)
        if existing.keys() <= known.keys():  # cannot happen: the conflict's row is committed
            raise InvoiceError("the invoice batch conflicts with an invisible invoice")
    results: dict[int, Invoice | InvoiceError] = {}
    for (index, issue), number in zip(todo, numbers, strict=True):
        results[index] = adopt_issued(session, issue, number)
    issued = {_order_key(issue.draft): issue.values["id"] for _, issue in todo}
    for index, issue in pending + copies:
        key = _order_key(issue.draft)
        if key is not None and key in existing:
            results[index] = _duplicate_of(issue.draft, *existing[key])
        elif index not in results:  # a later draft of an order this batch issued
            order_id = str(issue.draft.external_order_id)
            results[index] = DuplicateInvoice(issued[key], order_id)
    return results


def _split_copies(
    issues: list[tuple[int, Issue]],
) -> tuple[list[tuple[int, Issue]], list[tuple[int, Issue]]]:
    """(drafts to issue in issue order, drafts of an order named earlier in the batch).

    Issue order is by issue date, then as given; of one order's drafts, the first given issues.
    """
    seen: set[tuple[str, uuid.UUID, str]] = set()
    pending, copies = [], []
    for index, issue in issues:
        key = _order_key(issue.draft)
        if key is not None and key in seen:
            copies.append((index, issue))
            continue
        if key is not None:
            seen.add(key)
        pending.append((index, issue))
    pending.sort(key=lambda item: item[1].draft.issue_date)  # stable: ties keep given order
    return pending, copies


def _numbered(pattern: str, last: Mapping[str, int], issues: list[Issue]) -> list[str]:
    """The next numbers of each period, in the given order."""
    taken = dict(last)
    numbers = []
    for issue in issues:
        issued = issue.draft.issue_date
        period = numbering.counter_period(pattern, issued)
        taken[period] += 1
        numbers.append(numbering.format_number(pattern, issued, taken[period]))
    return numbers


def _inserted_all(
    session: Session,
    company_id: uuid.UUID,
    pattern: str,
    todo: list[tuple[int, Issue]],
    numbers: list[str],
) -> bool:
    """Write the numbered invoices in a SAVEPOINT; False (and nothing written) on a conflict."""
    bumps: dict[str, int] = {}
    for _, issue in todo:
        period = numbering.counter_period(pattern, issue.draft.issue_date)
        bumps[period] = bumps.get(period, 0) + 1
    invoices = [
        {**issue.values, "number": number} for (_, issue), number in zip(todo, numbers, strict=True)
    ]
    lines = [line for _, issue in todo for line in issue.lines]
    counter = {"company_id": company_id, "pattern": pattern}
    savepoint = session.begin_nested()
    inserted = insert_invoices(session, counter, bumps, invoices, lines)
    if len(inserted) == len(todo):
        savepoint.commit()
        return True
    savepoint.rollback()
    return False


def _order_key(draft: InvoiceDraft) -> tuple[str, uuid.UUID, str] | None:
    """The unique source key of the draft's order (None: it can never conflict; NULLs differ)."""
    if draft.external_order_id is None or draft.integration_id is None:
        return None
    return (draft.source, draft.integration_id, draft.external_order_id)


def _existing_invoices(
    session: Session, drafts: list[InvoiceDraft]
) -> dict[tuple[str, uuid.UUID, str], tuple[uuid.UUID, uuid.UUID]]:
    """{order key: (invoice id, tenant id)} of the drafts' orders that already have an invoice."""
    keys = {key for key in map(_order_key, drafts) if key is not None}
    if not keys:
        return {}
    stmt = sa.select(
        _invoices.c.source,
        _invoices.c.integration_id,
        _invoices.c.external_order_id,
        _invoices.c.id,
        _invoices.c.tenant_id,
    ).where(
        _invoices.c.source.in_(sorted({key[0] for key in keys})),
        _invoices.c.external_order_id.in_(sorted({key[2] for key in keys})),
        _invoices.c.integration_id.in_(sorted({key[1] for key in keys})),
    )
    found = {}
    for row in session.connection().execute(stmt):
        key = (row.source, row.integration_id, row.external_order_id)
        if key in keys:
            found[key] = (row.id, row.tenant_id)
    return found


def _duplicate_of(draft: InvoiceDraft, invoice_id: uuid.UUID, tenant_id: uuid.UUID) -> InvoiceError:
    if tenant_id != draft.tenant_id:
        return InvoiceError(f"order {draft.external_order_id} belongs to another tenant")
    return DuplicateInvoice(invoice_id, str(draft.external_order_id))
