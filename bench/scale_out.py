"""Scale-out: first syncs of 8 sellers x 2,000 orders by 1, 2 and 4 RQ worker processes, and one
dispatcher tick over 10,000 due integrations.

    python bench/scale_out.py [--sellers 8] [--orders 2000] [--workers 1 2 4] [--due 10000]

Same scratch database, private Redis database and emulator as bench/sync_throughput.py (see its
docstring for the environment). For each worker count, 8 new sellers are generated on the
emulator and connected through the real OAuth flow, one sync each is queued, and that many
`python -m worker.main worker --burst` processes (real RQ workers, as on any machine that runs
them: they share only Redis and PostgreSQL) drain the queue together. Throughput is the orders
of the 8 runs over the span from the first run's start to the last run's finish.

The dispatcher tick: 10,000 active integrations due now, then `dispatch_due_syncs()` as the
scheduler's job calls it (count what is due, send one claim job per 1,000); wall time of the tick.
Then the claim jobs it sent, run one after the other as a single worker would (claim, insert the
runs, enqueue their sync jobs): `claim_ms` is the time until every sync job is queued with one
worker (workers run claim jobs in parallel, so more workers shorten it).

Last lines: `dispatch_ms=<t> due=<n> claim_jobs=<n> claim_ms=<t> queued=<n>` and
`w1_per_s=<x> w2_per_s=<y> w4_per_s=<z> speedup_w2=<y/x>`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / "test-artifacts" / "bench"
sys.path.insert(0, str(ROOT))

from bench.sync_throughput import _connect, emulator, scratch_environment  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sellers", type=int, default=8)
    parser.add_argument("--orders", type=int, default=2000, help="orders per seller")
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4])
    parser.add_argument("--due", type=int, default=10_000, help="due integrations to dispatch")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    rates: dict[int, float] = {}
    with scratch_environment(args.keep), emulator() as emulator_url:
        for workers in args.workers:
            rates[workers] = sync_with_workers(emulator_url, workers, args.sellers, args.orders)
        dispatch = measure_dispatch(args.due)
    figures = " ".join(f"w{n}_per_s={rate:.0f}" for n, rate in rates.items())
    speedup = rates[2] / rates[1] if 1 in rates and 2 in rates else float("nan")
    print(dispatch)
    print(f"{figures} speedup_w2={speedup:.2f}")
    return 0


def sync_with_workers(emulator_url: str, workers: int, sellers: int, orders: int) -> float:
    """Queue one first sync for each of `sellers` new sellers, drain with `workers` processes."""
    from sqlmodel import Session

    from invoicehub.db import get_engine
    from invoicehub.integrations.allegro.runs.requests import request_sync

    run_ids = []
    with httpx.Client(base_url=emulator_url, timeout=300) as control:
        for n in range(sellers):
            login = f"scale_{os.getpid()}_{workers}_{n}"
            control.post("/__emulator/sellers", json={"login": login}).raise_for_status()
            control.post(
                f"/__emulator/sellers/{login}/orders/generate",
                json={"count": orders, "seed": n + 1},
            ).raise_for_status()
            with Session(get_engine(), expire_on_commit=False) as session:
                principal, integration_id = _connect(session, control, login)
                run = request_sync(session, principal, integration_id, enforce_rate_limit=False)
                run_ids.append(run.id)
    wall = _run_workers(workers)
    started, finished, fetched = _span(run_ids)
    seconds = (finished - started).total_seconds()
    rate = fetched / seconds
    print(
        f"{workers} worker(s): {len(run_ids)} runs, {fetched} orders in {seconds:.2f} s "
        f"({rate:.0f} orders/s; workers' wall {wall:.1f} s)",
        flush=True,
    )
    return rate


def _run_workers(count: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # The sync queue only: the PDF uploads to Allegro that invoicing queues on `default` are
    # not part of a sync (and each one waits for the emulator's upload limits).
    command = [sys.executable, "-m", "worker.main", "worker", "--burst", "--queues", "sync"]
    LOGS.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    processes = []
    for n in range(count):
        with (LOGS / f"scale_out-w{count}-{n + 1}.log").open("w") as log:
            processes.append(
                subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            )
    if any(process.wait() != 0 for process in processes):
        raise SystemExit(f"a worker failed (logs in {LOGS})")
    return time.perf_counter() - started


def _span(run_ids: list[uuid.UUID]):  # type: ignore[no-untyped-def]
    from invoicehub.db import session_scope

    query = sa.text(
        "SELECT min(started_at), max(finished_at), sum(orders_fetched),"
        " count(*) FILTER (WHERE status = 'succeeded')"
        " FROM sync_runs WHERE id = ANY(:ids)"
    )
    with session_scope() as session:
        started, finished, fetched, succeeded = session.execute(query, {"ids": run_ids}).one()
    if succeeded != len(run_ids):
        raise SystemExit(f"only {succeeded} of {len(run_ids)} runs succeeded")
    return started, finished, int(fetched)


def measure_dispatch(due: int) -> str:
    """`due` active integrations due now (one tenant), then one dispatcher tick."""
    from invoicehub.auth.accounts import create_user
    from invoicehub.db import session_scope
    from invoicehub.integrations.allegro.runs.dispatcher import (
        CLAIM_JOB_FUNC,
        claim_due_syncs,
        dispatch_due_syncs,
    )
    from invoicehub.jobs.queues import get_queue
    from invoicehub.redis_conn import get_redis

    with session_scope() as session:
        login = f"dispatch_{os.getpid()}"
        user = create_user(
            session, email=f"{login}@bench.invalid", password=uuid.uuid4().hex, tenant_name=login
        )
        session.execute(
            sa.text(
                "INSERT INTO allegro_integrations (id, tenant_id, user_id, allegro_user_id,"
                " allegro_login, status, sync_error_count, token_version,"
                " next_sync_at, created_at, updated_at)"
                " SELECT gen_random_uuid(), :tenant, :user, 'due-' || n, 'due_' || n,"
                " 'active', 0, 0, now() - interval '1 minute', now(), now()"
                " FROM generate_series(1, :due) AS n"
            ),
            {"tenant": user.tenant_id, "user": user.id, "due": due},
        )
        session.execute(sa.text("ANALYZE allegro_integrations"))
    get_redis().delete("rq:queue:sync")
    started = time.perf_counter()
    counts = dispatch_due_syncs()
    elapsed_ms = (time.perf_counter() - started) * 1000
    print(f"dispatcher tick: {counts}", flush=True)
    queue = get_queue()
    claim_jobs = [job for job in queue.get_jobs() if job.func_name == CLAIM_JOB_FUNC]
    started = time.perf_counter()
    queued = 0
    for job in claim_jobs:
        queue.remove(job.id)
        queued += claim_due_syncs()["queued"]
    claim_ms = (time.perf_counter() - started) * 1000
    return (
        f"dispatch_ms={elapsed_ms:.0f} due={counts['due']} claim_jobs={counts['claim_jobs']}"
        f" claim_ms={claim_ms:.0f} queued={queued}"
    )


if __name__ == "__main__":
    sys.exit(main())
