"""The sync job in real RQ (in-process SimpleWorker, real Redis) against the emulator's faults:
retry schedule (scorecard 6), error classes (7), disabling after five failed runs (8)."""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx
import pytest
from rq.job import Job, JobStatus
from rq.results import Result
from sqlmodel import Session, select

from invoicehub.db import get_engine
from invoicehub.domain.plain_errors import PLAIN_ERRORS, FailureKind
from invoicehub.integrations.allegro.runs.jobs import run_sync
from invoicehub.integrations.allegro.runs.requests import SyncNotAllowed, request_sync
from invoicehub.integrations.allegro.sync import pipeline as sync
from invoicehub.jobs.locks import integration_lock
from invoicehub.jobs.queues import get_queue
from invoicehub.models import AllegroIntegration, Notification, SyncRun
from invoicehub.models.base import utcnow
from invoicehub.redis_conn import get_redis
from tests.sync.helpers import connect_seller, drain, promote, run_of, scheduled_delays

ALL_ORDER_CALLS = "/order/*"


def fault(control: httpx.Client, status: int, count: int = 1, **extra: object) -> None:
    body = {"pathPattern": ALL_ORDER_CALLS, "status": status, "count": count, **extra}
    control.post("/__emulator/faults", json=body).raise_for_status()


def integration_of(session: Session, seller) -> AllegroIntegration:
    session.expire_all()
    integration = session.get(AllegroIntegration, seller.integration_id)
    assert integration is not None
    return integration


def admin_notifications(session: Session, kind: str | None) -> list[Notification]:
    session.expire_all()
    query = select(Notification).where(Notification.audience == "admin")
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return list(session.exec(query).all())


def start_run(session: Session, seller) -> SyncRun:
    return request_sync(session, seller.principal, seller.integration_id, enforce_rate_limit=False)


@pytest.fixture
def seller(session, control):
    return connect_seller(session, control, "jobs_seller", orders=12, seed=4)


def test_failing_sync_is_retried_after_1_60_300_900_3600_14400_s_then_fails_once(
    session, control, seller
):
    """Scorecard 6: RQ's own retry schedule; the exhausted run counts one failure."""
    fault(control, 503, count=1000)
    run = start_run(session, seller)
    asked, scheduled = [], []
    for retry in range(6):
        drain(promote_scheduled=False)
        assert run_of(session, run.id).status == "retrying"
        (delay,) = scheduled_delays().values()  # RQ stores whole seconds
        job = Job.fetch(run_of(session, run.id).job_id, connection=get_redis())
        result = job.latest_result()
        assert result is not None and result.type == Result.Type.RETRIED
        asked.append(result.return_value.intervals[retry])
        scheduled.append(delay)
        promote()
    drain(promote_scheduled=False)
    expected = [1, 60, 300, 900, 3600, 14400]
    assert asked == expected
    assert all(e - 1 < d <= e + 1 for d, e in zip(scheduled, expected, strict=True)), scheduled
    run = run_of(session, run.id)
    assert run.status == "failed" and run.attempts == 7 and "gave up after 6 retries" in run.error
    assert scheduled_delays() == {}
    job = Job.fetch(run.job_id, connection=get_redis())
    assert job.get_status() == JobStatus.FAILED
    integration = integration_of(session, seller)
    assert integration.sync_error_count == 1 and "503" in integration.last_sync_error
    assert integration.status == "active"
    assert len(admin_notifications(session, "allegro.sync_failed")) == 1


def test_rate_limit_waits_the_longer_retry_after(session, control, seller):
    """Scorecard 7: a 429 asking for 120 s is retried after 120 s, not the scheduled 1 s."""
    fault(control, 429, retryAfter=120)
    run = start_run(session, seller)
    drain(promote_scheduled=False)
    (delay,) = scheduled_delays().values()
    assert 119 < delay <= 121 and run_of(session, run.id).status == "retrying"
    promote()
    drain()
    assert run_of(session, run.id).status == "succeeded"


