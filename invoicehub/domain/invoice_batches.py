"""create_invoices' numbering and writing of a batch: one company series, few round trips.

The counter rows of the batch's periods are locked first; every invoice of those periods bumps
them, so no one else can number an invoice of those periods until the transaction ends. Numbers
follow issue order, and all counter bumps, invoices and lines go in one statement
(invoice_sql.insert_invoices) inside a SAVEPOINT, with the unique source key as the guard: when
it refuses an invoice (its order already has one), the savepoint takes the bumps and inserts
back, the orders that have an invoice are read, and the rest is numbered again. So an order that
already has an invoice consumes no number, and a batch without one (a sync's page: the ledger
says its orders have none) costs no read of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from invoicehub import json_text
from invoicehub.domain import numbering
from invoicehub.domain.invoice_drafts import (
    DuplicateInvoice,
    InvoiceDraft,
    InvoiceError,
    LineDraft,
)
from invoicehub.domain.invoice_sql import insert_invoices
from invoicehub.domain.rows import adopt_row
from invoicehub.domain.taxes import LineAmounts
from invoicehub.ids import new_id
from invoicehub.models import Invoice


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


class BatchConflict(Exception):
    """An unguarded batch met an order that already has an invoice: what the batch wrote stands
    in the transaction (counter bumps included), so the caller must roll that transaction back."""


def issue_series(
    session: Session,
    company_id: uuid.UUID,
    pattern: str,
    issues: list[tuple[int, Issue]],
    *,
    guarded: bool = True,
    locked: dict[str, int] | None = None,
) -> dict[int, tuple[Issue, str] | InvoiceError]:
    """Number and write one series' drafts; {draft index: (issue, its number) or its error}.

    The counter rows of the batch's periods are locked first: every invoice of those periods
    bumps them. The batch is written at once; if the unique source key refuses any invoice (an
    order that already has one), the batch's SAVEPOINT takes the bumps and inserts back, the
    existing invoices are read and the batch is numbered again without them. Unguarded (no
    SAVEPOINT: two round trips fewer), such a batch raises BatchConflict instead. `locked`:
    {period: last number} of counter rows this transaction already locked (load_issue_context).
    """
    pending, copies = _split_copies(issues)
    drafts = [issue.draft for _, issue in pending]
    dates = [d.issue_date for d in drafts]
    if locked is None or any(numbering.counter_period(pattern, d) not in locked for d in dates):
        locked = numbering.lock_counters(session, company_id, pattern, dates)
    last = locked
    existing: dict[tuple[str, uuid.UUID, str], tuple[uuid.UUID, uuid.UUID]] = {}
    while True:
        todo = [(i, issue) for i, issue in pending if _order_key(issue.draft) not in existing]
        numbers = _numbered(pattern, last, [issue for _, issue in todo])
        if not todo or _inserted_all(session, company_id, pattern, todo, numbers, guarded):
            break
        known, existing = existing, _existing_invoices(session, drafts)
        if existing.keys() <= known.keys():  # cannot happen: the conflict's row is committed
            raise InvoiceError("the invoice batch conflicts with an invisible invoice")
    results: dict[int, tuple[Issue, str] | InvoiceError] = {}
    for (index, issue), number in zip(todo, numbers, strict=True):
        results[index] = (issue, number)
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
    guarded: bool = True,
) -> bool:
    """Write the numbered invoices in a SAVEPOINT; False (and nothing written) on a conflict.
    Unguarded: without the SAVEPOINT, and a conflict raises BatchConflict."""
    bumps: dict[str, int] = {}
    for _, issue in todo:
        period = numbering.counter_period(pattern, issue.draft.issue_date)
        bumps[period] = bumps.get(period, 0) + 1
    invoices = [
        {**issue.values, "number": number} for (_, issue), number in zip(todo, numbers, strict=True)
    ]
    lines = [line for _, issue in todo for line in issue.lines]
    counter = {"company_id": company_id, "pattern": pattern}
    if not guarded:
        if len(insert_invoices(session, counter, bumps, invoices, lines)) < len(todo):
            raise BatchConflict("an order of the batch already has an invoice")
        return True
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


# One probe of ux_invoices_source_order per order, whatever the statistics say (an IN list over
# the key's columns lets the planner scan all of the integration's invoices, per batch).
_EXISTING = sa.text(
    """
    SELECT k.source, k.integration_id, k.external_order_id, i.id, i.tenant_id
      FROM jsonb_to_recordset(CAST(:keys AS jsonb))
           AS k(source text, integration_id uuid, external_order_id text)
     CROSS JOIN LATERAL (
           SELECT id, tenant_id FROM invoices
            WHERE source = k.source AND integration_id = k.integration_id
              AND external_order_id = k.external_order_id AND external_order_id IS NOT NULL
            LIMIT 1) AS i
    """
).bindparams(sa.bindparam("keys", type_=sa.Text))


def _existing_invoices(
    session: Session, drafts: list[InvoiceDraft]
) -> dict[tuple[str, uuid.UUID, str], tuple[uuid.UUID, uuid.UUID]]:
    """{order key: (invoice id, tenant id)} of the drafts' orders that already have an invoice."""
    keys = {key for key in map(_order_key, drafts) if key is not None}
    if not keys:
        return {}
    records = [
        {"source": source, "integration_id": str(integration), "external_order_id": order}
        for source, integration, order in sorted(keys, key=str)
    ]
    rows = session.connection().execute(_EXISTING, {"keys": json_text.dumps(records)})
    return {
        (row.source, row.integration_id, row.external_order_id): (row.id, row.tenant_id)
        for row in rows
    }


def _duplicate_of(draft: InvoiceDraft, invoice_id: uuid.UUID, tenant_id: uuid.UUID) -> InvoiceError:
    if tenant_id != draft.tenant_id:
        return InvoiceError(f"order {draft.external_order_id} belongs to another tenant")
    return DuplicateInvoice(invoice_id, str(draft.external_order_id))


def line_rows(
    priced: list[tuple[LineDraft, LineAmounts]], invoice_id: uuid.UUID
) -> list[dict[str, Any]]:
    """The lines as JSON records for jsonb_to_recordset (exact decimals travel as strings)."""
    return [
        {
            "id": str(new_id()),
            "invoice_id": str(invoice_id),
            "position": position,
            "name": line.name.strip(),
            "quantity": str(line.quantity),
            "unit": line.unit.strip(),
            "unit_gross": str(line.unit_gross),
            "vat_rate": line.vat_rate,
            "net": str(amounts.net),
            "vat": str(amounts.vat),
            "gross": str(amounts.gross),
            "product_id": str(line.product_id) if line.product_id else None,
        }
        for position, (line, amounts) in enumerate(priced, start=1)
    ]
