"""Reconciliation: the safety net behind the event journal.

The journal is how the sync learns of orders, and a journal can drop one (an event never
written, a cursor moved by hand, a bug). Once a day, and whenever a person asks (a run with
trigger RECONCILE_TRIGGER: `POST /api/v1/allegro/sync/{integrationId}/reconcile`,
`invoicehub sync ID --reconcile`), the sync lists the checkout forms Allegro updated within
RECONCILE_WINDOW and compares them with the ledger: an order the ledger lacks, or holds at
another revision, is imported like any other; the rest costs one ledger read per page.

The daily pass needs no schedule of its own: the dispatcher's next sync of an integration whose
`reconciled_at` is older than RECONCILE_EVERY runs it, so reconciliations spread over the day
with the integrations' own schedules. A first sync lists 30 days anyway and counts as one.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.integrations.allegro.sync.mapping import order_key
from invoicehub.models import AllegroIntegration, AllegroOrder
from invoicehub.models.base import utcnow

logger = logging.getLogger(__name__)
RECONCILE_WINDOW = timedelta(days=7)
RECONCILE_EVERY = timedelta(days=1)
RECONCILE_TRIGGER = "reconcile"
_orders: sa.Table = AllegroOrder.__table__  # type: ignore[attr-defined]
_integrations: sa.Table = AllegroIntegration.__table__  # type: ignore[attr-defined]


def is_due(session: Session, integration_id: uuid.UUID, now: datetime | None = None) -> bool:
    """True when the integration was never reconciled or not within RECONCILE_EVERY."""
    last = session.connection().execute(
        sa.select(_integrations.c.reconciled_at).where(_integrations.c.id == integration_id)
    )
    reconciled_at = last.scalar_one_or_none()
    return reconciled_at is None or (now or utcnow()) - reconciled_at >= RECONCILE_EVERY


def mark_reconciled(session: Session, integration_id: uuid.UUID, at: datetime) -> None:
    session.connection().execute(
        sa.update(_integrations)
        .where(_integrations.c.id == integration_id)
        .values(reconciled_at=at)
    )


def missing_forms(
    session: Session, integration_id: uuid.UUID, forms: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The listed forms the ledger lacks, holds at an older revision, or must fetch again.

    A ledger row newer than the listing (an event handled after the page was listed) is left
    alone: the listing must not take an order back to an older revision.
    """
    ids = sorted({f["id"] for f in forms if isinstance(f, dict) and isinstance(f.get("id"), str)})
    known = {
        row.checkout_form_id: row
        for row in session.connection().execute(
            sa.select(
                _orders.c.checkout_form_id,
                _orders.c.revision,
                _orders.c.allegro_updated_at,
                _orders.c.fetch_retry_at,
            )
            .where(_orders.c.integration_id == integration_id)
            .where(_orders.c.checkout_form_id.in_(ids))
        )
    }
    return [form for form in forms if _is_missing(form, known)]


def _is_missing(form: Any, known: dict[str, Any]) -> bool:
    key = order_key(form) if isinstance(form, dict) else None
    if key is None:
        return True  # the import holds a form without a usable id for review
    row = known.get(key.checkout_form_id)
    if row is None or row.fetch_retry_at is not None or row.revision is None:
        return True
    if row.revision == key.revision:
        return False
    listed_at, stored_at = key.updated_at, row.allegro_updated_at
    return stored_at is None or listed_at is None or listed_at > stored_at


def log_found(integration_id: uuid.UUID, listed: int, missing: int) -> None:
    level = logging.WARNING if missing else logging.INFO
    logger.log(
        level,
        "reconciliation of %s: %d orders listed, %d missing from the ledger or out of date",
        integration_id,
        listed,
        missing,
    )