def test_short_retry_after_is_waited_out_inline(session, control, seller):
    fault(control, 429, retryAfter=1)
    run = start_run(session, seller)
    drain(promote_scheduled=False)
    run = run_of(session, run.id)
    assert run.status == "succeeded" and run.attempts == 1 and scheduled_delays() == {}


def test_server_errors_are_retried(session, control, seller):
    fault(control, 500)
    run = start_run(session, seller)
    drain(promote_scheduled=False)
    assert run_of(session, run.id).status == "retrying"
    assert 0 < next(iter(scheduled_delays().values())) <= 2
    promote()
    drain()
    run = run_of(session, run.id)
    assert run.status == "succeeded" and run.attempts == 2 and run.error is None
    assert integration_of(session, seller).sync_error_count == 0


def test_timeouts_are_retried(session, control, seller, monkeypatch):
    monkeypatch.setattr(sync, "HTTP_TIMEOUT", httpx.Timeout(0.5))
    control.post(
        "/__emulator/faults",
        json={"pathPattern": ALL_ORDER_CALLS, "delayMs": 1500, "count": 1},
    ).raise_for_status()
    run = start_run(session, seller)
    drain(promote_scheduled=False)
    assert "timed out" in run_of(session, run.id).error
    promote()
    drain()
    assert run_of(session, run.id).status == "succeeded"


def test_bad_request_fails_the_run_without_retry(session, control, seller):
    fault(control, 400)
    run = start_run(session, seller)
    drain(promote_scheduled=False)
    run = run_of(session, run.id)
    assert run.status == "failed" and run.attempts == 1 and "BadRequest" in run.error
    assert scheduled_delays() == {}
    assert integration_of(session, seller).sync_error_count == 1


def test_refused_refresh_token_sets_needs_reauth_without_retry(session, control, seller):
    integration = integration_of(session, seller)
    integration.token_expires_at = utcnow() + timedelta(minutes=10)  # due for a refresh
    session.add(integration)
    session.commit()
    control.post(f"/__emulator/sellers/{seller.login}/revoke").raise_for_status()
    run = start_run(session, seller)
    drain(promote_scheduled=False)
    run = run_of(session, run.id)
    assert run.status == "failed" and run.error.startswith("re-authorisation needed")
    assert scheduled_delays() == {}
    integration = integration_of(session, seller)
    # Issue 13: the refused run is a failed sync, so "failed syncs in a row" is 1, not 0.
    assert integration.status == "needs_reauth" and integration.sync_error_count == 1
    assert len(admin_notifications(session, "allegro.needs_reauth")) == 1


def test_revoked_token_tells_the_seller_in_plain_words_and_the_admin_in_detail(
    session, control, seller
):
    control.post(f"/__emulator/sellers/{seller.login}/revoke").raise_for_status()
    start_run(session, seller)
    drain(promote_scheduled=False)
    (admin,) = admin_notifications(session, "allegro.needs_reauth")
    (own,) = session.exec(
        select(Notification).where(
            Notification.audience == "user", Notification.kind == "allegro.needs_reauth"
        )
    ).all()
    assert "AuthError" in admin.body and "401" in admin.body
    assert own.body == PLAIN_ERRORS[FailureKind.AUTH_REVOKED].text
    assert integration_of(session, seller).sync_error_count == 1


def test_revoked_access_token_sets_needs_reauth_without_retry(session, control, seller):
    control.post(f"/__emulator/sellers/{seller.login}/revoke").raise_for_status()
    run = start_run(session, seller)
    drain(promote_scheduled=False)
    assert run_of(session, run.id).status == "failed" and scheduled_delays() == {}
    assert integration_of(session, seller).status == "needs_reauth"


