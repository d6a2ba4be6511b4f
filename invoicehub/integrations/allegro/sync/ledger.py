"""The order ledger (`allegro_orders`): the page's rows to decide and their one write.

One row per integration and checkout form (UNIQUE), whatever Allegro repeats. Only some rows need
a decision: new orders, new revisions, orders still pending or in review, orders due for another
fetch. A revision already decided needs none, so a replayed event is a no-op by construction.

The page path (`rows_to_decide`, then `write_orders`) writes each row once, with its final state:
one indexed SELECT ... FOR UPDATE of the page's existing rows tells which need a decision, and
after the decisions one INSERT ... ON CONFLICT DO UPDATE writes the forms with their states.
Inserting every new order as 'pending' and then updating it made two versions of each row, and
the update is never HOT (`state` and `invoice_id` are indexed or checked): a quarter of a first
sync's database time. Nothing else can insert the page's rows meanwhile: a sync holds its
integration's advisory lock (jobs/locks.py) and only a sync inserts ledger rows; the rows that
exist are locked by the SELECT until the page commits (a seller's "retry" waits for it).

The order-by-order path (a page the database refused, order_guard.upsert_isolated) keeps the
two steps, `upsert_orders` then `update_states`, so a refused row costs only its order.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from invoicehub import json_text
from invoicehub.db_rounds import copy_rows
from invoicehub.ids import new_id
from invoicehub.integrations.allegro.sync.mapping import OrderKey
from invoicehub.integrations.allegro.sync.sanitize import clean_text
from invoicehub.models import AllegroOrder, OrderState

_orders: sa.Table = AllegroOrder.__table__  # type: ignore[attr-defined]


# One statement per page whatever its size: the rows travel as one JSON array (a bind parameter
# per column and row would be 1 100 parameters for SQLAlchemy to render and PostgreSQL to plan).
# The page is sorted by checkout form id, so concurrent pages lock ledger rows in one order.
# What a form written again changes in its row, both ways (a fetch retry due is done with).
_FORM_WRITTEN_AGAIN = """
       SET raw = excluded.raw, revision = excluded.revision,
           allegro_status = excluded.allegro_status,
           allegro_updated_at = excluded.allegro_updated_at, updated_at = now(),
           fetch_attempts = 0, fetch_retry_at = NULL"""
_UPSERT = sa.text(
    """
    INSERT INTO allegro_orders AS o (id, tenant_id, integration_id, checkout_form_id, revision,
                                     allegro_status, raw, state, reason, needs_correction,
                                     allegro_updated_at)
    SELECT gen_random_uuid(), :tenant_id, :integration_id, f.checkout_form_id, f.revision,
           f.allegro_status, f.raw, 'pending', NULL, false, f.allegro_updated_at
      FROM jsonb_to_recordset(CAST(:forms AS jsonb)) AS f(
               checkout_form_id text, revision text, allegro_status text, raw jsonb,
               allegro_updated_at timestamptz)
     ORDER BY f.checkout_form_id
    ON CONFLICT ON CONSTRAINT ux_allegro_orders_integration_form DO UPDATE"""  # noqa: S608 (constant SQL)
    + _FORM_WRITTEN_AGAIN
    + """
     WHERE o.revision IS DISTINCT FROM excluded.revision OR excluded.revision IS NULL
        OR o.state IN ('pending', 'needs_review') OR o.fetch_retry_at IS NOT NULL
    RETURNING o.id, o.checkout_form_id, o.state, o.invoice_id, o.needs_correction
    """
).bindparams(sa.bindparam("forms", type_=sa.Text))
_UPDATE_STATES = sa.text(
    """
    UPDATE allegro_orders AS o
       SET state = u.state, reason = u.reason, invoice_id = u.invoice_id,
           needs_correction = u.needs_correction, updated_at = now()
      FROM jsonb_to_recordset(CAST(:updates AS jsonb)) AS u(
               id uuid, state text, reason text, invoice_id uuid, needs_correction boolean)
     WHERE o.id = u.id
    """
).bindparams(sa.bindparam("updates", type_=sa.Text))


@dataclass(frozen=True)
class LedgerRow:
    """A ledger row that needs a decision, as it was before this page."""

    id: uuid.UUID
    checkout_form_id: str
    state: str
    invoice_id: uuid.UUID | None
    needs_correction: bool
    is_new: bool = False  # no ledger row yet: written by COPY (`write_orders`)


# The page's existing rows, locked until the page commits, in checkout form order (as every
# writer of the ledger locks them: the ids arrive sorted). One probe of the unique
# (integration_id, checkout_form_id) index per id, whatever the statistics say: written as
# `checkout_form_id = ANY(...)`, a first sync (a table never analyzed, or one integration's rows
# estimated at a handful) gets a scan of all the integration's rows per page, which grows with
# every page (~10 ms a page at 10,000 orders). LIMIT 1 keeps each LATERAL probe a subquery.
# psycopg SQL: sent with the page's other reads in one round trip (db_rounds.fetch_together).
PAGE_ROWS = """
    SELECT o.id, o.checkout_form_id, o.revision, o.state, o.invoice_id, o.needs_correction,
           o.fetch_retry_at IS NOT NULL AS retry_due
      FROM unnest(CAST(%(form_ids)s AS text[])) AS f(form_id)
     CROSS JOIN LATERAL (
           SELECT * FROM allegro_orders
            WHERE integration_id = %(integration_id)s AND checkout_form_id = f.form_id
            LIMIT 1
              FOR UPDATE) AS o
     WHERE o.tenant_id = %(tenant_id)s
    """
# Every decided row of a page in one statement, with its final state (see the module's note).
_WRITE = sa.text(
    """
    INSERT INTO allegro_orders AS o (id, tenant_id, integration_id, checkout_form_id, revision,
                                     allegro_status, raw, state, reason, needs_correction,
                                     invoice_id, allegro_updated_at)
    SELECT f.id, :tenant_id, :integration_id, f.checkout_form_id, f.revision, f.allegro_status,
           f.raw, f.state, f.reason, f.needs_correction, f.invoice_id, f.allegro_updated_at
      FROM jsonb_to_recordset(CAST(:forms AS jsonb)) AS f(
               id uuid, checkout_form_id text, revision text, allegro_status text, raw jsonb,
               state text, reason text, needs_correction boolean, invoice_id uuid,
               allegro_updated_at timestamptz)
     ORDER BY f.checkout_form_id
    ON CONFLICT ON CONSTRAINT ux_allegro_orders_integration_form DO UPDATE"""  # noqa: S608 (constant SQL)
    + _FORM_WRITTEN_AGAIN
    + """,
           state = excluded.state, reason = excluded.reason, invoice_id = excluded.invoice_id,
           needs_correction = excluded.needs_correction
    """
).bindparams(sa.bindparam("forms", type_=sa.Text))
_OPEN = frozenset({OrderState.PENDING.value, OrderState.NEEDS_REVIEW.value})


@dataclass(frozen=True)
class LedgerUpdate:
    id: uuid.UUID
    state: str
    reason: str | None
    invoice_id: uuid.UUID | None
    needs_correction: bool


def upsert_orders(
    session: Session,
    tenant_id: uuid.UUID,
    integration_id: uuid.UUID,
    forms: Sequence[tuple[OrderKey, dict[str, Any]]],
) -> dict[str, LedgerRow]:
    """Write the page's forms (one id at most once); the rows that need a decision."""
    if not forms:
        return {}
    records = [
        {
            "checkout_form_id": key.checkout_form_id,
            "revision": key.revision,
            "allegro_status": key.allegro_status,
            "raw": raw,
            "allegro_updated_at": key.updated_at.isoformat() if key.updated_at else None,
        }
        for key, raw in forms
    ]
    # The forms were cleaned of what jsonb refuses (NUL) as they arrived (sanitize.py).
    payload = json_text.dumps(records)
    params = {"tenant_id": tenant_id, "integration_id": integration_id, "forms": payload}
    rows = session.connection().execute(_UPSERT, params)
    return {
        row.checkout_form_id: LedgerRow(
            row.id, row.checkout_form_id, row.state, row.invoice_id, row.needs_correction
        )
        for row in rows
    }


