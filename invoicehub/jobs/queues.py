"""RQ queues, job ids and the retry schedule shared by every producer and consumer of jobs."""

from __future__ import annotations

import uuid

from rq import Queue, Retry

from invoicehub.redis_conn import get_redis

SYNC_QUEUE = "sync"
DEFAULT_QUEUE = "default"
KSEF_QUEUE = "ksef"  # sending invoices to KSeF (integrations/ksef/ksef_queue.py)
# After a sync issued invoices: queue them for KSeF (jobs/after_sync.py enqueues it by path).
KSEF_AFTER_SYNC_FUNC = "invoicehub.integrations.ksef.jobs.queue_after_sync_run"
WORKER_QUEUES = (SYNC_QUEUE, DEFAULT_QUEUE, KSEF_QUEUE)

# The seed's retry schedule: seconds before each of the six retries of a failed sync.
RETRY_INTERVALS = (1, 60, 300, 900, 3600, 14400)
MAX_RETRIES = len(RETRY_INTERVALS)
SYNC_JOB_TIMEOUT = 3600  # a first sync of a large account takes minutes, never an hour
SYNC_RESULT_TTL = 24 * 3600
SYNC_FAILURE_TTL = 7 * 24 * 3600
SYNC_JOB_FUNC = "invoicehub.integrations.allegro.runs.jobs.run_sync"
# Job functions by the paths they had before the integrations were split by concern: a job queued
# (or scheduled for a retry) under an old path runs the function's new home.
MOVED_JOB_FUNCS = {
    "invoicehub.jobs.sync_jobs.run_sync": SYNC_JOB_FUNC,
    "invoicehub.jobs.upload_jobs.run_upload": (
        "invoicehub.integrations.allegro.runs.upload_jobs.run_upload"
    ),
    "invoicehub.jobs.dispatcher.dispatch_due_syncs": (
        "invoicehub.integrations.allegro.runs.dispatcher.dispatch_due_syncs"
    ),
}


def get_queue(name: str = SYNC_QUEUE) -> Queue:
    return Queue(name, connection=get_redis())


def sync_job_id(integration_id: uuid.UUID, run_id: uuid.UUID) -> str:
    """Deterministic per run (RQ ids allow letters, digits, `_` and `-` only): re-enqueueing a
    run can never create a second job for it."""
    return f"sync_{integration_id}_{run_id}"


def crash_retry() -> Retry:
    """The retry RQ applies when a worker dies mid-job (the job itself returns `Retry` for
    transient errors, so a raised exception here means the process or its database vanished)."""
    return Retry(max=MAX_RETRIES, interval=list(RETRY_INTERVALS))
