"""The order ledger as sellers read it: newest first, never with the raw payload."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.models import AllegroOrder

_orders: sa.Table = AllegroOrder.__table__  # type: ignore[attr-defined]


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
