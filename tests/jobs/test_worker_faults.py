"""Real worker processes under faults: a worker killed mid-sync (scorecard 5), Redis restarted
(9) and PostgreSQL stopped hard (10) during a sync. Each ends with the state a run without
faults leaves: every ready order invoiced once, numbers 1..N without a gap."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from rq import Worker
from sqlmodel import Session

from invoicehub.integrations.allegro.runs.dispatcher import requeue_orphaned_runs
from invoicehub.integrations.allegro.runs.requests import request_sync
from invoicehub.models import SyncRun
from invoicehub.redis_conn import get_redis
from tests.sync.helpers import (
    ROOT,
    connect_seller,
    free_port,
    invoice_numbers,
    invoiced_orders,
    kill_tree,
    ledger_states,
    pointed_at,
    run_of,
    seller_forms,
    start_redis,
    wait_for,
    worker_processes,
)

pytestmark = pytest.mark.slow
ORDERS = 2500
FAST_RECOVERY = (
    "--worker-ttl",
    "10",
    "--maintenance-interval",
    "1",
    "--job-monitoring-interval",
    "1",
    "--heartbeat-margin",
    "2",
)
STATE = {"READY_FOR_PROCESSING": "invoiced", "CANCELLED": "skipped"}


def assert_same_as_a_run_without_faults(session: Session, integration_id: uuid.UUID) -> None:
    forms = seller_forms(session, integration_id)
    ready = {
        f["id"]: Decimal(f["summary"]["totalToPay"]["amount"])
        for f in forms
        if f["status"] == "READY_FOR_PROCESSING"
    }
    assert ledger_states(integration_id) == {
        f["id"]: STATE.get(f["status"], "pending") for f in forms
    }
    assert invoiced_orders(integration_id) == ready
    assert invoice_numbers(integration_id) == list(range(1, len(ready) + 1))


def wait_for_progress(session: Session, run_id: uuid.UUID, orders: int = 400) -> None:
    wait_for(
        lambda: run_of(session, run_id).orders_fetched >= orders, 90, "the sync to commit pages"
    )
    assert run_of(session, run_id).status == "running"


def wait_for_success(session: Session, run_id: uuid.UUID, timeout: float = 150) -> SyncRun:
    wait_for(lambda: run_of(session, run_id).status in ("succeeded", "failed"), timeout, "the run")
    run = run_of(session, run_id)
    assert run.status == "succeeded", run.error
    return run


def test_sync_finishes_on_the_other_worker_after_its_worker_is_killed(session, control):
    """Scorecard 5: SIGKILL the worker running the sync (and its work horse)."""
    seller = connect_seller(session, control, "killed", orders=ORDERS, seed=21)
    with worker_processes(2, *FAST_RECOVERY) as workers:
        wait_for(lambda: len(Worker.all(connection=get_redis())) == 2, 30, "two workers")
        run = request_sync(session, seller.principal, seller.integration_id)
        wait_for_progress(session, run.id)
        busy = [w for w in Worker.all(connection=get_redis()) if w.get_state() == "busy"]
        assert len(busy) == 1
        victim = next(p for p in workers if p.pid == busy[0].pid)
        kill_tree(victim.pid)
        # The dead worker's scheduler lock would expire after 61 s; expire it now.
        for key in get_redis().scan_iter("rq:scheduler-lock:*"):
            get_redis().delete(key)
        run = wait_for_success(session, run.id)
    assert run.attempts >= 2
    assert_same_as_a_run_without_faults(session, seller.integration_id)


def test_sync_survives_a_redis_restart_and_workers_reconnect(session, control, tmp_path):
    """Scorecard 9: redis-server killed and started empty while a sync runs."""
    port = free_port()
    redis_proc = start_redis(port, tmp_path / "redis")
    try:
        with pointed_at(redis_url=f"redis://127.0.0.1:{port}/0"):
            seller = connect_seller(session, control, "redis_restart", orders=ORDERS, seed=31)
            with worker_processes(2, *FAST_RECOVERY):
                run = request_sync(session, seller.principal, seller.integration_id)
                wait_for_progress(session, run.id)
                redis_proc.kill()
                redis_proc.wait()
                time.sleep(1)
                redis_proc = start_redis(port, tmp_path / "redis")
                requeue_orphaned_runs()  # the dispatcher's pass (nothing young is requeued)
                wait_for_success(session, run.id)
                control.post(
                    "/__emulator/sellers/redis_restart/orders/generate",
                    json={"count": 30, "seed": 32},
                ).raise_for_status()
                second = request_sync(
                    session, seller.principal, seller.integration_id, enforce_rate_limit=False
                )
                assert second.id != run.id
                wait_for_success(session, second.id, timeout=60)  # the workers reconnected
            assert_same_as_a_run_without_faults(session, seller.integration_id)
    finally:
        redis_proc.kill()
        redis_proc.wait()


def test_sync_survives_a_postgresql_immediate_stop_without_numbering_gaps(session, control):
    """Scorecard 10: `pg_ctl stop -m immediate` then start while a sync runs."""
    data_dir = ROOT / ".data" / "private" / f"pg-{uuid.uuid4().hex[:8]}"
    pg_port, redis_port = free_port(), free_port()
    services = [
        str(ROOT / "scripts/services.sh"),
        "start",
        str(data_dir),
        str(pg_port),
        str(redis_port),
    ]
    subprocess.run(services, check=True, env={"PG_EXTRA_OPTS": "-c fsync=off", "PATH": _path()})
    # The workers log in as the app role, the migrations as the owner (both made by services.sh).
    owner_url = f"postgresql+psycopg://invoicehub:invoicehub@127.0.0.1:{pg_port}/invoicehub"
    app_url = owner_url.replace("invoicehub:invoicehub@", "invoicehub_app:invoicehub_app@")
    try:
        with pointed_at(
            database_url=app_url,
            migration_url=owner_url,
            redis_url=f"redis://127.0.0.1:{redis_port}/0",
        ):
            _migrate()
            seller = connect_seller(
                session_for_private(), control, "pg_restart", orders=ORDERS, seed=41
            )
            with worker_processes(2, *FAST_RECOVERY), session_for_private() as own:
                run = request_sync(own, seller.principal, seller.integration_id)
                wait_for_progress(own, run.id)
                _pg_ctl(data_dir, "-m", "immediate", "stop")
                time.sleep(0.5)
                subprocess.run(services, check=True, env={"PATH": _path()})
                done = wait_for_success(own, run.id)
                assert done.attempts >= 2  # the same run, retried after the outage
                second = request_sync(
                    own, seller.principal, seller.integration_id, enforce_rate_limit=False
                )
                wait_for_success(own, second.id, timeout=60)
                assert_same_as_a_run_without_faults(own, seller.integration_id)
    finally:
        stop = [
            str(ROOT / "scripts/services.sh"),
            "stop",
            str(data_dir),
            str(pg_port),
            str(redis_port),
        ]
        subprocess.run(stop, check=False, env={"PATH": _path()})
        shutil.rmtree(data_dir, ignore_errors=True)


def session_for_private() -> Session:
    from invoicehub.db import get_engine

    return Session(get_engine(), expire_on_commit=False)


def _migrate() -> None:
    from alembic.config import Config

    from alembic import command

    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["skip_logging"] = True
    command.upgrade(config, "head")


def _pg_ctl(data_dir: Path, *args: str) -> None:
    pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    pg_data = subprocess.run(
        [str(ROOT / "scripts/services.sh"), "pgdata", str(data_dir)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    command = [str(pg_bin / "pg_ctl"), "-D", pg_data, "-w", *args]
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True)


def _path() -> str:
    import os

    return os.environ["PATH"]
