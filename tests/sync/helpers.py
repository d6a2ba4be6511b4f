"""Shared helpers of the sync and job tests: connect a seller through the real OAuth flow against
the emulator, drive RQ in-process, and read what a sync left in the database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import sqlalchemy as sa
from rq import SimpleWorker
from rq.job import Job
from sqlmodel import Session

from invoicehub.auth.accounts import principal_of
from invoicehub.auth.tokens import Principal
from invoicehub.db import get_engine
from invoicehub.integrations.allegro.client import AllegroApiClient
from invoicehub.integrations.allegro.connection import oauth
from invoicehub.integrations.allegro.connection.tokens import decrypt_token
from invoicehub.jobs.queues import WORKER_QUEUES, get_queue
from invoicehub.models import AllegroIntegration, SyncRun, User
from invoicehub.redis_conn import get_redis
from invoicehub.settings import get_settings
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Seller:
    login: str
    user: User
    principal: Principal
    integration_id: uuid.UUID


def connect_seller(
    session: Session, control: httpx.Client, login: str, *, orders: int = 0, seed: int = 1
) -> Seller:
    """Create the emulator seller (with generated orders) and connect it like a browser would."""
    control.post("/__emulator/sellers", json={"login": login}).raise_for_status()
    if orders:
        control.post(
            f"/__emulator/sellers/{login}/orders/generate", json={"count": orders, "seed": seed}
        ).raise_for_status()
    user = make_user(session)
    principal = principal_of(user)
    auth_url = oauth.start_authorization(principal)
    redirect = (
        control.post("/__emulator/oauth/approve", json={"authUrl": auth_url, "login": login})
        .raise_for_status()
        .json()["redirectUrl"]
    )
    query = {k: v[0] for k, v in parse_qs(urlsplit(redirect).query).items()}
    integration = oauth.complete_authorization(session, query["code"], query["state"], principal)
    return Seller(login, user, principal, integration.id)


def seller_forms(session: Session, integration_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every checkout form of the connected seller, as Allegro lists them."""
    integration = session.get(AllegroIntegration, integration_id)
    assert integration is not None and integration.access_token
    token = decrypt_token(integration.access_token, integration.id)
    with AllegroApiClient(token, base_url=get_settings().allegro_api_url) as client:
        return [form for page in client.iter_checkout_forms() for form in page]


def drain(*, promote_scheduled: bool = True, max_rounds: int = 50) -> int:
    """Run queued jobs in-process until none is left; scheduled retries run at once.

    Returns how many scheduled jobs were promoted (each one is a retry RQ scheduled).
    """
    promoted = 0
    queues = [get_queue(name) for name in WORKER_QUEUES]
    for _ in range(max_rounds):
        SimpleWorker(queues, connection=get_redis()).work(
            burst=True, with_scheduler=True, logging_level="WARNING"
        )
        if not promote_scheduled:
            return promoted
        moved = promote()
        if not moved:
            return promoted
        promoted += moved
    raise AssertionError("jobs kept coming back")


def promote() -> int:
    """Move every scheduled job (a retry waiting for its delay) to its queue now."""
    moved = 0
    for name in WORKER_QUEUES:
        queue = get_queue(name)
        for job_id in queue.scheduled_job_registry.get_job_ids():
            queue.scheduled_job_registry.remove(job_id)
            queue.enqueue_job(Job.fetch(job_id, connection=get_redis()))
            moved += 1
    return moved


def scheduled_delays(queue_name: str = "sync") -> dict[str, float]:
    """Seconds between each scheduled job's last attempt ending and its next run (RQ's delay)."""
    registry = get_queue(queue_name).scheduled_job_registry
    delays = {}
    for raw_id, score in get_redis().zrange(registry.key, 0, -1, withscores=True):
        job_id = raw_id.decode() if isinstance(raw_id, bytes) else raw_id
        ended_at = Job.fetch(job_id, connection=get_redis()).ended_at
        assert ended_at is not None
        delays[job_id] = score - ended_at.timestamp()
    return delays


