"""After a sync: correction invoices for the integration's invoiced orders that were cancelled,
refunded (`GET /payments/refunds`) or returned (`GET /order/customer-returns`, finished ones).

Cancellations come from the ledger (an invoiced order the sync saw cancelled keeps its
`needs_correction` flag). Refunds are read with the integration's own cursor (`occurredAt.gte`
the newest refund seen; the boundary refund is read again and is a no-op). Returns change status
after they are created, so their cursor stays at the oldest return still open. Each correction
commits on its own; the unique key on its event id makes every replay a no-op. A refund of an
order that was never invoiced corrects nothing (orders cancelled before invoicing stay skipped).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session

from invoicehub.db import get_engine
from invoicehub.domain.correction_issue import (
    CorrectionRequest,
    current_lines,
    issue_correction,
    quantities_taken,
)
from invoicehub.domain.corrections import ZERO, CorrectionError, CorrectionKind
from invoicehub.domain.invoice_drafts import InvoiceError
from invoicehub.integrations.allegro.client import AllegroApiClient, format_allegro_datetime
from invoicehub.integrations.allegro.sync.context import ImportContext
from invoicehub.integrations.allegro.sync.invoice_uploads import queue_uploads, sweep_uploads
from invoicehub.integrations.allegro.sync.refund_changes import (
    FINISHED_RETURNS,
    OPEN_RETURNS,
    SourcedChange,
    beyond_returns,
    cancellation,
    refund_change,
    return_change,
)
from invoicehub.models import AllegroFollowCursor, AllegroOrder, Invoice, SyncRun
from invoicehub.models.base import utcnow

logger = logging.getLogger(__name__)
REFUNDS_PAGE = 100  # Allegro's largest refunds page
RETURNS_PAGE = 1000
FIRST_LOOK_BACK = timedelta(days=30)  # a first read looks as far back as a first sync does
_orders: sa.Table = AllegroOrder.__table__  # type: ignore[attr-defined]
_invoices: sa.Table = Invoice.__table__  # type: ignore[attr-defined]
_cursors: sa.Table = AllegroFollowCursor.__table__  # type: ignore[attr-defined]
_runs: sa.Table = SyncRun.__table__  # type: ignore[attr-defined]


def follow_order(client: AllegroApiClient, ctx: ImportContext, run_id: uuid.UUID | None) -> int:
    """The sync's hook: corrections due (counted on the run), then the PDFs to attach."""
    issued = issue_corrections(client, ctx)
    if issued and run_id is not None:
        with Session(get_engine()) as session:
            session.connection().execute(
                sa.update(_runs)
                .where(_runs.c.id == run_id)
                .values(corrections_issued=_runs.c.corrections_issued + issued)
            )
            session.commit()
    sweep_uploads(ctx)
    return issued


def issue_corrections(client: AllegroApiClient, ctx: ImportContext) -> int:
    """Every correction due for the integration; the number issued."""
    if not ctx.settings.auto_corrections:
        return 0
    issued = sum(_correct(ctx, form_id, change) for form_id, change in _cancellations(ctx))
    issued += _follow_refunds(client, ctx)
    issued += _follow_returns(client, ctx)
    return issued


def _cancellations(ctx: ImportContext) -> list[tuple[str, SourcedChange]]:
    """Invoiced orders seen cancelled whose cancellation has no correction yet."""
    taken = sa.select(_invoices.c.id).where(
        _invoices.c.tenant_id == ctx.tenant_id,
        _invoices.c.correction_event_id == sa.func.concat("cancel:", _orders.c.checkout_form_id),
    )
    stmt = sa.select(_orders.c.checkout_form_id).where(
        _orders.c.integration_id == ctx.integration_id,
        _orders.c.needs_correction.is_(True),
        _orders.c.invoice_id.is_not(None),
        ~sa.exists(taken),
    )
    with Session(get_engine()) as session:
        form_ids = session.connection().execute(stmt).scalars().all()
    return [(form_id, cancellation(form_id)) for form_id in form_ids]


def _follow_refunds(client: AllegroApiClient, ctx: ImportContext) -> int:
    since = _cursor(ctx, "refunds_since")
    issued, newest = 0, since
    for refund in _pages(client.list_refunds, _refund_params(since), "refunds", REFUNDS_PAGE):
        created = _parse(refund.get("createdAt"))
        newest = max(newest, created) if created else newest
        form_id = str((refund.get("order") or {}).get("id") or "")
        if refund.get("status") == "SUCCESS" and form_id:
            issued += _correct(ctx, form_id, refund, kind="refund", client=client)
    _move_cursor(ctx, "refunds_since", newest)
    return issued


def _follow_returns(client: AllegroApiClient, ctx: ImportContext) -> int:
    since = _cursor(ctx, "returns_since")
    params = [("createdAt.gte", format_allegro_datetime(since))]
    issued, newest, oldest_open = 0, since, None
    for found in _pages(client.list_customer_returns, params, "customerReturns", RETURNS_PAGE):
        created = _parse(found.get("createdAt")) or since
        newest = max(newest, created)
        if found.get("status") in OPEN_RETURNS:
            oldest_open = min(oldest_open or created, created)
        elif found.get("status") in FINISHED_RETURNS and found.get("orderId"):
            issued += _correct(ctx, str(found["orderId"]), found, kind="return")
    _move_cursor(ctx, "returns_since", oldest_open or newest)
    return issued


