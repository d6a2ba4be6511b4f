"""The per-minute dispatcher: queue the syncs that are due, and re-queue runs the queue lost.

The tick itself only counts: due integrations come from the partial index
`ix_allegro_integrations_due` (next_sync_at where status = 'active'), and for every DISPATCH_BATCH
of them one claim job goes to the front of the sync queue. A claim job (any worker, on any
machine) takes DISPATCH_BATCH due integrations in one transaction: one statement locks them (SKIP
LOCKED, so parallel claim jobs, a manual sync or a second dispatcher never wait on each other and
never take the same row) and moves their next_sync_at on, a second one inserts a queued run for
each that has no active run, and after the commit their sync jobs are enqueued. The active-run
check runs after the locks are granted, so it sees every run committed before: a sync is never
queued twice. Nothing is claimed before a worker does it, so a claim job Redis lost leaves its
integrations due and the next tick sends another; while earlier claim jobs still wait, a tick adds
none (they claim whatever is due when they run). A handful of due integrations (< CLAIM_INLINE_MAX)
is claimed by the tick itself: one hop less.

The row work (10,000 updates and 10,000 inserts, ~300 ms on 2 cores) used to run inside the tick;
spread over claim jobs it runs on every worker in parallel, and the single scheduler only counts.

Orphans: a run still active in the database whose job Redis no longer has (Redis restarted, an
enqueue failed after commit) and that no worker holds the lock of is enqueued again.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from rq import Queue, get_current_job
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry

from invoicehub.db import session_scope
from invoicehub.integrations.allegro.preferences import DEFAULT_SYNC_FREQUENCY, stored_key
from invoicehub.integrations.allegro.runs.outcomes import ACTIVE_STATUSES
from invoicehub.jobs.enqueue import RunRef, enqueue_after_commit, enqueue_sync_runs, parse_refs
from invoicehub.jobs.locks import held_lock_keys, lock_key
from invoicehub.jobs.queues import SYNC_FAILURE_TTL, get_queue, sync_job_id
from invoicehub.liveness import record_dispatch_tick
from invoicehub.models import SyncRun
from invoicehub.models.allegro import SCHEDULED_TRIGGER
from invoicehub.redis_conn import get_redis

logger = logging.getLogger(__name__)

DISPATCH_BATCH = 1000
CLAIM_INLINE_MAX = 100  # fewer due integrations than this are claimed by the tick itself
CLAIM_JOB_FUNC = "invoicehub.integrations.allegro.runs.dispatcher.claim_due_syncs"
CLAIM_JOB_TIMEOUT = 300
MAX_CLAIM_JOBS = 1000  # one tick counts up to 1,000,000 due integrations
_CLAIM_JOBS_KEY = "invoicehub:dispatch:claim_jobs"  # the ids of the last tick's claim jobs
_WAITING = {JobStatus.QUEUED.value, JobStatus.DEFERRED.value, JobStatus.SCHEDULED.value}
ORPHAN_GRACE = timedelta(minutes=2)
ORPHAN_SCAN_LIMIT = 5000
DEFAULT_FREQUENCY_MINUTES = DEFAULT_SYNC_FREQUENCY.value
_DEAD_JOB_STATUSES = {
    JobStatus.FINISHED.value,
    JobStatus.FAILED.value,
    JobStatus.STOPPED.value,
    JobStatus.CANCELED.value,
}
_runs: sa.Table = SyncRun.__table__  # type: ignore[attr-defined]

_COUNT_DUE = sa.text(
    """
    SELECT count(*) FROM (SELECT 1 FROM allegro_integrations
                           WHERE status = 'active' AND next_sync_at <= now()  -- lifecycle.may_sync
                           LIMIT :cap) AS due
    """
)
# The claim reads the frequency from the stored JSON by its key: the camelCase alias of
# AllegroSettings.sync_frequency_minutes (tests/unit/test_rules_once.py checks they agree).
FREQUENCY_KEY = stored_key("sync_frequency_minutes")
# The claimed ids travel as two array literals and the new runs come back as one string: per-row
# values parsed and dumped in Python (UUID objects, array adaptation) cost more than the SQL.
_CLAIM_DUE = sa.text(
    """
    WITH due AS (
        SELECT id FROM allegro_integrations
         WHERE status = 'active' AND next_sync_at <= now()  -- lifecycle.may_sync, in SQL
         ORDER BY next_sync_at
         LIMIT :limit
         FOR NO KEY UPDATE SKIP LOCKED
    ), claimed AS (
        UPDATE allegro_integrations AS i
           SET next_sync_at = now() + make_interval(mins => COALESCE(
                   CASE WHEN i.settings ->> 'syncFrequencyMinutes' ~ '^[0-9]{1,5}$'
                        THEN (i.settings ->> 'syncFrequencyMinutes')::int END,
                   :default_minutes))
          FROM due
         WHERE i.id = due.id
        RETURNING i.id, i.tenant_id
    )
    SELECT count(*), array_agg(id)::text, array_agg(tenant_id)::text FROM claimed
    """
)
_INSERT_RUNS = sa.text(
    """
    WITH inserted AS (
        INSERT INTO sync_runs (id, tenant_id, integration_id, trigger, status, attempts, job_id,
                               queued_at, orders_fetched, invoices_created, customers_created,
                               products_created, skipped, needs_review)
        SELECT x.run_id, x.tenant_id, x.integration_id, :trigger, 'queued', 0,
               'sync_' || x.integration_id || '_' || x.run_id, now(), 0, 0, 0, 0, 0, 0
          FROM (SELECT gen_random_uuid() AS run_id, u.tenant_id, u.integration_id
                  FROM unnest(CAST(:tenant_ids AS uuid[]), CAST(:integration_ids AS uuid[]))
                       AS u(tenant_id, integration_id)) AS x
         WHERE NOT EXISTS (SELECT 1 FROM sync_runs AS r
                            WHERE r.integration_id = x.integration_id
                              AND r.status IN ('queued', 'running', 'retrying'))
        RETURNING id, integration_id
    )
    SELECT count(*), string_agg(id || ':' || integration_id, ',') FROM inserted
    """
)


def dispatch_due_syncs() -> dict[str, int]:
    """The scheduled job: count what is due and send the claim jobs, then recover orphaned runs."""
    record_dispatch_tick(get_redis())  # the scheduler's liveness (see invoicehub/liveness.py)
    due = count_due()
    queued = claim_jobs = 0
    if 0 < due < CLAIM_INLINE_MAX:
        queued = queue_due_batch(DISPATCH_BATCH)[1]
    elif due:
        claim_jobs = enqueue_claim_jobs(-(-due // DISPATCH_BATCH))
    requeued = requeue_orphaned_runs()
    if queued or claim_jobs or requeued:
        logger.info(
            "dispatcher: %d due, %d queued, %d claim jobs, %d re-queued",
            due,
            queued,
            claim_jobs,
            requeued,
        )
    _forget_earlier_failure()
    return {"due": due, "queued": queued, "claim_jobs": claim_jobs, "requeued": requeued}


def count_due() -> int:
    with session_scope() as session:
        cap = MAX_CLAIM_JOBS * DISPATCH_BATCH
        return int(session.connection().execute(_COUNT_DUE, {"cap": cap}).scalar_one())


def enqueue_claim_jobs(count: int) -> int:
    """`count` claim jobs at the front of the sync queue (behind a backlog of syncs the due
    integrations would wait a whole backlog), unless the last tick's are still waiting."""
    queue = get_queue()
    redis = queue.connection
    stored: list[bytes] = redis.lrange(_CLAIM_JOBS_KEY, 0, -1)  # type: ignore[assignment]
    earlier = [job_id.decode() for job_id in stored]
    if earlier and _waiting(redis, earlier):
        return 0
    jobs = [
        Queue.prepare_data(
            CLAIM_JOB_FUNC,
            timeout=CLAIM_JOB_TIMEOUT,
            result_ttl=0,
            failure_ttl=SYNC_FAILURE_TTL,
            description="Claim due Allegro syncs and queue them",
            at_front=True,
        )
        for _ in range(min(count, MAX_CLAIM_JOBS))
    ]
    with redis.pipeline() as pipe:
        enqueued = queue.enqueue_many(jobs, pipeline=pipe)
        pipe.delete(_CLAIM_JOBS_KEY)
        pipe.rpush(_CLAIM_JOBS_KEY, *[job.id for job in enqueued])
        pipe.expire(_CLAIM_JOBS_KEY, CLAIM_JOB_TIMEOUT * 12)
        pipe.execute()
    return len(enqueued)


