"""Fixed-window rate limits in Redis (one atomic script: INCRBY, EXPIRE, TTL), shared by every
process.

A limit with a `lease` above 1 (the API's per-user budget, counted on every request) reserves
that many hits of the window in one round trip and spends them in the process: the Redis round
trip was half of the Redis work of a cached API read. Every hit is counted in Redis before it is
spent, so all processes together never grant more than `max_hits` in a window; a process may keep
up to `lease - 1` reserved hits unspent when the window ends, so a user's effective budget is at
most `(lease - 1)` per web process lower, never higher. Logins and manual syncs count exactly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from redis import Redis
from redis.asyncio import Redis as AsyncRedis
from redis.commands.core import AsyncScript, Script

from invoicehub.redis_conn import get_async_redis, get_redis


@dataclass(frozen=True)
class Limit:
    name: str
    max_hits: int
    window_seconds: int
    lease: int = 1  # hits one process reserves in Redis at a time (module docstring)


LOGIN_PER_ACCOUNT = Limit("login-account", 5, 60)
LOGIN_PER_ADDRESS = Limit("login-address", 5, 60)
MANUAL_SYNC = Limit("manual-sync", 1, 60)
API_PER_USER = Limit("api-user", 1200, 60, lease=10)


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many requests, retry after {retry_after} s")
        self.retry_after = retry_after


# One round trip and one reply instead of MULTI/INCR/EXPIRE/TTL/EXEC; runs atomically in Redis.
_HIT_LUA = """
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
if count == tonumber(ARGV[2]) then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('TTL', KEYS[1])}
"""


@lru_cache(maxsize=4)
def _hit_script(client: Redis) -> Script:
    return client.register_script(_HIT_LUA)


@lru_cache(maxsize=4)
def _async_hit_script(client: AsyncRedis) -> AsyncScript:
    return client.register_script(_HIT_LUA)


def _key(limit: Limit, subject: str) -> str:
    return f"ratelimit:{limit.name}:{subject}"


class _Leases:
    """Hits reserved in Redis and not spent yet, per key, until their window ends."""

    MAX_KEYS = 10_000

    def __init__(self) -> None:
        self._left: dict[str, tuple[int, float]] = {}

    def take(self, key: str) -> bool:
        left, ends = self._left.get(key, (0, 0.0))
        if left <= 0 or time.monotonic() >= ends:
            return False
        self._left[key] = (left - 1, ends)
        return True

    def keep(self, key: str, left: int, ttl: int) -> None:
        if len(self._left) >= self.MAX_KEYS:
            now = time.monotonic()
            self._left = {k: v for k, v in self._left.items() if v[0] > 0 and v[1] > now}
        self._left[key] = (left, time.monotonic() + ttl)

    def drop(self, key: str) -> None:
        self._left.pop(key, None)


_leases = _Leases()  # per process; the async API path runs on one event loop thread


def hit(limit: Limit, subject: str) -> None:
    """Count one hit exactly; raise RateLimited once the window's budget is spent."""
    hit_script = _hit_script(get_redis())
    count, ttl = hit_script(keys=[_key(limit, subject)], args=[limit.window_seconds, 1])
    _granted(limit, int(count), int(ttl), 1)


async def hit_async(limit: Limit, subject: str) -> None:
    """`hit` without blocking the event loop (the API's per-request budget), by leases."""
    key = _key(limit, subject)
    if _leases.take(key):
        return
    hit_script = _async_hit_script(get_async_redis())
    reserved = limit.lease
    count, ttl = await hit_script(keys=[key], args=[limit.window_seconds, reserved])
    granted = _granted(limit, int(count), int(ttl), reserved)
    if granted > 1:
        _leases.keep(key, granted - 1, int(ttl) if int(ttl) > 0 else limit.window_seconds)


def _granted(limit: Limit, count: int, ttl: int, reserved: int) -> int:
    """How many of the `reserved` hits that brought the window to `count` fit in the budget;
    RateLimited if none does."""
    granted = min(reserved, limit.max_hits - (count - reserved))
    if granted <= 0:
        raise RateLimited(max(ttl, 1))
    return granted


def check(limit: Limit, subject: str) -> None:
    """Raise RateLimited if the budget is already spent, without counting a hit."""
    redis = get_redis()
    key = _key(limit, subject)
    count = cast(bytes | None, redis.get(key))
    if count is not None and int(count) >= limit.max_hits:
        raise RateLimited(max(int(cast(int, redis.ttl(key))), 1))


def reset(limit: Limit, subject: str) -> None:
    get_redis().delete(_key(limit, subject))
    _leases.drop(_key(limit, subject))
