"""GET /health: is the web process able to serve, and are workers and the scheduler alive?

No authentication (load balancers and `make run` poll it) and no details beyond up/down:
error messages could carry hosts or credentials.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from fastapi import APIRouter, Response, status
from pydantic import BaseModel
from redis import Redis
from redis.exceptions import RedisError
from rq import Worker
from sqlalchemy.exc import SQLAlchemyError

from invoicehub.db import get_engine
from invoicehub.redis_conn import get_redis

router = APIRouter(tags=["health"])

# rq-scheduler's `rqscheduler` keeps `rq:scheduler_instance:<name>` alive with a TTL of its
# interval + 10 s and adds a `death` field when it stops cleanly.
SCHEDULER_INSTANCE_PATTERN = "rq:scheduler_instance:*"
SCHEDULER_SCAN_COUNT = 1000


class Liveness(StrEnum):
    UP = "up"
    DOWN = "down"


class HealthResponse(BaseModel):
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
    try:
        for key in redis.scan_iter(match=SCHEDULER_INSTANCE_PATTERN, count=SCHEDULER_SCAN_COUNT):
            if not redis.hexists(key, "death"):
                return True
    except (RedisError, OSError):
        return False
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
    redis = get_redis()
    database, cache = database_up(), redis_up(redis)
    worker = cache and worker_up(redis)
    scheduler = cache and scheduler_up(redis)
    if not (database and cache):
        overall: Literal["ok", "degraded", "down"] = "down"
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    else:
        overall = "ok" if worker and scheduler else "degraded"
    return HealthResponse(
        status=overall,
        database=_state(database),
        redis=_state(cache),
        worker=_state(worker),
        scheduler=_state(scheduler),
    )
