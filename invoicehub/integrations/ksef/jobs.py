"""The KSeF job (queue `ksef`): `run_send(company_id)` sends the company's queued invoices.

KSeF unreachable or rate-limiting: the invoices are `offline` and the job returns an RQ `Retry`
on the sync's schedule (RETRY_INTERVALS, stretched to Retry-After). When the retries are used up
the rows stay offline; the next sync (or the seller's Send) enqueues the sender again.
"""

from __future__ import annotations

import logging
import math
import uuid
from typing import Any

import redis
import sqlalchemy as sa
from rq import Retry, get_current_job
from sqlmodel import Session

from invoicehub.db import get_engine
from invoicehub.integrations.ksef.errors import KsefRateLimited, KsefTransientError
from invoicehub.integrations.ksef.sender import send_company
from invoicehub.integrations.ksef.submissions import queue_after_sync
from invoicehub.jobs.queues import MAX_RETRIES, RETRY_INTERVALS

logger = logging.getLogger(__name__)
TRANSIENT: tuple[type[BaseException], ...] = (
    KsefTransientError,
    KsefRateLimited,
    sa.exc.OperationalError,
    sa.exc.InterfaceError,
    redis.ConnectionError,
)


def run_send(company_id: str) -> Retry | dict[str, Any]:
    try:
        return send_company(uuid.UUID(company_id))
    except TRANSIENT as exc:
        return _retry_later(company_id, exc)


def queue_after_sync_run(tenant_id: str) -> None:
    """After a sync run committed: queue the tenant's new invoices and start its senders."""
    with Session(get_engine()) as session:
        queue_after_sync(session, uuid.UUID(tenant_id))
        session.commit()


def _retry_later(company_id: str, exc: BaseException) -> Retry | dict[str, Any]:
    job = get_current_job()
    done = (job.number_of_retries or 0) if job is not None else MAX_RETRIES
    message = f"{type(exc).__name__}: {exc}"
    if done >= MAX_RETRIES:
        logger.warning("KSeF sending for company %s gave up: %s", company_id, message)
        return {"status": "offline", "error": message[:1000]}
    intervals = list(RETRY_INTERVALS)
    wait = getattr(exc, "retry_after", None) or 0
    intervals[done] = max(intervals[done], math.ceil(wait))
    logger.info("KSeF sending for %s: %s; retry in %d s", company_id, message, intervals[done])
    return Retry(max=MAX_RETRIES, interval=intervals)