def test_fifth_consecutive_failed_run_disables_the_integration_with_one_notification(
    session, control, seller
):
    """Scorecard 8: one admin notification per failure streak (the first failure adds it, the
    disable turns it into the disable, unread again)."""
    for attempt in range(1, 6):
        assert integration_of(session, seller).status == "active", attempt
        fault(control, 400)
        run = start_run(session, seller)
        drain()
        assert run_of(session, run.id).status == "failed"
        assert integration_of(session, seller).sync_error_count == attempt
        if attempt == 1:
            (first,) = admin_notifications(session, None)
            assert first.kind == "allegro.sync_failed"
            first.read_at = utcnow()  # the admin read it
            session.add(first)
            session.commit()
        if attempt < 5:
            assert len(admin_notifications(session, None)) == 1
    integration = integration_of(session, seller)
    assert integration.status == "disabled" and integration.is_active is False
    assert integration.next_sync_at is None
    assert len(admin_notifications(session, "allegro.disabled")) == 1
    assert len(admin_notifications(session, "allegro.sync_failed")) == 0
    (told,) = admin_notifications(session, None)  # the streak's one notification
    assert told.read_at is None and "disabled after 5 failed syncs" in told.title
    with pytest.raises(SyncNotAllowed):
        start_run(session, seller)


def test_a_successful_run_resets_the_failure_count(session, control, seller):
    for _ in range(4):
        fault(control, 400)
        start_run(session, seller)
        drain()
    assert integration_of(session, seller).sync_error_count == 4
    start_run(session, seller)
    drain()
    integration = integration_of(session, seller)
    assert integration.sync_error_count == 0 and integration.last_sync_error is None
    fault(control, 400)
    start_run(session, seller)
    drain()
    integration = integration_of(session, seller)
    assert integration.sync_error_count == 1 and integration.status == "active"
    # the success ended the first streak: the new one has its own notification
    assert len(admin_notifications(session, "allegro.sync_failed")) == 2


def test_concurrent_requests_queue_one_run_and_one_job(session, seller):
    barrier = threading.Barrier(10)
    runs: list[SyncRun] = []

    def requester() -> None:
        with Session(get_engine(), expire_on_commit=False) as own:
            barrier.wait()
            runs.append(start_run(own, seller))

    threads = [threading.Thread(target=requester) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(runs) == 10 and len({run.id for run in runs}) == 1
    assert get_queue().count == 1
    assert len(session.exec(select(SyncRun)).all()) == 1


def test_a_job_delivered_twice_does_not_run_while_the_first_holds_the_lock(session, seller):
    run = start_run(session, seller)
    with integration_lock(seller.integration_id) as held:
        assert held
        result = run_sync(str(run.id))
    assert result["status"] == "ignored" and run_of(session, run.id).status == "queued"
    assert run_sync(str(run.id))["status"] == "succeeded"
    assert run_sync(str(run.id))["status"] == "ignored"  # a finished run never runs again


def test_a_run_of_an_integration_disabled_meanwhile_fails_and_leaves_it_disabled(session, seller):
    run = start_run(session, seller)
    integration = integration_of(session, seller)
    integration.status = "disabled"
    session.add(integration)
    session.commit()
    drain()
    run = run_of(session, run.id)
    assert run.status == "failed" and run.error == "the integration is disabled"
    integration = integration_of(session, seller)
    assert integration.status == "disabled" and integration.sync_error_count == 0


def test_a_token_replaced_during_the_sync_is_retried_not_a_reauth(session, seller, monkeypatch):
    """Another process refreshed the pair (killing our access token): retry with the new one."""
    calls = []
    real_refresh = sync.refresh_token_if_needed

    def stale_first(integration_id):
        calls.append(integration_id)
        token = real_refresh(integration_id)
        return "stale-token" if len(calls) == 1 else token  # read just before a refresh

    monkeypatch.setattr(sync, "refresh_token_if_needed", stale_first)
    run = start_run(session, seller)
    drain(promote_scheduled=False)
    assert run_of(session, run.id).status == "retrying"
    assert "replaced during the sync" in run_of(session, run.id).error
    promote()
    drain()
    assert run_of(session, run.id).status == "succeeded"
    assert integration_of(session, seller).status == "active"
