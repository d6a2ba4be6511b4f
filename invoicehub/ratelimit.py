"""Fixed-window rate limits in Redis (one atomic script: INCR, EXPIRE, TTL), shared by every
process."""

from __future__ import annotations

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


LOGIN_PER_ACCOUNT = Limit("login-account", 5, 60)
LOGIN_PER_ADDRESS = Limit("login-address", 5, 60)
MANUAL_SYNC = Limit("manual-sync", 1, 60)
API_PER_USER = Limit("api-user", 1200, 60)


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many requests, retry after {retry_after} s")
        self.retry_after = retry_after


# One round trip and one reply instead of MULTI/INCR/EXPIRE/TTL/EXEC; runs atomically in Redis.
_HIT_LUA = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
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


def hit(limit: Limit, subject: str) -> None:
    """Count one hit; raise RateLimited once the window's budget is spent."""
    hit_script = _hit_script(get_redis())
    count, ttl = hit_script(keys=[_key(limit, subject)], args=[limit.window_seconds])
    _refuse_over_budget(limit, count, ttl)


async def hit_async(limit: Limit, subject: str) -> None:
    """`hit` without blocking the event loop (the API's per-request budget)."""
    hit_script = _async_hit_script(get_async_redis())
    count, ttl = await hit_script(keys=[_key(limit, subject)], args=[limit.window_seconds])
    _refuse_over_budget(limit, count, ttl)


def _refuse_over_budget(limit: Limit, count: int, ttl: int) -> None:
    if int(count) > limit.max_hits:
        raise RateLimited(max(int(ttl), 1))


def check(limit: Limit, subject: str) -> None:
    """Raise RateLimited if the budget is already spent, without counting a hit."""
    redis = get_redis()
    key = _key(limit, subject)
    count = cast(bytes | None, redis.get(key))
    if count is not None and int(count) >= limit.max_hits:
        raise RateLimited(max(int(cast(int, redis.ttl(key))), 1))


def reset(limit: Limit, subject: str) -> None:
    get_redis().delete(_key(limit, subject))