def page_rows_query(
    tenant_id: uuid.UUID,
    integration_id: uuid.UUID,
    forms: Iterable[tuple[OrderKey, dict[str, Any]]],
) -> tuple[str, dict[str, Any]]:
    """The statement reading and locking the page's existing rows (for `rows_to_decide`)."""
    form_ids = sorted(key.checkout_form_id for key, _ in forms)
    return PAGE_ROWS, {
        "tenant_id": tenant_id,
        "integration_id": integration_id,
        "form_ids": form_ids,
    }


def rows_to_decide(
    existing_rows: Iterable[Any], forms: Iterable[tuple[OrderKey, dict[str, Any]]]
) -> dict[str, LedgerRow]:
    """The page's orders that need a decision, in checkout form order, from what
    `page_rows_query` read; writes nothing.

    The same rows `upsert_orders` returns (new orders get a fresh id and 'pending'), but the
    existing ones are only read and locked: `write_orders` writes them once decided.
    """
    existing = {row.checkout_form_id: row for row in existing_rows}
    pending = OrderState.PENDING.value
    rows: dict[str, LedgerRow] = {}
    for key, _ in sorted(forms, key=lambda form: form[0].checkout_form_id):
        form_id, old = key.checkout_form_id, existing.get(key.checkout_form_id)
        if old is None:
            rows[form_id] = LedgerRow(new_id(), form_id, pending, None, False, is_new=True)
        elif (
            key.revision is None
            or old.revision != key.revision
            or old.state in _OPEN
            or old.retry_due
        ):  # the condition under which upsert_orders updates a row and returns it
            rows[form_id] = LedgerRow(
                old.id, form_id, old.state, old.invoice_id, old.needs_correction
            )
    return rows


