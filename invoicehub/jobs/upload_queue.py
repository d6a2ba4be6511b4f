"""Enqueue Allegro invoice-upload jobs (ids only) once the transaction that wrote their
`allegro_invoice_uploads` rows commits; the row, not the queue, is the source of truth (the sync's
sweep enqueues uploads left pending)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from rq import Queue
from sqlalchemy import event
from sqlalchemy.orm import Session

from invoicehub.jobs.queues import DEFAULT_QUEUE, SYNC_FAILURE_TTL, crash_retry, get_queue

logger = logging.getLogger(__name__)
UPLOAD_JOB_FUNC = "invoicehub.integrations.allegro.runs.upload_jobs.run_upload"
UPLOAD_JOB_TIMEOUT = 300
_PENDING = "invoicehub.jobs.pending_uploads"
_HOOKED = "invoicehub.jobs.uploads_hooked"


def upload_job_id(upload_id: uuid.UUID) -> str:
    return f"allegro_upload_{upload_id}"


def enqueue_uploads_after_commit(session: Session, upload_ids: Sequence[uuid.UUID]) -> None:
    if not upload_ids:
        return
    if not session.info.get(_HOOKED):
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_rollback", lambda s: s.info.pop(_PENDING, None))
        session.info[_HOOKED] = True
    session.info.setdefault(_PENDING, []).extend(upload_ids)


def _after_commit(session: Session) -> None:
    ids = session.info.pop(_PENDING, [])
    if not ids:
        return
    try:
        enqueue_uploads(ids)
    except Exception:  # the rows stay pending: the next sync's sweep enqueues them
        logger.exception("could not enqueue %d invoice uploads after commit", len(ids))


def enqueue_uploads(upload_ids: Sequence[uuid.UUID]) -> None:
    queue = get_queue(DEFAULT_QUEUE)
    jobs = [
        Queue.prepare_data(
            UPLOAD_JOB_FUNC,
            args=(str(upload_id),),
            job_id=upload_job_id(upload_id),
            timeout=UPLOAD_JOB_TIMEOUT,
            failure_ttl=SYNC_FAILURE_TTL,
            retry=crash_retry(),
            description=f"Attach invoice to its Allegro order (upload {upload_id})",
        )
        for upload_id in upload_ids
    ]
    with queue.connection.pipeline() as pipe:
        queue.enqueue_many(jobs, pipeline=pipe)
        pipe.execute()
