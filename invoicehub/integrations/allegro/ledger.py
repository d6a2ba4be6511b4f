"""The order ledger (`allegro_orders`): bulk upsert of fetched forms, bulk state update, listing.

One row per integration and checkout form (UNIQUE), whatever Allegro repeats. A page of forms is
written with one INSERT ... ON CONFLICT DO UPDATE executed for all of them; it returns only the
rows that need a decision: new orders, new revisions, and orders still pending or in review.
A revision already decided comes back as nothing, so a replayed event is a no-op by construction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session

from invoicehub.integrations.allegro.mapping import OrderKey
from invoicehub.models import AllegroOrder, OrderState

_orders: sa.Table = AllegroOrder.__table__  # type: ignore[attr-defined]
REDECIDED_STATES = (OrderState.PENDING.value, OrderState.NEEDS_REVIEW.value)


def _upsert_statement() -> Any:
    stmt = insert(_orders)
    excluded = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        constraint="ux_allegro_orders_integration_form",
        set_={
            "raw": excluded.raw,
            "revision": excluded.revision,
            "allegro_status": excluded.allegro_status,
            "allegro_updated_at": excluded.allegro_updated_at,
            "updated_at": sa.func.now(),
        },
        where=sa.or_(
            _orders.c.revision.is_distinct_from(excluded.revision),
            excluded.revision.is_(None),
            # Literals: an expanding IN parameter cannot run as one executemany statement.
            sa.or_(*(_orders.c.state == sa.literal_column(f"'{s}'") for s in REDECIDED_STATES)),
        ),
    )
    return stmt.returning(
        _orders.c.id,
        _orders.c.checkout_form_id,
        _orders.c.state,
        _orders.c.invoice_id,
        _orders.c.needs_correction,
        sort_by_parameter_order=True,
    )


_UPSERT = _upsert_statement()
_UPDATE_STATE = (
    sa.update(_orders)
    .where(_orders.c.id == sa.bindparam("b_id"))
    .values(
        state=sa.bindparam("b_state"),
        reason=sa.bindparam("b_reason"),
        invoice_id=sa.bindparam("b_invoice_id"),
        needs_correction=sa.bindparam("b_needs_correction"),
        updated_at=sa.func.now(),
    )
)


@dataclass(frozen=True)
class LedgerRow:
    """A ledger row that needs a decision, as it was before this page."""

    id: uuid.UUID
    checkout_form_id: str
    state: str
    invoice_id: uuid.UUID | None
    needs_correction: bool


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
    """Write the forms (sorted, so concurrent pages lock rows in one order); rows to decide."""
    if not forms:
        return {}
    rows = [
        {
            "id": uuid.uuid4(),
            "tenant_id": tenant_id,
            "integration_id": integration_id,
            "checkout_form_id": key.checkout_form_id,
            "revision": key.revision,
            "allegro_status": key.allegro_status,
            "raw": raw,
            "state": OrderState.PENDING.value,
            "reason": None,
            "needs_correction": False,
            "allegro_updated_at": key.updated_at,
        }
        for key, raw in sorted(forms, key=lambda pair: pair[0].checkout_form_id)
    ]
    result = session.connection().execute(_UPSERT, rows)
    return {
        row.checkout_form_id: LedgerRow(
            row.id, row.checkout_form_id, row.state, row.invoice_id, row.needs_correction
        )
        for row in result
    }


def update_states(session: Session, updates: Sequence[LedgerUpdate]) -> None:
    if not updates:
        return
    params = [
        {
            "b_id": u.id,
            "b_state": u.state,
            "b_reason": u.reason,
            "b_invoice_id": u.invoice_id,
            "b_needs_correction": u.needs_correction,
        }
        for u in updates
    ]
    session.connection().execute(_UPDATE_STATE, params)


@dataclass(frozen=True)
class LedgerEntry:
    """One order as the ledger API shows it (without the raw payload)."""

    checkout_form_id: str
    allegro_status: str
    state: str
    reason: str | None
    needs_correction: bool
    invoice_id: uuid.UUID | None
    updated_at: datetime


def list_entries(
    session: Session,
    integration_id: uuid.UUID,
    state: str | None,
    limit: int,
    offset: int,
) -> tuple[list[LedgerEntry], int]:
    """Newest first; the raw JSON is never loaded."""
    where = [_orders.c.integration_id == integration_id]
    if state is not None:
        where.append(_orders.c.state == state)
    total = (
        session.connection()
        .execute(sa.select(sa.func.count()).select_from(_orders).where(*where))
        .scalar_one()
    )
    rows = session.connection().execute(
        sa.select(
            _orders.c.checkout_form_id,
            _orders.c.allegro_status,
            _orders.c.state,
            _orders.c.reason,
            _orders.c.needs_correction,
            _orders.c.invoice_id,
            _orders.c.updated_at,
        )
        .where(*where)
        .order_by(_orders.c.updated_at.desc(), _orders.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [LedgerEntry(**row._mapping) for row in rows], int(total)
