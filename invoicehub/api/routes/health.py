"""GET /health: is the web process able to serve, and are workers and the scheduler alive?
GET /health/live: is this process answering at all (no I/O).

No authentication (load balancers and `make run` poll them) and no details beyond up/down:
error messages could carry hosts or credentials. The deep check is computed by one request at a
time and cached for HEALTH_CACHE_SECONDS, so polling it harder does not load PostgreSQL or Redis;
under a stalled Redis it answers within about the request-path socket timeout.
"""

from __future__ import annotations

import threading
import time
from enum import StrEnum
from typing import Literal

from fastapi import APIRouter, Response, status
from redis import Redis
from redis.exceptions import RedisError
from rq import Worker
from sqlalchemy.exc import SQLAlchemyError

from invoicehub.api.schema import ApiModel
from invoicehub.api.unavailable import RETRY_AFTER_SECONDS
from invoicehub.db import get_engine
from invoicehub.liveness import scheduler_dispatching
from invoicehub.redis_conn import get_redis

router = APIRouter(tags=["health"])

HEALTH_CACHE_SECONDS = 5.0


class Liveness(StrEnum):
    UP = "up"
    DOWN = "down"


class HealthResponse(ApiModel):
    status: Literal["ok", "degraded", "down"]
    database: Liveness
    redis: Liveness
    worker: Liveness
    scheduler: Liveness


HEALTHY = {
    "status": "ok",
    "database": "up",
    "redis": "up",
    "worker": "up",
    "scheduler": "up",
}
UNHEALTHY = {**HEALTHY, "status": "down", "database": "down", "worker": "down"}


def database_up() -> bool:
    try:
        with get_engine().connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except (SQLAlchemyError, OSError):
        return False
    return True


def redis_up(redis: Redis) -> bool:
    try:
        return bool(redis.ping())
    except (RedisError, OSError):
        return False


def worker_up(redis: Redis) -> bool:
    """At least one RQ worker whose registration has not expired (it heartbeats its key)."""
    try:
        return len(Worker.all(connection=redis)) > 0
    except (RedisError, OSError):
        return False


def scheduler_up(redis: Redis) -> bool:
    """The scheduler is alive while its dispatcher ticks (not while its instance key lives)."""
    try:
        return scheduler_dispatching(redis)
    except (RedisError, OSError):
        return False


def _state(up: bool) -> Liveness:
    return Liveness.UP if up else Liveness.DOWN


@router.get(
    "/health",
    response_model=HealthResponse,
    responses={
        200: {
            "description": "Database and Redis up (`degraded`: no live worker or scheduler)",
            "content": {"application/json": {"example": HEALTHY}},
        },
        503: {
            "model": HealthResponse,
            "description": "The database or Redis is down",
            "content": {"application/json": {"example": UNHEALTHY}},
        },
    },
)
def health(response: Response) -> HealthResponse:
    result = _cached_health()
    if result.status == "down":
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return result


class LiveResponse(ApiModel):
    status: Literal["ok"]


@router.get("/health/live", response_model=LiveResponse)
async def health_live() -> LiveResponse:
    """The process answers: no database, no Redis (a restart decision, not a readiness one)."""
    return LiveResponse(status="ok")


_lock = threading.Lock()
_cached: tuple[float, HealthResponse] | None = None


def _cached_health() -> HealthResponse:
    """At most one deep check at a time, reused for HEALTH_CACHE_SECONDS; while one runs, the
    other requests answer the last result instead of queueing behind it."""
    global _cached
    cached = _cached
    if cached is not None and time.monotonic() - cached[0] < HEALTH_CACHE_SECONDS:
        return cached[1]
    if not _lock.acquire(blocking=cached is None):
        assert cached is not None
        return cached[1]
    try:
        if _cached is not None and time.monotonic() - _cached[0] < HEALTH_CACHE_SECONDS:
            return _cached[1]
        result = check_health()
        _cached = (time.monotonic(), result)
        return result
    finally:
        _lock.release()


def reset_health_cache() -> None:
    global _cached
    _cached = None


def check_health() -> HealthResponse:
    redis = get_redis()
    database, cache = database_up(), redis_up(redis)
    worker = cache and worker_up(redis)
    scheduler = cache and scheduler_up(redis)
    if not (database and cache):
        overall: Literal["ok", "degraded", "down"] = "down"
    else:
        overall = "ok" if worker and scheduler else "degraded"
    return HealthResponse(
        status=overall,
        database=_state(database),
        redis=_state(cache),
        worker=_state(worker),
        scheduler=_state(scheduler),
    )
