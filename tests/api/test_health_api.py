"""GET /health: 200 while PostgreSQL and Redis answer, else 503 (Retry-After); worker liveness,
and the scheduler's from its last dispatcher tick; cached for a few seconds. GET /health/live:
no I/O. A stalled Redis makes the API answer 503 at once instead of hanging."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rq import Worker
from rq_scheduler import Scheduler

from invoicehub.api.routes.health import HEALTHY, reset_health_cache
from invoicehub.api.unavailable import RETRY_AFTER_SECONDS
from invoicehub.db import reset_engine
from invoicehub.integrations.allegro.runs.dispatcher import dispatch_due_syncs
from invoicehub.jobs.queues import WORKER_QUEUES
from invoicehub.liveness import DISPATCH_STALE_AFTER_SECONDS, record_dispatch_tick
from invoicehub.redis_conn import get_redis, reset_redis
from invoicehub.settings import get_settings
from tests.support.services import free_port


@pytest.fixture
def worker() -> Iterator[Worker]:
    live = Worker(list(WORKER_QUEUES), connection=get_redis(), name="health-test-worker")
    live.register_birth()
    yield live
    live.register_death()


@pytest.fixture(autouse=True)
def fresh_health() -> Iterator[None]:
    """Each call below is a new deep check, as after HEALTH_CACHE_SECONDS."""
    reset_health_cache()
    yield
    reset_health_cache()


@pytest.fixture
def scheduler() -> Iterator[Scheduler]:
    """rq-scheduler registered and its dispatcher having just ticked."""
    live = Scheduler(connection=get_redis(), interval=5)
    live.register_birth()
    record_dispatch_tick(get_redis())
    yield live
    live.register_death()


def _point_at_a_closed_port(monkeypatch: pytest.MonkeyPatch, variable: str, url: str) -> None:
    monkeypatch.setenv(variable, url)
    get_settings.cache_clear()
    reset_engine()
    reset_redis()


@pytest.fixture
def restore_services() -> Iterator[None]:
    yield
    get_settings.cache_clear()  # monkeypatch has put the environment back by now
    reset_engine()
    reset_redis()


def test_everything_up_is_ok(api: TestClient, worker, scheduler):
    response = api.get("/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "up",
        "redis": "up",
        "worker": "up",
        "scheduler": "up",
    }


def test_no_worker_or_scheduler_is_degraded_but_still_200(api: TestClient):
    response = api.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["worker"] == response.json()["scheduler"] == "down"


def test_a_scheduler_whose_last_dispatch_is_older_than_three_minutes_is_down(
    api: TestClient, worker, scheduler
):
    stale = time.time() - DISPATCH_STALE_AFTER_SECONDS - 1
    record_dispatch_tick(get_redis(), now=stale)
    body = api.get("/health").json()
    assert body["scheduler"] == "down" and body["status"] == "degraded"


def test_the_scheduler_is_up_while_it_dispatches_though_its_instance_key_expired(
    api: TestClient, worker, scheduler
):
    """A Redis stall longer than rq-scheduler's key TTL deletes the key; nothing recreates it."""
    for key in get_redis().scan_iter("rq:scheduler_instance:*"):
        get_redis().delete(key)
    assert api.get("/health").json()["scheduler"] == "up"


def test_a_dispatcher_tick_is_what_makes_the_scheduler_up(api: TestClient, worker):
    assert api.get("/health").json()["scheduler"] == "down"
    dispatch_due_syncs()  # the job rq-scheduler enqueues every minute
    reset_health_cache()
    assert api.get("/health").json() == {**HEALTHY}


def test_the_deep_check_is_reused_for_a_few_seconds(api: TestClient, worker):
    first = api.get("/health").json()
    record_dispatch_tick(get_redis())
    assert first["scheduler"] == "down"
    assert api.get("/health").json() == first  # within HEALTH_CACHE_SECONDS: not recomputed
    reset_health_cache()
    assert api.get("/health").json()["scheduler"] == "up"


def test_live_answers_with_the_database_and_redis_unreachable(
    api: TestClient, monkeypatch: pytest.MonkeyPatch, restore_services
):
    _point_at_a_closed_port(
        monkeypatch, "INVOICEHUB_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0"
    )
    _point_at_a_closed_port(
        monkeypatch,
        "INVOICEHUB_DATABASE_URL",
        f"postgresql+psycopg://nobody:x@127.0.0.1:{free_port()}/nothing",
    )
    response = api.get("/health/live")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_database_down_is_503(
    api: TestClient, monkeypatch: pytest.MonkeyPatch, restore_services, worker
):
    port = free_port()
    _point_at_a_closed_port(
        monkeypatch,
        "INVOICEHUB_DATABASE_URL",
        f"postgresql+psycopg://invoicehub:secret-pw@127.0.0.1:{port}/nothing",
    )
    response = api.get("/health")
    assert response.status_code == 503
    assert response.json()["status"] == "down" and response.json()["database"] == "down"
    assert response.json()["redis"] == "up"
    assert "secret-pw" not in response.text and str(port) not in response.text


def test_redis_down_is_503(api: TestClient, monkeypatch: pytest.MonkeyPatch, restore_services):
    _point_at_a_closed_port(
        monkeypatch, "INVOICEHUB_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0"
    )
    response = api.get("/health")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json() == {
        "status": "down",
        "database": "up",
        "redis": "down",
        "worker": "down",
        "scheduler": "down",
    }