def _waiting(redis: Any, job_ids: list[str]) -> bool:
    pipe = redis.pipeline(transaction=False)
    for job_id in job_ids:
        pipe.hget(Job.key_for(job_id), "status")
    return any(status is not None and status.decode() in _WAITING for status in pipe.execute())


def claim_due_syncs() -> dict[str, int]:
    """RQ entry point of a claim job: one batch of due integrations, their runs and sync jobs."""
    claimed, queued = queue_due_batch(DISPATCH_BATCH)
    return {"claimed": claimed, "queued": queued}


def _forget_earlier_failure() -> None:
    """The dispatcher keeps one job id: a tick that failed (or whose worker was stopped) would
    stay in the queue's failed list, and on the dashboards, after every later tick succeeded."""
    job = get_current_job()
    if job is not None:
        FailedJobRegistry(job.origin, connection=job.connection).remove(job.id)


def queue_due_batch(limit: int) -> tuple[int, int]:
    """One batch in one transaction: (due integrations claimed, runs created)."""
    with session_scope() as session:
        conn = session.connection()
        params = {"limit": limit, "default_minutes": DEFAULT_FREQUENCY_MINUTES}
        due, integration_ids, tenant_ids = conn.execute(_CLAIM_DUE, params).one()
        if not due:
            return 0, 0
        created, refs = conn.execute(
            _INSERT_RUNS,
            {
                "tenant_ids": tenant_ids,
                "integration_ids": integration_ids,
                "trigger": SCHEDULED_TRIGGER,
            },
        ).one()
        if created:
            enqueue_after_commit(session, parse_refs(refs.split(",")))
    return due, created


