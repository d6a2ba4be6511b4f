"""GET /health: 200 while PostgreSQL and Redis answer, else 503; worker and scheduler liveness."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rq import Worker
from rq_scheduler import Scheduler

from invoicehub.db import reset_engine
from invoicehub.jobs.queues import WORKER_QUEUES
from invoicehub.redis_conn import get_redis, reset_redis
from invoicehub.settings import get_settings
from tests.support.services import free_port


@pytest.fixture
def worker() -> Iterator[Worker]:
    live = Worker(list(WORKER_QUEUES), connection=get_redis(), name="health-test-worker")
    live.register_birth()
    yield live
    live.register_death()


@pytest.fixture
def scheduler() -> Iterator[Scheduler]:
    live = Scheduler(connection=get_redis(), interval=5)
    live.register_birth()
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


def test_a_scheduler_that_registered_its_death_is_down(api: TestClient, worker, scheduler):
    scheduler.register_death()
    assert api.get("/health").json()["scheduler"] == "down"


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
    assert response.json() == {
        "status": "down",
        "database": "up",
        "redis": "down",
        "worker": "down",
        "scheduler": "down",
    }
