"""Enqueue sync jobs only after the transaction that wrote their `sync_runs` rows commits.

A job enqueued before its row commits can start, find no row, and vanish; one enqueued in a
transaction that then rolls back runs for nothing. So producers call `enqueue_after_commit`
inside their transaction and the session's `after_commit` hook pushes the jobs, in one Redis
pipeline per ENQUEUE_BATCH. If Redis is down at that moment the run stays `queued` and the
dispatcher's orphan pass enqueues it later: the row, not the queue, is the source of truth.

Bulk: a dispatcher claim job creates up to 1,000 runs; their jobs go to Redis in one pipeline
per ENQUEUE_BATCH (`Queue.enqueue_many`), and the sync job ids are deterministic, so a run is never
queued twice however often it is re-enqueued.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from rq import Queue
from rq.job import Job
from sqlalchemy import event
from sqlalchemy.orm import Session

from invoicehub.jobs.queues import (
    SYNC_FAILURE_TTL,
    SYNC_JOB_FUNC,
    SYNC_JOB_TIMEOUT,
    SYNC_RESULT_TTL,
    crash_retry,
    get_queue,
    sync_job_id,
)

logger = logging.getLogger(__name__)
ENQUEUE_BATCH = 1000
_PENDING = "invoicehub.jobs.pending_sync_runs"
_HOOKED = "invoicehub.jobs.after_commit_hooked"

RunRef = tuple[uuid.UUID, uuid.UUID]  # (run id, integration id)


def enqueue_after_commit(session: Session, runs: Sequence[RunRef]) -> None:
    """Remember runs to enqueue once `session` commits (dropped if it rolls back)."""
    if not runs:
        return
    if not session.info.get(_HOOKED):
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_rollback", _after_rollback)
        session.info[_HOOKED] = True
    session.info.setdefault(_PENDING, []).extend(runs)


def _after_commit(session: Session) -> None:
    runs: list[RunRef] = session.info.pop(_PENDING, [])
    try:
        if runs:
            enqueue_sync_runs(runs)
    except Exception:  # the commit stands; the dispatcher's orphan pass enqueues these later
        logger.exception("could not enqueue %d sync runs after commit", len(runs))


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def parse_refs(refs: Sequence[str]) -> list[RunRef]:
    """`run_id:integration_id` strings (as SQL aggregates them) as run references."""
    pairs = (ref.split(":") for ref in refs)
    return [(uuid.UUID(run_id), uuid.UUID(integration_id)) for run_id, integration_id in pairs]


def fan_out_sync_runs(refs: list[str]) -> dict[str, int]:
    """Entry point of the fan-out jobs earlier versions queued (a deployment may find some in
    Redis): enqueue the sync job of each run that has none yet."""
    queued = enqueue_sync_runs(parse_refs(refs), skip_existing=True)
    return {"runs": len(refs), "queued": queued}


def enqueue_sync_runs(runs: Sequence[RunRef], *, skip_existing: bool = False) -> int:
    """Push one job per run (ids only: the job re-reads everything from the database); with
    `skip_existing`, not for runs whose job Redis already holds. Returns the jobs pushed."""
    queue = get_queue()
    pushed = 0
    for start in range(0, len(runs), ENQUEUE_BATCH):
        batch = runs[start : start + ENQUEUE_BATCH]
        if skip_existing:
            batch = _without_jobs(queue, batch)
        jobs = [
            Queue.prepare_data(
                SYNC_JOB_FUNC,
                args=(str(run_id),),
                job_id=sync_job_id(integration_id, run_id),
                timeout=SYNC_JOB_TIMEOUT,
                result_ttl=SYNC_RESULT_TTL,
                failure_ttl=SYNC_FAILURE_TTL,
                retry=crash_retry(),
                description=f"Allegro sync of integration {integration_id} (run {run_id})",
            )
            for run_id, integration_id in batch
        ]
        if not jobs:
            continue
        with queue.connection.pipeline() as pipe:
            queue.enqueue_many(jobs, pipeline=pipe)
            pipe.execute()
        pushed += len(jobs)
    return pushed


def _without_jobs(queue: Queue, runs: Sequence[RunRef]) -> Sequence[RunRef]:
    pipe = queue.connection.pipeline(transaction=False)
    for run_id, integration_id in runs:
        pipe.exists(Job.key_for(sync_job_id(integration_id, run_id)))
    found = pipe.execute()
    return [ref for ref, exists in zip(runs, found, strict=True) if not exists]
