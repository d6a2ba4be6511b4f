"""The Redis connections shared by caches, locks, rate limits and RQ."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary

from redis import Redis
from redis.asyncio import Redis as AsyncRedis
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

from invoicehub.settings import get_settings

# Workers and the scheduler can wait out a slow Redis: nobody is waiting on them.
_WORKER_OPTIONS: dict[str, Any] = {
    "socket_connect_timeout": 5,
    "socket_timeout": 30,
    "health_check_interval": 30,
    "retry_on_timeout": True,
}
# Everything else (the web process) calls Redis while a request or a websocket event waits: a
# stalled Redis costs it about REQUEST_SOCKET_TIMEOUT and an error (the API answers 503), not
# the whole stall. One retry, on a fresh connection only: a socket dropped by a restarted Redis
# heals, a timeout is not repeated.
REQUEST_SOCKET_TIMEOUT = 2.0
REQUEST_CONNECT_TIMEOUT = 1.0
_REQUEST_OPTIONS: dict[str, Any] = {
    "socket_connect_timeout": REQUEST_CONNECT_TIMEOUT,
    "socket_timeout": REQUEST_SOCKET_TIMEOUT,
    "health_check_interval": 30,
}
_worker_process = False
_async_clients: WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncRedis] = WeakKeyDictionary()


def use_worker_timeouts() -> None:
    """Called by the worker and scheduler entry points, before they connect."""
    global _worker_process
    _worker_process = True
    reset_redis()


def _options(*, asynchronous: bool = False) -> dict[str, Any]:
    if _worker_process:
        return dict(_WORKER_OPTIONS)
    retry_class = AsyncRetry if asynchronous else Retry
    retry = retry_class(NoBackoff(), 1, supported_errors=(RedisConnectionError,))
    return {**_REQUEST_OPTIONS, "retry": retry}


class _KeptSocketTimeout(dict[str, Any]):
    """The request-path pool's connection options, whose socket timeout stays short.

    Constructing an RQ Worker (as `Worker.all` does to list workers for health and the admin
    pages) raises its connection's socket_timeout to the dequeue timeout (about 7 minutes), in
    place, on the shared pool: one health check would have undone the short timeouts.
    """

    def update(self, *args: Any, **kwargs: Any) -> None:
        items = dict(*args, **kwargs)
        items.pop("socket_timeout", None)
        super().update(items)


@lru_cache(maxsize=1)
def get_redis() -> Redis:
    client = Redis.from_url(get_settings().redis_url, **_options())
    if not _worker_process:
        pool = client.connection_pool
        pool.connection_kwargs = _KeptSocketTimeout(pool.connection_kwargs)
    return client


def get_async_redis() -> AsyncRedis:
    """The asyncio client of the running event loop, for the API's per-request hot path.

    A blocking call there stalls every request of the worker while Redis answers (on a busy
    machine Redis waits for a CPU too). One client per loop: its connections belong to it.
    """
    loop = asyncio.get_running_loop()
    client = _async_clients.get(loop)
    if client is None:
        client = _async_clients[loop] = AsyncRedis.from_url(
            get_settings().redis_url, **_options(asynchronous=True)
        )
    return client


def reset_redis() -> None:
    get_redis.cache_clear()
    _async_clients.clear()
