"""The per-minute dispatcher: due integrations are queued once, from the indexed query, in bulk
(through claim jobs that workers run in parallel); the schedule registration is idempotent; runs
whose jobs Redis lost are queued again."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa
from rq.job import Job
from rq.registry import FailedJobRegistry
from sqlmodel import Session, select

from invoicehub.db import get_engine
from invoicehub.integrations.allegro.runs.dispatcher import (
    _CLAIM_DUE,
    CLAIM_INLINE_MAX,
    CLAIM_JOB_FUNC,
    claim_due_syncs,
    dispatch_due_syncs,
    requeue_orphaned_runs,
)
from invoicehub.integrations.allegro.runs.requests import request_sync
from invoicehub.jobs.enqueue import fan_out_sync_runs
from invoicehub.jobs.locks import integration_lock
from invoicehub.jobs.queues import DEFAULT_QUEUE, get_queue
from invoicehub.jobs.schedule import DISPATCHER_JOB_ID, get_scheduler, register_dispatcher
from invoicehub.models import AllegroIntegration, SyncRun
from invoicehub.models.base import utcnow
from invoicehub.redis_conn import get_redis
from tests.factories import make_user
from tests.support.services import analyze
from tests.sync.helpers import connect_seller, drain, run_of


def _due(session: Session, integration_id: uuid.UUID, *, status: str = "active") -> None:
    integration = session.get(AllegroIntegration, integration_id)
    assert integration is not None
    integration.next_sync_at = utcnow() - timedelta(minutes=1)
    integration.status = status
    session.add(integration)
    session.commit()


def _runs(session: Session) -> list[SyncRun]:
    session.expire_all()
    return list(session.exec(select(SyncRun)).all())


def test_dispatcher_queues_each_due_integration_once(session, control):
    due = [connect_seller(session, control, f"due_{i}", orders=3, seed=i) for i in range(3)]
    later = connect_seller(session, control, "later", orders=1)
    disabled = connect_seller(session, control, "disabled", orders=1)
    for seller in due:
        _due(session, seller.integration_id)
    _due(session, disabled.integration_id, status="disabled")
    later_row = session.get(AllegroIntegration, later.integration_id)
    later_row.next_sync_at = utcnow() + timedelta(minutes=30)
    session.add(later_row)
    session.commit()

    assert dispatch_due_syncs()["queued"] == 3
    assert dispatch_due_syncs()["queued"] == 0  # moved on and still queued: never twice
    runs = _runs(session)
    assert {run.integration_id for run in runs} == {s.integration_id for s in due}
    assert all(run.trigger == "scheduled" and run.status == "queued" for run in runs)
    assert get_queue().count == 3
    drain()
    assert {run.status for run in _runs(session)} == {"succeeded"}


def test_a_due_integration_with_an_active_run_gets_no_second_run(session, control):
    seller = connect_seller(session, control, "busy", orders=2)
    manual = request_sync(session, seller.principal, seller.integration_id)
    _due(session, seller.integration_id)
    assert dispatch_due_syncs()["queued"] == 0
    assert [run.id for run in _runs(session)] == [manual.id] and get_queue().count == 1


def test_registering_the_dispatcher_twice_leaves_one_scheduled_job():
    scheduler = get_scheduler()
    first = register_dispatcher(scheduler)
    second = register_dispatcher(get_scheduler())
    assert first.id == second.id == DISPATCHER_JOB_ID
    assert [job.id for job in scheduler.get_jobs()] == [DISPATCHER_JOB_ID]
    assert get_redis().zcard(scheduler.scheduled_jobs_key) == 1
    assert first.meta["cron_string"] == "* * * * *"


def test_a_schedule_entry_whose_job_expired_is_registered_again():
    # The scheduler was stopped longer than the job's result_ttl: the schedule still names the
    # id, the job hash is gone. Restarting must not crash (it did: NoSuchJobError).
    scheduler = get_scheduler()
    register_dispatcher(scheduler)
    get_redis().delete(f"rq:job:{DISPATCHER_JOB_ID}")
    again = register_dispatcher(get_scheduler())
    assert Job.fetch(DISPATCHER_JOB_ID, connection=get_redis()).meta["cron_string"] == "* * * * *"
    assert [job.id for job in scheduler.get_jobs()] == [again.id] == [DISPATCHER_JOB_ID]


def test_the_scheduled_dispatcher_runs_in_a_worker_and_queues_the_due_syncs(session, control):
    seller = connect_seller(session, control, "scheduled", orders=5)
    _due(session, seller.integration_id)
    scheduler = get_scheduler()
    # An earlier tick failed (or its worker was stopped mid-run): listed as failed until now.
    failed = FailedJobRegistry(DEFAULT_QUEUE, connection=get_redis())
    failed.connection.zadd(failed.key, {DISPATCHER_JOB_ID: time.time() + 3600})
    scheduler.enqueue_job(register_dispatcher(scheduler))  # as rq-scheduler does each minute
    assert get_queue(DEFAULT_QUEUE).count == 1
    drain()
    (run,) = _runs(session)
    assert run.status == "succeeded" and run.trigger == "scheduled"
    assert DISPATCHER_JOB_ID in scheduler  # a cron job goes back into the schedule
    assert DISPATCHER_JOB_ID not in failed.get_job_ids()  # the tick that succeeded clears it


def _bulk_due(session: Session, count: int) -> None:
    """`count` active integrations due now (no tokens: their syncs are queued, never run here)."""
    user = make_user(session)
    with get_engine().begin() as conn:
        conn.execute(
            sa.text(
                """
                INSERT INTO allegro_integrations (id, tenant_id, user_id, allegro_user_id,
                    sync_error_count, created_at, updated_at, status, next_sync_at,
                    token_version)
                SELECT gen_random_uuid(), :tenant, :user, 'bulk-' || g, 0, now(), now(),
                       'active', now() - interval '2 minutes', 0
                  FROM generate_series(1, :count) AS g
                """
            ),
            {"tenant": user.tenant_id, "user": user.id, "count": count},
        )
    analyze("allegro_integrations")


def _run_claim_jobs() -> list[dict[str, int]]:
    """Execute the queued claim jobs as a worker would, leaving the sync jobs they queue."""
    queue = get_queue()
    results = []
    for job in queue.get_jobs():
        if job.func_name == CLAIM_JOB_FUNC:
            queue.remove(job.id)
            results.append(claim_due_syncs())
    return results


def _expected_job_ids(session: Session) -> set[str]:
    return {run.job_id for run in _runs(session)}


@pytest.mark.slow
def test_ten_thousand_due_integrations_take_one_quick_tick_and_ten_claim_jobs(session):
    _bulk_due(session, 10_000)
    with get_engine().begin() as conn:
        plan = conn.execute(
            sa.text(f"EXPLAIN {_CLAIM_DUE.text}"), {"limit": 1000, "default_minutes": 60}
        ).scalars()
        assert "ix_allegro_integrations_due" in "\n".join(plan)  # the indexed due query
    result = dispatch_due_syncs()
    assert result["due"] == 10_000 and result["claim_jobs"] == 10
    assert get_queue().count == 10 and not _runs(session)  # nothing claimed by the tick
    assert dispatch_due_syncs()["claim_jobs"] == 0  # the first tick's jobs still wait
    assert _run_claim_jobs() == [{"claimed": 1000, "queued": 1000}] * 10
    assert set(get_queue().get_job_ids()) == _expected_job_ids(session)
    assert get_queue().count == 10_000
    assert dispatch_due_syncs()["due"] == 0  # moved on: never twice


def test_parallel_claim_jobs_never_take_the_same_integration(session):
    _bulk_due(session, 3000)
    assert dispatch_due_syncs()["claim_jobs"] == 3
    for job in get_queue().get_jobs():
        get_queue().remove(job.id)
    with ThreadPoolExecutor(max_workers=4) as pool:  # one more job than there is work
        results = list(pool.map(lambda _: claim_due_syncs(), range(4)))
    assert sum(result["claimed"] for result in results) == 3000
    runs = _runs(session)
    assert len(runs) == 3000 and len({run.integration_id for run in runs}) == 3000
    assert set(get_queue().get_job_ids()) == _expected_job_ids(session)


def test_integrations_of_a_claim_job_redis_lost_are_claimed_after_the_next_tick(session):
    _bulk_due(session, CLAIM_INLINE_MAX)
    assert dispatch_due_syncs()["claim_jobs"] == 1
    get_redis().flushdb()  # the claim job is gone before a worker took it
    assert dispatch_due_syncs()["claim_jobs"] == 1  # still due: sent again
    assert _run_claim_jobs() == [{"claimed": CLAIM_INLINE_MAX, "queued": CLAIM_INLINE_MAX}]
    assert get_queue().count == CLAIM_INLINE_MAX


def test_a_fan_out_job_queued_by_an_earlier_version_queues_only_runs_without_a_job(session):
    _bulk_due(session, 20)
    assert dispatch_due_syncs()["queued"] == 20  # a few: claimed by the tick itself
    refs = [f"{run.id}:{run.integration_id}" for run in _runs(session)]
    get_queue().get_jobs()[0].delete()  # lost, say
    assert fan_out_sync_runs(refs) == {"runs": 20, "queued": 1}
    assert set(get_queue().get_job_ids()) == _expected_job_ids(session)


def test_a_run_whose_job_redis_lost_is_queued_again(session, control):
    seller = connect_seller(session, control, "orphan", orders=4)
    run = request_sync(session, seller.principal, seller.integration_id)
    get_redis().flushdb()  # Redis restarted without its data
    assert requeue_orphaned_runs(grace=timedelta(0)) == 1
    assert Job.exists(run.job_id, connection=get_redis())
    assert requeue_orphaned_runs(grace=timedelta(0)) == 0  # queued again once
    drain()
    assert run_of(session, run.id).status == "succeeded"


def test_a_run_executing_elsewhere_is_not_an_orphan(session, control):
    seller = connect_seller(session, control, "held", orders=1)
    request_sync(session, seller.principal, seller.integration_id)
    get_redis().flushdb()
    with integration_lock(seller.integration_id):
        assert requeue_orphaned_runs(grace=timedelta(0)) == 0
    assert requeue_orphaned_runs(grace=timedelta(0)) == 1


def test_young_runs_are_left_to_the_enqueue_after_commit(session, control):
    seller = connect_seller(session, control, "young", orders=1)
    request_sync(session, seller.principal, seller.integration_id)
    get_redis().flushdb()
    assert requeue_orphaned_runs() == 0
