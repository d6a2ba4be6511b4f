"""What follows a sync run that issued invoices, named to RQ by path so the Allegro integration
never imports another integration: the KSeF sender of a tenant whose company sends automatically.

`enqueue_after_sync` runs inside the run's transaction and pushes the job once it commits (the
job queues the invoices that have no KSeF submission yet; a lost push is made good by the next
sync, as the submission rows, not the queue, are the truth).
"""

from __future__ import annotations

import logging
import uuid

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from invoicehub.jobs.queues import KSEF_AFTER_SYNC_FUNC, KSEF_QUEUE, SYNC_FAILURE_TTL, get_queue
from invoicehub.models.ksef import KsefConnection

logger = logging.getLogger(__name__)
_PENDING = "invoicehub.jobs.after_sync_tenants"
_connections: sa.Table = KsefConnection.__table__  # type: ignore[attr-defined]


def enqueue_after_sync(session: Session, tenant_id: uuid.UUID) -> None:
    """Remember to queue the tenant's KSeF sending once `session` commits (only when one of its
    companies sends to KSeF automatically)."""
    sends = session.execute(
        sa.select(_connections.c.id)
        .where(
            _connections.c.tenant_id == tenant_id,
            _connections.c.auto_send.is_(True),
            _connections.c.token_encrypted.is_not(None),
        )
        .limit(1)
    ).first()
    if sends is None:
        return
    if _PENDING not in session.info:
        event.listen(session, "after_commit", _after_commit, once=True)
        event.listen(session, "after_rollback", _after_rollback, once=True)
    session.info.setdefault(_PENDING, set()).add(tenant_id)


def _after_commit(session: Session) -> None:
    tenants = session.info.pop(_PENDING, set())
    try:
        for tenant_id in tenants:
            get_queue(KSEF_QUEUE).enqueue(
                KSEF_AFTER_SYNC_FUNC,
                str(tenant_id),
                failure_ttl=SYNC_FAILURE_TTL,
                description=f"Queue the invoices of tenant {tenant_id} for KSeF",
            )
    except Exception:  # the next sync queues them again
        logger.exception("could not enqueue KSeF sending for %d tenants", len(tenants))


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
