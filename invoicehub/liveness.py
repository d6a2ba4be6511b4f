"""The scheduler's liveness, judged by what it does: the dispatcher tick it schedules.

rq-scheduler's own `rq:scheduler_instance:<name>` key lives on a TTL the scheduler renews; a
Redis stall longer than that TTL lets it expire and nothing recreates it, so a scheduler that
still dispatches every minute looked dead forever. Each dispatcher tick rewrites this key
instead: the scheduler is alive while the last tick is recent, and the key heals on the next
tick after any stall or restart.
"""

from __future__ import annotations

import time

from redis import Redis

DISPATCH_TICK_KEY = "invoicehub:dispatcher:last-tick"
# The dispatcher runs every minute (cron), checked every 5 s by rq-scheduler, and waits in the
# default queue for a free worker: three missed ticks mean the scheduler is not dispatching.
DISPATCH_STALE_AFTER_SECONDS = 180


def record_dispatch_tick(redis: Redis, now: float | None = None) -> None:
    redis.set(DISPATCH_TICK_KEY, repr(time.time() if now is None else now))


def last_dispatch_tick(redis: Redis) -> float | None:
    raw = redis.get(DISPATCH_TICK_KEY)
    if raw is None:
        return None
    try:
        return float(raw)  # type: ignore[arg-type]
    except ValueError:
        return None


def scheduler_dispatching(redis: Redis, now: float | None = None) -> bool:
    """True when a dispatcher tick ran within DISPATCH_STALE_AFTER_SECONDS."""
    tick = last_dispatch_tick(redis)
    current = time.time() if now is None else now
    return tick is not None and current - tick <= DISPATCH_STALE_AFTER_SECONDS
