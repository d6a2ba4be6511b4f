"""The Redis connections shared by caches, locks, rate limits and RQ."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary

from redis import Redis
from redis.asyncio import Redis as AsyncRedis

from invoicehub.settings import get_settings

_OPTIONS: dict[str, Any] = {
    "socket_connect_timeout": 5,
    "socket_timeout": 30,
    "health_check_interval": 30,
    "retry_on_timeout": True,
}
_async_clients: WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncRedis] = WeakKeyDictionary()


@lru_cache(maxsize=1)
def get_redis() -> Redis:
    return Redis.from_url(get_settings().redis_url, **_OPTIONS)


def get_async_redis() -> AsyncRedis:
    """The asyncio client of the running event loop, for the API's per-request hot path.

    A blocking call there stalls every request of the worker while Redis answers (on a busy
    machine Redis waits for a CPU too). One client per loop: its connections belong to it.
    """
    loop = asyncio.get_running_loop()
    client = _async_clients.get(loop)
    if client is None:
        client = _async_clients[loop] = AsyncRedis.from_url(get_settings().redis_url, **_OPTIONS)
    return client


def reset_redis() -> None:
    get_redis.cache_clear()
    _async_clients.clear()
