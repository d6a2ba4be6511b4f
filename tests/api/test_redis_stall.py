"""A stalled Redis (scorecard row 9's quieter cousin): the API answers 503 with Retry-After while
Redis is frozen instead of waiting the stall out, and health recovers once Redis answers again.

The stall is real: our own throw-away redis-server, frozen with SIGSTOP (the kernel still
accepts connections, nothing answers), thawed with SIGCONT.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rq import Worker
from sqlmodel import Session

from invoicehub import ratelimit
from invoicehub.api.routes.health import reset_health_cache
from invoicehub.api.unavailable import RETRY_AFTER_SECONDS
from invoicehub.jobs.queues import WORKER_QUEUES
from invoicehub.liveness import record_dispatch_tick
from invoicehub.redis_conn import get_redis
from tests.factories import bearer, make_user
from tests.sync.helpers import free_port, pointed_at, start_redis


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    port = free_port()
    proc = start_redis(port, tmp_path / "redis")
    try:
        with pointed_at(redis_url=f"redis://127.0.0.1:{port}/0"):
            reset_health_cache()
            yield proc
    finally:
        os.kill(proc.pid, signal.SIGCONT)
        proc.kill()
        proc.wait()
        reset_health_cache()


def _frozen(proc: subprocess.Popen[bytes]) -> bool:
    with open(f"/proc/{proc.pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] == "T"


def test_a_stalled_redis_gets_a_503_with_retry_after_and_health_recovers_after(
    api: TestClient, session: Session, private_redis: subprocess.Popen[bytes]
):
    headers = bearer(make_user(session))
    lease = ratelimit.API_PER_USER.lease
    worker = Worker(list(WORKER_QUEUES), connection=get_redis(), name="stall-test-worker")
    worker.register_birth()
    record_dispatch_tick(get_redis())
    assert api.get("/invoices", headers=headers).status_code == 200
    assert api.get("/health").json()["status"] == "ok"

    os.kill(private_redis.pid, signal.SIGSTOP)
    try:
        reset_health_cache()
        # The first answer reserved a lease of the user's budget (ratelimit.py): the rest of it
        # is spent without Redis, then the rate limit asks Redis again.
        leased = [api.get("/invoices", headers=headers).status_code for _ in range(lease - 1)]
        answer = api.get("/invoices", headers=headers)
        health = api.get("/health")
        live = api.get("/health/live")
        still_frozen = _frozen(private_redis)
    finally:
        os.kill(private_redis.pid, signal.SIGCONT)

    assert still_frozen  # every answer came while Redis was still stalled: nothing waited it out
    assert leased == [200] * (lease - 1)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert answer.json() == {"detail": "a required service is unavailable, try again shortly"}
    assert str(private_redis.args[2]) not in answer.text  # no host or port in the answer
    assert health.status_code == 503 and health.json()["redis"] == "down"
    assert health.json()["database"] == "up"
    assert live.status_code == 200

    reset_health_cache()  # HEALTH_CACHE_SECONDS later
    recovered = api.get("/health")
    assert recovered.status_code == 200 and recovered.json()["status"] == "ok"
    assert api.get("/invoices", headers=headers).status_code == 200
    worker.register_death()
