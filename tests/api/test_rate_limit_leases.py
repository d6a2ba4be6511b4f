"""The API's per-user budget by leases: several processes reserving hits in Redis never grant
more than the budget together, and a lease ends with its window."""

from __future__ import annotations

import asyncio
import random
import time

import pytest

from invoicehub import ratelimit
from invoicehub.redis_conn import get_async_redis


def _granted(
    limit: ratelimit.Limit,
    subject: str,
    processes: int,
    attempts: int,
    stores: list[ratelimit._Leases] | None = None,
) -> int:
    """`attempts` hits spread at random over `processes` lease stores (as web processes)."""
    stores = stores or [ratelimit._Leases() for _ in range(processes)]
    rng = random.Random(7)

    async def run() -> int:
        granted = 0
        for _ in range(attempts):
            ratelimit._leases = rng.choice(stores)
            try:
                await ratelimit.hit_async(limit, subject)
                granted += 1
            except ratelimit.RateLimited:
                pass
        await get_async_redis().aclose()
        return granted

    original = ratelimit._leases
    try:
        return asyncio.run(run())
    finally:
        ratelimit._leases = original


@pytest.mark.parametrize("budget", [100, 103])
def test_processes_with_leases_never_grant_more_than_the_budget(budget):
    limit = ratelimit.Limit("lease-test", budget, 60, lease=7)
    assert _granted(limit, "someone", processes=3, attempts=400) <= budget
    # ...and no less than the budget minus what each process may hold unspent.
    assert _granted(limit, "another", processes=3, attempts=400) >= budget - 3 * (7 - 1)


def test_a_single_process_grants_exactly_the_budget():
    limit = ratelimit.Limit("lease-exact", 95, 60, lease=10)
    assert _granted(limit, "one", processes=1, attempts=200) == 95


def test_a_lease_ends_with_its_window():
    limit = ratelimit.Limit("lease-window", 30, 1, lease=10)
    process = [ratelimit._Leases()]
    assert _granted(limit, "w", processes=1, attempts=1, stores=process) == 1  # 9 kept here
    time.sleep(2.1)  # the window is over, and the 9 hits reserved in it with it
    assert process[0].take(ratelimit._key(limit, "w")) is False
