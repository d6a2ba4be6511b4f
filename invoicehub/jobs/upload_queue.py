"""Enqueue Allegro invoice-upload jobs (ids only) once the transaction that wrote their
`allegro_invoice_uploads` rows commits; the row, not the queue, is the source of truth (the sync's
sweep enqueues uploads left pending).

One upload (the seller's Retry, a KSeF acceptance) is one job with the upload's own id; many (a
sync's invoices) go UPLOAD_BATCH to a job: creating thousands of RQ jobs cost the sync seconds,
and a batch job opens the Allegro client once. Each upload is still attempted under its own lock,
and one that meets a transient error continues alone on the single-upload job's retry schedule.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from rq import Queue
from rq.queue import EnqueueData
from sqlalchemy import event
from sqlalchemy.orm import Session

from invoicehub.jobs.queues import DEFAULT_QUEUE, SYNC_FAILURE_TTL, crash_retry, get_queue

logger = logging.getLogger(__name__)
UPLOAD_JOB_FUNC = "invoicehub.integrations.allegro.runs.upload_jobs.run_upload"
UPLOAD_JOB_TIMEOUT = 300
UPLOADS_JOB_FUNC = "invoicehub.integrations.allegro.runs.upload_jobs.run_uploads"
UPLOAD_BATCH = 100  # uploads per batch job: a few seconds of work, spread over the workers
UPLOADS_JOB_TIMEOUT = 1800
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
    if len(upload_ids) == 1:
        jobs = [single_upload_job(upload_ids[0])]
    else:
        jobs = [
            batch_upload_job(upload_ids[start : start + UPLOAD_BATCH])
            for start in range(0, len(upload_ids), UPLOAD_BATCH)
        ]
    queue = get_queue(DEFAULT_QUEUE)
    with queue.connection.pipeline() as pipe:
        queue.enqueue_many(jobs, pipeline=pipe)
        pipe.execute()


def batch_upload_job(upload_ids: Sequence[uuid.UUID]) -> EnqueueData:
    return Queue.prepare_data(
        UPLOADS_JOB_FUNC,
        args=([str(upload_id) for upload_id in upload_ids],),
        timeout=UPLOADS_JOB_TIMEOUT,
        failure_ttl=SYNC_FAILURE_TTL,
        retry=crash_retry(),
        description=f"Attach {len(upload_ids)} invoices to their Allegro orders",
    )


def single_upload_job(upload_id: uuid.UUID) -> EnqueueData:
    return Queue.prepare_data(
        UPLOAD_JOB_FUNC,
        args=(str(upload_id),),
        job_id=upload_job_id(upload_id),
        timeout=UPLOAD_JOB_TIMEOUT,
        failure_ttl=SYNC_FAILURE_TTL,
        retry=crash_retry(),
        description=f"Attach invoice to its Allegro order (upload {upload_id})",
    )


def schedule_upload_retry(upload_id: uuid.UUID, delay: int) -> None:
    """An upload of a batch that met a transient error: its single-upload job, `delay` seconds
    from now, counted as its first retry (so the rest of RETRY_INTERVALS applies as before)."""
    _schedule(single_upload_job(upload_id), delay, retries_done=1)


def schedule_batch(upload_ids: Sequence[uuid.UUID], delay: int) -> None:
    """The rest of a batch Allegro rate-limited: still first attempts, `delay` seconds on."""
    if upload_ids:
        _schedule(batch_upload_job(upload_ids), delay, retries_done=0)


def _schedule(data: EnqueueData, delay: int, retries_done: int) -> None:
    queue = get_queue(DEFAULT_QUEUE)
    job = queue.create_job(
        data.func,
        args=data.args,
        job_id=data.job_id,
        timeout=data.timeout,
        failure_ttl=data.failure_ttl,
        retry=data.retry,
        description=data.description,
    )
    job.number_of_retries = retries_done or None
    queue.schedule_job(job, datetime.now(UTC) + timedelta(seconds=delay))