def run_of(session: Session, run_id: uuid.UUID) -> SyncRun:
    session.rollback()  # a fresh connection from the pool (pre-pinged) for each look
    session.expire_all()
    run = session.get(SyncRun, run_id)
    assert run is not None
    return run


def invoice_numbers(integration_id: uuid.UUID) -> list[int]:
    """The running numbers of the integration's invoices (the last part of FV/YYYY/MM/N);
    corrections (their own KOR series) are not invoices of an order."""
    with get_engine().connect() as conn:
        numbers = conn.execute(
            sa.text("SELECT number FROM invoices WHERE integration_id = :i AND kind = 'invoice'"),
            {"i": integration_id},
        ).scalars()
        return sorted(int(number.rsplit("/", 1)[-1]) for number in numbers)


def ledger_states(integration_id: uuid.UUID) -> dict[str, str]:
    with get_engine().connect() as conn:
        rows = conn.execute(
            sa.text("SELECT checkout_form_id, state FROM allegro_orders WHERE integration_id = :i"),
            {"i": integration_id},
        )
        return {row.checkout_form_id: row.state for row in rows}


def invoiced_orders(integration_id: uuid.UUID) -> dict[str, Decimal]:
    """external order id -> invoice gross; fails on a second invoice for one order.
    Corrections (an invoiced order cancelled or refunded) are not counted: they are no order's
    invoice."""
    with get_engine().connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT external_order_id, total_gross FROM invoices"
                " WHERE integration_id = :i AND kind = 'invoice'"
            ),
            {"i": integration_id},
        ).all()
    result = {row.external_order_id: row.total_gross for row in rows}
    assert len(result) == len(rows), "an order has two invoices"
    return result


def wait_for(predicate: Callable[[], bool], timeout: float, what: str, step: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except sa.exc.OperationalError as exc:  # the database is restarting
            last_error = exc
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}") from last_error


@contextmanager
def worker_processes(
    count: int, *extra: str, env: dict[str, str] | None = None
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`python -m worker.main worker` subprocesses (own sessions, so a test can kill a tree).

    Their logs go to test-artifacts/workers/ (kept for a failed run to be read).
    """
    environment = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)}
    log_dir = ROOT / "test-artifacts" / "workers"
    log_dir.mkdir(parents=True, exist_ok=True)
    logs = [(log_dir / f"{os.getpid()}-{time.time_ns()}-{n}.log").open("wb") for n in range(count)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "worker.main", "worker", *extra],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for log in logs
    ]
    try:
        yield procs
    finally:
        for proc, log in zip(procs, logs, strict=True):
            kill_tree(proc.pid)
            proc.wait(timeout=10)
            log.close()


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def kill_tree(pid: int) -> None:
    """SIGKILL a process and its descendants (a worker and its work horse)."""
    import signal

    for child in children_of(pid):
        kill_tree(child)
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@contextmanager
def pointed_at(
    *,
    database_url: str | None = None,
    migration_url: str | None = None,
    redis_url: str | None = None,
) -> Iterator[None]:
    """Point this process (and the workers it starts) at other PostgreSQL/Redis, then back."""
    from invoicehub.db import reset_engine
    from invoicehub.redis_conn import reset_redis

    names = {
        "INVOICEHUB_DATABASE_URL": database_url,
        "INVOICEHUB_MIGRATION_DATABASE_URL": migration_url,
        "INVOICEHUB_REDIS_URL": redis_url,
    }
    saved = {name: os.environ.get(name) for name in names}

    def apply(values: dict[str, str | None]) -> None:
        for name, value in values.items():
            if value is not None:
                os.environ[name] = value
        get_settings.cache_clear()
        reset_engine()
        reset_redis()

    apply(names)
    try:
        yield
    finally:
        apply(saved)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_redis(port: int, data_dir: Path) -> subprocess.Popen[bytes]:
    """A throw-away redis-server without persistence (a restart loses everything)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(data_dir),
            "--maxmemory-policy",
            "noeviction",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis as redis_lib

    wait_for(
        lambda: _pings(redis_lib.Redis(port=port, socket_connect_timeout=0.2)), 10, "redis-server"
    )
    return proc


def _pings(client: Any) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False