def write_orders(
    session: Session,
    tenant_id: uuid.UUID,
    integration_id: uuid.UUID,
    decided: Sequence[tuple[OrderKey, dict[str, Any], LedgerUpdate]],
    new_ids: Set[uuid.UUID] = frozenset(),
    raw_json: Mapping[str, str] | None = None,
) -> None:
    """Write the decided forms of a page (from `rows_to_decide`) with their final states.

    `new_ids`: the rows `rows_to_decide` found absent (`LedgerRow.is_new`). They go in by COPY:
    no other writer can insert them meanwhile (see the module's note), and should one exist
    after all, the unique key refuses the COPY and the page reruns order by order.
    `raw_json`: the forms already written as JSON text, by checkout form id (page_prep.py).
    """
    fresh = [entry for entry in decided if entry[2].id in new_ids]
    if fresh:
        copy_rows(
            session,
            "allegro_orders",
            _COPY_COLUMNS,
            (_copy_row(tenant_id, integration_id, *entry, raw_json or {}) for entry in fresh),
        )
    known = [entry for entry in decided if entry[2].id not in new_ids] if fresh else decided
    if not known:
        return
    records = [
        {
            "id": str(update.id),
            "checkout_form_id": key.checkout_form_id,
            "revision": key.revision,
            "allegro_status": key.allegro_status,
            "raw": raw,
            "state": update.state,
            "reason": clean_text(update.reason) if update.reason else None,
            "needs_correction": update.needs_correction,
            "invoice_id": str(update.invoice_id) if update.invoice_id else None,
            "allegro_updated_at": key.updated_at.isoformat() if key.updated_at else None,
        }
        for key, raw, update in known
    ]
    # The forms were cleaned of what jsonb refuses (NUL) as they arrived (sanitize.py).
    params = {
        "tenant_id": tenant_id,
        "integration_id": integration_id,
        "forms": json_text.dumps(records),
    }
    session.connection().execute(_WRITE, params)


def update_states(session: Session, updates: Sequence[LedgerUpdate]) -> None:
    if not updates:
        return
    records = [
        {
            "id": str(u.id),
            "state": u.state,
            "reason": clean_text(u.reason) if u.reason else None,
            "invoice_id": str(u.invoice_id) if u.invoice_id else None,
            "needs_correction": u.needs_correction,
        }
        for u in updates
    ]
    payload = json_text.dumps(records)
    session.connection().execute(_UPDATE_STATES, {"updates": payload})


def held_form_ids(session: Session, integration_id: uuid.UUID, limit: int) -> list[str]:
    """The orders set aside for review, the longest waiting first."""
    rows = session.connection().execute(
        sa.select(_orders.c.checkout_form_id)
        .where(
            _orders.c.integration_id == integration_id,
            _orders.c.state == OrderState.NEEDS_REVIEW.value,
        )
        .order_by(_orders.c.updated_at, _orders.c.id)
        .limit(limit)
    )
    return list(rows.scalars())


_COPY_COLUMNS = (
    "id", "tenant_id", "integration_id", "checkout_form_id", "revision", "allegro_status",
    "raw", "state", "reason", "needs_correction", "invoice_id", "allegro_updated_at",
)  # fmt: skip


def _copy_row(
    tenant_id: uuid.UUID,
    integration_id: uuid.UUID,
    key: OrderKey,
    raw: dict[str, Any],
    update: LedgerUpdate,
    raw_json: Mapping[str, str],
) -> tuple[str | None, ...]:
    return (
        str(update.id),
        str(tenant_id),
        str(integration_id),
        key.checkout_form_id,
        key.revision,
        key.allegro_status,
        raw_json.get(key.checkout_form_id) or json_text.dumps(raw),
        update.state,
        clean_text(update.reason) if update.reason else None,
        "t" if update.needs_correction else "f",
        str(update.invoice_id) if update.invoice_id else None,
        key.updated_at.isoformat() if key.updated_at else None,
    )
