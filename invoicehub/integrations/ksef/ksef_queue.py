"""Enqueue a company's KSeF sender (queue `ksef`, ids only) once the transaction that queued its
invoices commits. The submission rows, not the queue, are the truth: a lost enqueue is made good
by the next sync (which enqueues the sender of every auto-sending company again)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from rq import Queue
from sqlalchemy import event
from sqlalchemy.orm import Session

from invoicehub.jobs.queues import KSEF_QUEUE, SYNC_FAILURE_TTL, crash_retry, get_queue

logger = logging.getLogger(__name__)
SEND_JOB_FUNC = "invoicehub.integrations.ksef.jobs.run_send"
SEND_JOB_TIMEOUT = 3600
_PENDING = "invoicehub.ksef.pending_companies"
_HOOKED = "invoicehub.ksef.hooked"


def enqueue_sending_after_commit(session: Session, company_ids: Sequence[uuid.UUID]) -> None:
    if not company_ids:
        return
    if not session.info.get(_HOOKED):
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_rollback", lambda s: s.info.pop(_PENDING, None))
        session.info[_HOOKED] = True
    pending = session.info.setdefault(_PENDING, [])
    pending.extend(c for c in company_ids if c not in pending)


def _after_commit(session: Session) -> None:
    ids = session.info.pop(_PENDING, [])
    if not ids:
        return
    try:
        enqueue_sending(ids)
    except Exception:  # the rows stay queued: the next sync or Send enqueues them again
        logger.exception("could not enqueue KSeF sending for %d companies", len(ids))


def enqueue_sending(company_ids: Sequence[uuid.UUID]) -> None:
    """One job per company. Two jobs of one company may meet: the sender's company lock makes
    the second wait and then find nothing left to send."""
    queue = get_queue(KSEF_QUEUE)
    jobs = [
        Queue.prepare_data(
            SEND_JOB_FUNC,
            args=(str(company_id),),
            timeout=SEND_JOB_TIMEOUT,
            failure_ttl=SYNC_FAILURE_TTL,
            retry=crash_retry(),
            description=f"Send invoices of company {company_id} to KSeF",
        )
        for company_id in company_ids
    ]
    with queue.connection.pipeline() as pipe:
        queue.enqueue_many(jobs, pipeline=pipe)
        pipe.execute()
