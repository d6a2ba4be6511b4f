"""Sync throughput: one first sync of N generated orders in a real worker process, and its floor.

    python bench/sync_throughput.py [--orders 10000] [--seed 1] [--keep] [--profile FILE]

What it does, end to end:
1. Creates a scratch database `invoicehub_bench_<pid>` on the PostgreSQL server named by
   INVOICEHUB_DATABASE_URL (default: the one `make run` starts, 127.0.0.1:5433; the role needs
   CREATEDB, which scripts/services.sh grants), migrates it, and drops it at the end (--keep
   leaves it). Redis: INVOICEHUB_BENCH_REDIS_URL, default the INVOICEHUB_REDIS_URL server with
   database 14 (flushed before and after), so workers of `make run` never see the bench's jobs.
2. Uses the emulator at INVOICEHUB_EMULATOR_URL when it answers, else starts its own
   (tests/support/emulator.py), creates a seller, generates N orders, and connects a new
   tenant/user through the real OAuth flow (control API /__emulator/oauth/approve), so the
   integration holds real, vault-encrypted tokens.
3. Queues one sync and runs `python -m worker.main worker --burst` (a real RQ worker that forks a
   work horse). Sync time is the run's started_at..finished_at; peak RSS is the largest of the
   worker and its horse (getrusage of waited children).
4. The floor: the rows the sync wrote (ledger, invoices, invoice lines) copied with psycopg COPY
   into scratch tables with the same columns and indexes, in one transaction.

Last line: `orders_per_s=<x> floor_ratio=<sync time / COPY time> peak_rss_mb=<m>`.
Targets at N=10 000 on 2 cores: >= 500 orders/s, floor_ratio <= 10, peak RSS < 400 MB.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import os
import resource
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE_URL = "postgresql+psycopg://invoicehub:invoicehub@127.0.0.1:5433/invoicehub"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6380/0"
BENCH_REDIS_DB = 14
SELLER_NIP = "5252674798"
FLOOR_TABLES = ("allegro_orders", "invoices", "invoice_lines")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="sample the worker with py-spy (threads, idle included) into FILE, collapsed stacks",
    )
    args = parser.parse_args()
    with scratch_environment(args.keep) as database_url, emulator() as emulator_url:
        sync_seconds, rss_mb, integration_id = run_sync(
            emulator_url, args.orders, args.seed, args.profile
        )
        copy_seconds = copy_floor(database_url, integration_id)
    rate, ratio = args.orders / sync_seconds, sync_seconds / copy_seconds
    print(
        f"sync of {args.orders} orders {sync_seconds:.2f} s; COPY of its rows {copy_seconds:.3f} s"
    )
    print(f"orders_per_s={rate:.0f} floor_ratio={ratio:.1f} peak_rss_mb={rss_mb:.0f}")
    return 0


@contextlib.contextmanager
def scratch_environment(keep: bool) -> Iterator[str]:
    """A fresh, migrated database and a private Redis database; every setting points at them."""
    base = make_url(os.environ.get("INVOICEHUB_DATABASE_URL", DEFAULT_DATABASE_URL))
    name = f"invoicehub_bench_{os.getpid()}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    database_url = base.set(database=name).render_as_string(hide_password=False)
    redis_url = os.environ.get("INVOICEHUB_BENCH_REDIS_URL") or _bench_redis_url()
    os.environ.update(INVOICEHUB_DATABASE_URL=database_url, INVOICEHUB_REDIS_URL=redis_url)
    _ensure_secrets()
    from invoicehub.redis_conn import get_redis

    try:
        _migrate()
        get_redis().flushdb()
        yield database_url
    finally:
        from invoicehub.db import reset_engine

        get_redis().flushdb()
        reset_engine()
        if not keep:
            _drop_database(admin, name)


def _drop_database(admin: str, name: str, attempts: int = 10) -> None:
    """DROP ... WITH (FORCE) cannot end an autovacuum worker that a bulk load started on the
    database (it runs as the superuser): such a worker finishes soon, so try again."""
    for attempt in range(attempts):
        try:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except psycopg.errors.InsufficientPrivilege:
            if attempt == attempts - 1:
                print(f"could not drop the scratch database {name}; drop it by hand", flush=True)
                return
            time.sleep(1)


def _bench_redis_url() -> str:
    parts = urlsplit(os.environ.get("INVOICEHUB_REDIS_URL", DEFAULT_REDIS_URL))
    return parts._replace(path=f"/{BENCH_REDIS_DB}").geturl()


def _ensure_secrets() -> None:
    """Secrets the run needs when the environment and .data/ have none (never printed)."""
    data = ROOT / ".data"
    if not os.environ.get("INVOICEHUB_TOKEN_KEYS") and not (data / "token-key").exists():
        key = base64.urlsafe_b64encode(os.urandom(32)).decode()
        os.environ["INVOICEHUB_TOKEN_KEYS"] = f"bench:{key}"
    if not os.environ.get("INVOICEHUB_JWT_SECRET") and not (data / "jwt-secret").exists():
        os.environ["INVOICEHUB_JWT_SECRET"] = secrets.token_urlsafe(48)


def _migrate() -> None:
    from alembic.config import Config

    from alembic import command

    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["skip_logging"] = True
    command.upgrade(config, "head")


@contextlib.contextmanager
def emulator() -> Iterator[str]:
    url = os.environ.get("INVOICEHUB_EMULATOR_URL")
    if url:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/__emulator/health", timeout=2).status_code == 200:
                yield url
                return
    from invoicehub.settings import get_settings
    from tests.support.emulator import emulator_process

    with emulator_process(_free_port()) as url:
        os.environ["INVOICEHUB_EMULATOR_URL"] = url
        get_settings.cache_clear()  # the OAuth and API URLs follow the emulator's
        yield url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_sync(
    emulator_url: str, orders: int, seed: int, profile: str | None = None
) -> tuple[float, float, object]:
    """Connect a seller with `orders` orders, sync once in a worker: (seconds, peak MB, id)."""
    from sqlmodel import Session

    from invoicehub.db import get_engine
    from invoicehub.integrations.allegro.runs.requests import request_sync
    from invoicehub.models import SyncRun
    from invoicehub.settings import get_settings

    get_settings.cache_clear()
    login = f"bench_{os.getpid()}"
    with httpx.Client(base_url=emulator_url, timeout=300) as control:
        control.post("/__emulator/sellers", json={"login": login}).raise_for_status()
        started = time.perf_counter()
        control.post(
            f"/__emulator/sellers/{login}/orders/generate", json={"count": orders, "seed": seed}
        ).raise_for_status()
        print(f"emulator generated {orders} orders in {time.perf_counter() - started:.1f} s")
        with Session(get_engine(), expire_on_commit=False) as session:
            principal, integration_id = _connect(session, control, login)
            run = request_sync(session, principal, integration_id, enforce_rate_limit=False)
    with BackendCpu(get_engine().url) as postgres:
        rss_mb, wall, worker_cpu = _run_worker(profile)
    with Session(get_engine()) as session:
        done = session.get(SyncRun, run.id)
        assert done is not None and done.status == "succeeded", done and done.error
        assert done.started_at and done.finished_at
        seconds = (done.finished_at - done.started_at).total_seconds()
        print(
            f"run {done.status}: fetched {done.orders_fetched}, invoices {done.invoices_created},"
            f" customers {done.customers_created}, products {done.products_created},"
            f" skipped {done.skipped}, review {done.needs_review}; worker wall {wall:.1f} s"
        )
    # Where the machine's time went (CPU seconds over the worker's whole run, start-up included;
    # PostgreSQL: the bench database's backends, when the server runs on this machine).
    print(f"cpu_s: worker {worker_cpu:.2f}, postgres {postgres.seconds():.2f}")
    return seconds, rss_mb, integration_id


def _connect(session, control: httpx.Client, login: str):  # type: ignore[no-untyped-def]
    from invoicehub.auth.accounts import create_user, principal_of
    from invoicehub.integrations.allegro.connection import oauth

    user = create_user(
        session,
        email=f"{login}@bench.invalid",
        password=secrets.token_urlsafe(16),
        tenant_name=f"Bench {login} Sp. z o.o.",
        nip=SELLER_NIP,
        address={"street": "ul. Prosta 51", "postal_code": "00-838", "city": "Warszawa"},
    )
    session.commit()
    principal = principal_of(user)
    auth_url = oauth.start_authorization(principal)
    response = control.post("/__emulator/oauth/approve", json={"authUrl": auth_url, "login": login})
    query = parse_qs(urlsplit(response.raise_for_status().json()["redirectUrl"]).query)
    integration = oauth.complete_authorization(
        session, query["code"][0], query["state"][0], principal
    )
    return principal, integration.id


def _run_worker(profile: str | None = None) -> tuple[float, float, float]:
    """`python -m worker.main worker --burst`; (peak RSS of the worker and its horse in MB,
    wall seconds, CPU seconds of the worker and its horse). With `profile`, py-spy samples the
    worker and its work horse (the CPU and RSS figures then include py-spy's own)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    command = [sys.executable, "-m", "worker.main", "worker", "--burst", "--queues", "sync"]
    if profile:
        sampler = ["py-spy", "record", "--subprocesses", "--threads", "--idle", "--format", "raw"]
        command = [*sampler, "--output", profile, "--", *command]
    subprocess.run(
        # The sync queue only: invoicing queues one PDF upload to Allegro per invoice on
        # `default`, which is not the sync and would keep a burst worker busy for long after it.
        command,
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kb, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
    if peak_kb <= before:
        print("warning: an earlier child used more memory; the peak may be that child's")
    return peak_kb / 1024, wall, cpu


class BackendCpu:
    """CPU seconds of the PostgreSQL backends serving one database, sampled from /proc every
    50 ms while the block runs (a backend's time is lost when it exits, so its last sample
    counts: at most 50 ms of each backend go unseen). 0 when the server is not on this machine.
    """

    def __init__(self, url: object) -> None:
        bench_url = make_url(str(url))
        self._database = bench_url.database
        self._dsn = bench_url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._ticks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> BackendCpu:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def seconds(self) -> float:
        return sum(self._ticks.values()) / os.sysconf("SC_CLK_TCK")

    def _sample(self) -> None:
        query = "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        with psycopg.connect(self._dsn, autocommit=True) as conn:
            while not self._stop.wait(0.05):
                for (pid,) in conn.execute(query, (self._database,)).fetchall():
                    with contextlib.suppress(OSError, IndexError, ValueError):
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                        self._ticks[pid] = int(fields[11]) + int(fields[12])  # utime + stime


def copy_floor(database_url: str, integration_id: object) -> float:
    """Seconds to COPY the sync's rows into empty tables shaped like the real ones."""
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    selects = {
        "allegro_orders": "SELECT * FROM allegro_orders WHERE integration_id = {}",
        "invoices": "SELECT * FROM invoices WHERE integration_id = {}",
        "invoice_lines": (
            "SELECT l.* FROM invoice_lines l JOIN invoices v ON v.id = l.invoice_id"
            " WHERE v.integration_id = {}"
        ),
    }
    with psycopg.connect(dsn) as conn:
        data = {}
        for table in FLOOR_TABLES:
            conn.execute(f"CREATE TABLE floor_{table} (LIKE {table} INCLUDING ALL)")
            query = sql.SQL("COPY ({}) TO STDOUT (FORMAT binary)").format(
                sql.SQL(selects[table]).format(sql.Literal(str(integration_id)))
            )
            with conn.cursor().copy(query) as copy:
                data[table] = b"".join(bytes(chunk) for chunk in copy)
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cur:
            for table in FLOOR_TABLES:
                with cur.copy(f"COPY floor_{table} FROM STDIN (FORMAT binary)") as copy:
                    copy.write(data[table])
        conn.commit()
        seconds = time.perf_counter() - started
        sizes = ", ".join(f"{t} {len(data[t]) / 1e6:.1f} MB" for t in FLOOR_TABLES)
        print(f"floor: COPY of {sizes} in {seconds:.3f} s")
    return seconds


if __name__ == "__main__":
    sys.exit(main())
