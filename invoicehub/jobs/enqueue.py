"""Enqueue sync jobs only after the transaction that wrote their `sync_runs` rows commits.

A job enqueued before its row commits can start, find no row, and vanish; one enqueued in a
transaction that then rolls back runs for nothing. So producers call `enqueue_after_commit`
inside their transaction and the session's `after_commit` hook pushes the jobs, in one Redis
pipeline per ENQUEUE_BATCH. If Redis is down at that moment the run stays `queued` and the
dispatcher's orphan pass enqueues it later: the row, not the queue, is the source of truth.

Fan-out: creating an RQ job costs a fraction of a millisecond of Python (job object, serializer
check, hash), so a dispatcher tick over 10,000 due integrations spent seconds creating jobs. With
`fan_out=True` the producer enqueues one fan-out job per FANOUT_CHUNK runs instead, at the front of
the sync queue; a worker executes it by enqueueing the chunk's sync jobs. The sync job ids stay
deterministic and a fan-out skips runs whose job already exists, so a fan-out delivered twice, or
one that comes after the orphan pass re-queued its runs, queues no run twice.
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
FANOUT_CHUNK = 1000
FANOUT_MIN = 100  # fewer runs than this go straight to the queue: a fan-out would only add a hop
FANOUT_JOB_FUNC = "invoicehub.jobs.enqueue.fan_out_sync_runs"
FANOUT_JOB_TIMEOUT = 300
_PENDING = "invoicehub.jobs.pending_sync_runs"
_PENDING_FANOUT = "invoicehub.jobs.pending_fanout_runs"
_HOOKED = "invoicehub.jobs.after_commit_hooked"

RunRef = tuple[uuid.UUID, uuid.UUID]  # (run id, integration id)


def enqueue_after_commit(session: Session, runs: Sequence[RunRef]) -> None:
    """Remember runs to enqueue once `session` commits (dropped if it rolls back)."""
    _remember(session, _PENDING, runs)


def fan_out_after_commit(session: Session, refs: Sequence[str]) -> None:
    """The same through fan-out jobs (module docstring); refs are `run_id:integration_id`."""
    _remember(session, _PENDING_FANOUT, refs)


def _remember(session: Session, key: str, items: Sequence[object]) -> None:
    if not items:
        return
    if not session.info.get(_HOOKED):
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_rollback", _after_rollback)
        session.info[_HOOKED] = True
    session.info.setdefault(key, []).extend(items)


def _after_commit(session: Session) -> None:
    runs: list[RunRef] = session.info.pop(_PENDING, [])
    refs: list[str] = session.info.pop(_PENDING_FANOUT, [])
    if len(refs) < FANOUT_MIN:
        runs, refs = runs + parse_refs(refs), []
    try:
        if runs:
            enqueue_sync_runs(runs)
        if refs:
            enqueue_fan_outs(refs)
    except Exception:  # the commit stands; the dispatcher's orphan pass enqueues these later
        logger.exception("could not enqueue %d sync runs after commit", len(runs) + len(refs))


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_PENDING_FANOUT, None)


def parse_refs(refs: Sequence[str]) -> list[RunRef]:
    pairs = (ref.split(":") for ref in refs)
    return [(uuid.UUID(run_id), uuid.UUID(integration_id)) for run_id, integration_id in pairs]


def enqueue_fan_outs(refs: Sequence[str]) -> None:
    """One fan-out job per FANOUT_CHUNK runs, at the queue's front: behind a backlog of syncs
    its runs would wait jobless and the orphan pass would take them for lost."""
    queue = get_queue()
    jobs = [
        Queue.prepare_data(
            FANOUT_JOB_FUNC,
            args=(list(refs[start : start + FANOUT_CHUNK]),),
            timeout=FANOUT_JOB_TIMEOUT,
            result_ttl=0,
            failure_ttl=SYNC_FAILURE_TTL,
            retry=crash_retry(),
            description="Queue scheduled Allegro syncs",
            at_front=True,
        )
        for start in range(0, len(refs), FANOUT_CHUNK)
    ]
    with queue.connection.pipeline() as pipe:
        queue.enqueue_many(jobs, pipeline=pipe)
        pipe.execute()


def fan_out_sync_runs(refs: list[str]) -> dict[str, int]:
    """RQ entry point of a fan-out job: enqueue the sync job of each run that has none yet."""
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
