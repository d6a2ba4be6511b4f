"""The per-minute dispatcher: due integrations are queued once, from the indexed query, in bulk
(through fan-out jobs a worker expands); the schedule registration is idempotent; runs whose jobs
Redis lost are queued again."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from rq.job import Job
from rq.registry import FailedJobRegistry
from sqlmodel import Session, select

from invoicehub.db import get_engine
from invoicehub.integrations.allegro.runs.dispatcher import (
    _CLAIM_DUE,
    dispatch_due_syncs,
    requeue_orphaned_runs,
)
from invoicehub.integrations.allegro.runs.requests import request_sync
from invoicehub.jobs.enqueue import FANOUT_JOB_FUNC, FANOUT_MIN, fan_out_sync_runs
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


def _run_fan_outs(*, twice: bool = False) -> None:
    """Execute the queued fan-out jobs as a worker would (optionally each one twice, as after a
    redelivery), leaving the sync jobs they queue."""
    queue = get_queue()
    for job in queue.get_jobs():
        if job.func_name == FANOUT_JOB_FUNC:
            queue.remove(job.id)
            for _ in range(2 if twice else 1):
                fan_out_sync_runs(*job.args)


def _expected_job_ids(session: Session) -> set[str]:
    return {run.job_id for run in _runs(session)}


@pytest.mark.slow
def test_ten_thousand_due_integrations_are_queued_in_one_quick_tick_from_the_index(session):
    _bulk_due(session, 10_000)
    with get_engine().begin() as conn:
        plan = conn.execute(
            sa.text(f"EXPLAIN {_CLAIM_DUE.text}"), {"limit": 1000, "default_minutes": 60}
        ).scalars()
        assert "ix_allegro_integrations_due" in "\n".join(plan)  # the indexed due query
    result = dispatch_due_syncs()
    assert result["queued"] == 10_000 and get_queue().count == 10  # one fan-out per 1,000
    assert session.exec(sa.select(sa.func.count(SyncRun.id))).one()[0] == 10_000
    assert dispatch_due_syncs()["queued"] == 0
    _run_fan_outs()
    assert set(get_queue().get_job_ids()) == _expected_job_ids(session)
    assert get_queue().count == 10_000


def test_a_fan_out_delivered_twice_queues_each_run_once(session):
    _bulk_due(session, FANOUT_MIN + 50)
    assert dispatch_due_syncs()["queued"] == FANOUT_MIN + 50
    (fan_out,) = get_queue().get_jobs()
    assert fan_out.func_name == FANOUT_JOB_FUNC
    _run_fan_outs(twice=True)
    job_ids = get_queue().get_job_ids()
    assert len(job_ids) == FANOUT_MIN + 50 and set(job_ids) == _expected_job_ids(session)


def test_runs_of_a_fan_out_that_redis_lost_are_queued_again(session):
    _bulk_due(session, FANOUT_MIN)
    dispatch_due_syncs()
    get_redis().flushdb()  # the fan-out job is gone before a worker took it
    assert requeue_orphaned_runs(grace=timedelta(0)) == FANOUT_MIN
    assert set(get_queue().get_job_ids()) == _expected_job_ids(session)
    assert requeue_orphaned_runs(grace=timedelta(0)) == 0


def test_a_fan_out_skips_a_run_the_orphan_pass_queued_first(session):
    _bulk_due(session, FANOUT_MIN)
    dispatch_due_syncs()
    (fan_out,) = get_queue().get_jobs()
    get_queue().remove(fan_out.id)  # waiting somewhere: the orphan pass got there first
    assert requeue_orphaned_runs(grace=timedelta(0)) == FANOUT_MIN
    assert fan_out_sync_runs(*fan_out.args) == {"runs": FANOUT_MIN, "queued": 0}
    assert get_queue().count == FANOUT_MIN


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