def requeue_orphaned_runs(grace: timedelta = ORPHAN_GRACE) -> int:
    """Enqueue again the active runs older than `grace` that no job and no worker carries."""
    with session_scope() as session:
        rows = session.connection().execute(
            sa.select(_runs.c.id, _runs.c.integration_id)
            .where(
                _runs.c.status.in_(ACTIVE_STATUSES),
                _runs.c.queued_at < sa.func.now() - grace,
            )
            .order_by(_runs.c.queued_at)
            .limit(ORPHAN_SCAN_LIMIT)
        )
        candidates: list[RunRef] = [(row.id, row.integration_id) for row in rows]
    if not candidates:
        return 0
    held = held_lock_keys()
    candidates = [ref for ref in candidates if lock_key(ref[1]) not in held]
    orphans = [
        ref
        for ref, status in zip(candidates, _job_statuses(candidates), strict=True)
        if status is None or status in _DEAD_JOB_STATUSES
    ]
    if orphans:
        logger.warning("re-queueing %d sync runs whose jobs were lost", len(orphans))
        enqueue_sync_runs(orphans)
    return len(orphans)


def _job_statuses(runs: list[RunRef]) -> list[str | None]:
    pipe = get_redis().pipeline(transaction=False)
    for run_id, integration_id in runs:
        pipe.hget(Job.key_for(sync_job_id(integration_id, run_id)), "status")
    values: list[Any] = pipe.execute()
    return [value.decode() if value is not None else None for value in values]