def _refund_params(since: datetime) -> list[tuple[str, str]]:
    return [("occurredAt.gte", format_allegro_datetime(since)), ("status", "SUCCESS")]


def _pages(
    fetch: Any, params: list[tuple[str, str]], key: str, size: int
) -> Iterator[dict[str, Any]]:
    offset = 0
    while True:
        page = fetch([*params, ("limit", str(size)), ("offset", str(offset))]) or {}
        items = page.get(key) or []
        yield from (item for item in items if isinstance(item, dict))
        if len(items) < size:
            return
        offset += size


def _correct(
    ctx: ImportContext,
    form_id: str,
    source: Any,
    *,
    kind: str = "cancellation",
    client: AllegroApiClient | None = None,
) -> int:
    """Issue the correction of one source event in its own transaction: 1 when issued."""
    with Session(get_engine(), expire_on_commit=False) as session:
        order = _invoiced_order(session, ctx, form_id)
        if order is None:
            return 0
        invoice_id, form = order
        if kind == "refund":
            change = refund_change(form, source, current_lines(session, invoice_id))
        elif kind == "return":
            change = return_change(form, source)
        else:
            change = source
        if kind == "return" and _returned_units_refunded(session, invoice_id, change):
            return 0
        if kind == "refund" and client is not None:
            left = _beyond_returns(session, client, invoice_id, form, source, change)
            if left is None:
                return 0
            change = left
        request = CorrectionRequest(
            ctx.tenant_id, invoice_id, change.change, change.event_id, change.reason, ctx.today
        )
        try:
            correction = issue_correction(session, request)
        except (CorrectionError, InvoiceError) as exc:
            logger.warning("no correction for %s of order %s: %s", kind, form_id, exc)
            return 0
        if correction is None:
            return 0
        _after_issue(session, ctx, correction)
        session.commit()
        return 1


def _returned_units_refunded(
    session: Session, invoice_id: uuid.UUID, sourced: SourcedChange
) -> bool:
    """A return whose units refund corrections already took off (the seller refunded what was
    returned, and the sync reads refunds first): its money is corrected, nothing to add."""
    by_refunds = quantities_taken(session, invoice_id, CorrectionKind.REFUND.value)
    by_returns = quantities_taken(session, invoice_id, CorrectionKind.RETURN.value)
    return all(
        by_refunds.get(position, ZERO) - by_returns.get(position, ZERO) >= units
        for position, units in sourced.change.quantities.items()
    )


def _beyond_returns(
    session: Session,
    client: AllegroApiClient,
    invoice_id: uuid.UUID,
    form: dict[str, Any],
    refund: dict[str, Any],
    sourced: SourcedChange,
) -> SourcedChange | None:
    """The refund less the units a return correction already took off (None: nothing left)."""
    returned = quantities_taken(session, invoice_id, CorrectionKind.RETURN.value)
    change = sourced.change
    if not returned or not change.quantities:
        return sourced
    params = [("order.id", str(refund["order"]["id"])), ("status", "SUCCESS")]
    order_refunds = list(_pages(client.list_refunds, params, "refunds", REFUNDS_PAGE))
    left = beyond_returns(form, refund, order_refunds, returned)
    if not left and not change.line_amounts:
        return None
    return replace(sourced, change=replace(change, quantities=left))


def _after_issue(session: Session, ctx: ImportContext, correction: Invoice) -> None:
    """A correction is attached to the Allegro order like an invoice."""
    queue_uploads(session, ctx, [correction.id])


def _invoiced_order(
    session: Session, ctx: ImportContext, form_id: str
) -> tuple[uuid.UUID, dict[str, Any]] | None:
    row = (
        session.connection()
        .execute(
            sa.select(_orders.c.invoice_id, _orders.c.raw).where(
                _orders.c.integration_id == ctx.integration_id,
                _orders.c.checkout_form_id == form_id,
                _orders.c.invoice_id.is_not(None),
            )
        )
        .first()
    )
    return (row.invoice_id, row.raw or {}) if row is not None else None


def _cursor(ctx: ImportContext, column: str) -> datetime:
    with Session(get_engine()) as session:
        value = (
            session.connection()
            .execute(
                sa.select(_cursors.c[column]).where(_cursors.c.integration_id == ctx.integration_id)
            )
            .scalar_one_or_none()
        )
    return value or utcnow() - FIRST_LOOK_BACK


def _move_cursor(ctx: ImportContext, column: str, value: datetime) -> None:
    stmt = insert(_cursors).values(integration_id=ctx.integration_id, **{column: value})
    stmt = stmt.on_conflict_do_update(index_elements=["integration_id"], set_={column: value})
    with Session(get_engine()) as session:
        session.connection().execute(stmt)
        session.commit()


def _parse(raw: Any) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None
