"""Real PostgreSQL and Redis for the tests, started through scripts/services.sh."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
TEST_DATA_DIR = ROOT / ".data" / "test"
PG_PORT = int(os.environ.get("INVOICEHUB_TEST_PG_PORT", "5435"))
REDIS_PORT = int(os.environ.get("INVOICEHUB_TEST_REDIS_PORT", "6385"))
TEST_DB = "invoicehub_test"


def start_services() -> None:
    env = {**os.environ, "PG_EXTRA_OPTS": "-c fsync=off -c synchronous_commit=off", "REDIS_APPENDONLY": "no"}
    subprocess.run(
        [str(ROOT / "scripts/services.sh"), "start", str(TEST_DATA_DIR), str(PG_PORT), str(REDIS_PORT)],
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
    return f"postgresql+psycopg://invoicehub:invoicehub@127.0.0.1:{PG_PORT}/{name}"


def redis_url(db: int = 0) -> str:
    return f"redis://127.0.0.1:{REDIS_PORT}/{db}"
