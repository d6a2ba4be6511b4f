"""The Redis connection shared by caches, locks, rate limits and RQ."""

from __future__ import annotations

from functools import lru_cache

from redis import Redis

from invoicehub.settings import get_settings


@lru_cache(maxsize=1)
def get_redis() -> Redis:
    return Redis.from_url(
        get_settings().redis_url,
        socket_connect_timeout=5,
        socket_timeout=30,
        health_check_interval=30,
        retry_on_timeout=True,
    )


def reset_redis() -> None:
    get_redis.cache_clear()
