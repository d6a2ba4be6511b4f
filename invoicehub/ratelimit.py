"""Fixed-window rate limits in Redis (atomic INCR + EXPIRE), shared by every process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from invoicehub.redis_conn import get_redis


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


def _key(limit: Limit, subject: str) -> str:
    return f"ratelimit:{limit.name}:{subject}"


def hit(limit: Limit, subject: str) -> None:
    """Count one hit; raise RateLimited once the window's budget is spent."""
    redis = get_redis()
    key = _key(limit, subject)
    pipe = redis.pipeline()
    pipe.incr(key)
    pipe.expire(key, limit.window_seconds, nx=True)
    pipe.ttl(key)
    count, _, ttl = pipe.execute()
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
