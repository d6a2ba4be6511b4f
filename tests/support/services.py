"""Real PostgreSQL and Redis for the tests, started through scripts/services.sh."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg
from sqlalchemy import Engine, NullPool, create_engine

ROOT = Path(__file__).resolve().parents[2]
TEST_DATA_DIR = ROOT / ".data" / "test"
PG_PORT = int(os.environ.get("INVOICEHUB_TEST_PG_PORT", "5435"))
REDIS_PORT = int(os.environ.get("INVOICEHUB_TEST_REDIS_PORT", "6385"))
TEST_DB = f"invoicehub_test_{os.getpid()}"  # one database per pytest process: runs may overlap
REDIS_DB_SLOTS = range(1, 16)


def start_services() -> None:
    env = {
        **os.environ,
        "PG_EXTRA_OPTS": "-c fsync=off -c synchronous_commit=off",
        "REDIS_APPENDONLY": "no",
    }
    subprocess.run(
        [
            str(ROOT / "scripts/services.sh"),
            "start",
            str(TEST_DATA_DIR),
            str(PG_PORT),
            str(REDIS_PORT),
        ],
        check=True,
        env=env,
    )


def admin_dsn() -> str:
    return f"postgresql://postgres@127.0.0.1:{PG_PORT}/postgres"


def recreate_database(name: str = TEST_DB) -> str:
    with psycopg.connect(admin_dsn(), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" OWNER invoicehub')
    return owner_url(name)


def owner_url(name: str = TEST_DB) -> str:
    """The tables' owner (scripts/services.sh creates it): migrations and test set-up DDL."""
    return f"postgresql+psycopg://invoicehub:invoicehub@127.0.0.1:{PG_PORT}/{name}"


def app_url(name: str = TEST_DB) -> str:
    """The role the web and the workers use: rows only, owns nothing (migration 0010)."""
    return f"postgresql+psycopg://invoicehub_app:invoicehub_app@127.0.0.1:{PG_PORT}/{name}"


def superuser_dsn(name: str = TEST_DB) -> str:
    return f"postgresql://postgres@127.0.0.1:{PG_PORT}/{name}"


def redis_url(db: int = 0) -> str:
    return f"redis://127.0.0.1:{REDIS_PORT}/{db}"


def drop_database(name: str = TEST_DB) -> None:
    with psycopg.connect(admin_dsn(), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def claim_redis_db() -> int:
    """Claim a Redis database number for this pytest process (overlapping runs get their own)."""
    import redis

    registry = redis.Redis(host="127.0.0.1", port=REDIS_PORT, db=0)
    for slot in REDIS_DB_SLOTS:
        if registry.set(f"test-slot:{slot}", os.getpid(), nx=True, ex=3 * 3600):
            return slot
        owner = int(registry.get(f"test-slot:{slot}") or 0)
        if owner and not _alive(owner):
            registry.set(f"test-slot:{slot}", os.getpid(), ex=3 * 3600)
            return slot
    raise RuntimeError("no free Redis database for this test run")


def release_redis_db(slot: int) -> None:
    import redis

    redis.Redis(host="127.0.0.1", port=REDIS_PORT, db=0).delete(f"test-slot:{slot}")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def owner_engine() -> Engine:
    """An engine as the tables' owner, for set-up the app role may not do (DDL in a test)."""
    return create_engine(owner_url(), poolclass=NullPool)


def analyze(*tables: str) -> None:
    """Planner statistics for freshly loaded tables: ANALYZE is the owner's (the app role's is
    skipped with a warning), and it sees committed rows only."""
    with owner_engine().connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            f"ANALYZE {', '.join(tables)}"
        )
