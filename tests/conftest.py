"""Shared fixtures: one real PostgreSQL + Redis for the session, a clean slate for every test."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support import services

# Point the application at the test services before anything reads the settings.
services.start_services()
# Migrations run as the tables' owner, the code under test as the app role (as in production).
TEST_MIGRATION_DATABASE_URL = services.recreate_database()
TEST_DATABASE_URL = services.app_url()
os.environ["INVOICEHUB_MIGRATION_DATABASE_URL"] = TEST_MIGRATION_DATABASE_URL
os.environ["INVOICEHUB_DATABASE_URL"] = TEST_DATABASE_URL
REDIS_DB = services.claim_redis_db()
os.environ["INVOICEHUB_REDIS_URL"] = services.redis_url(REDIS_DB)
os.environ.setdefault("INVOICEHUB_JWT_SECRET", "test-jwt-secret-not-for-production-0123456789")
os.environ.setdefault("INVOICEHUB_TOKEN_KEYS", "k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")

from functools import lru_cache  # noqa: E402

from sqlalchemy import Engine, create_engine  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from invoicehub.db import get_engine  # noqa: E402
from invoicehub.redis_conn import get_redis  # noqa: E402
from invoicehub.settings import get_settings  # noqa: E402

KEEP_TABLES = {"alembic_version"}
BUILT_IN_TEMPLATES_SQL = """
INSERT INTO invoice_templates (id, tenant_id, code, name, is_default, created_at) VALUES
  ('00000000-0000-4000-8000-000000000001', NULL, 'standard', 'Standard', true, now()),
  ('00000000-0000-4000-8000-000000000002', NULL, 'compact', 'Compact', false, now())
ON CONFLICT (id) DO NOTHING
"""


def _upgrade_database() -> None:
    from alembic.config import Config

    from alembic import command

    config = Config(str(services.ROOT / "alembic.ini"))
    config.attributes["skip_logging"] = True
    command.upgrade(config, "head")


get_settings.cache_clear()
_upgrade_database()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from invoicehub.db import reset_engine

    reset_engine()
    services.drop_database()
    services.release_redis_db(REDIS_DB)


@lru_cache(maxsize=1)
def _cleaner() -> Engine:
    """A superuser in replica mode: the ledger's triggers refuse TRUNCATE to everyone else."""
    return create_engine(
        services.superuser_dsn().replace("postgresql://", "postgresql+psycopg://", 1),
        connect_args={"options": "-c session_replication_role=replica"},
        pool_size=1,
        pool_pre_ping=True,
    )


def truncate_all() -> None:
    import invoicehub.models  # noqa: F401

    tables = [t.name for t in SQLModel.metadata.sorted_tables if t.name not in KEEP_TABLES]
    with _cleaner().begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        conn.exec_driver_sql(BUILT_IN_TEMPLATES_SQL)  # TRUNCATE ... CASCADE took the built-ins too


@pytest.fixture(autouse=True)
def clean_state() -> Iterator[None]:
    """Every test starts with empty tables (built-in templates kept) and an empty Redis."""
    truncate_all()
    get_redis().flushdb()
    yield


@pytest.fixture
def session() -> Iterator[Session]:
    with Session(get_engine(), expire_on_commit=False) as s:
        yield s


@pytest.fixture(scope="session")
def emulator_url() -> Iterator[str]:
    from tests.support.emulator import emulator_process

    port = services.free_port()
    with emulator_process(port) as url:
        os.environ["INVOICEHUB_EMULATOR_URL"] = url
        get_settings.cache_clear()
        yield url


@pytest.fixture
def api():
    """The API mounted at /api/v1 exactly as the web process mounts it (security headers too)."""
    from fastapi.testclient import TestClient

    from invoicehub.web import mounted_apps, security_headers

    with TestClient(
        security_headers(mounted_apps()), base_url="http://127.0.0.1:8000/api/v1"
    ) as client:  # type: ignore[arg-type]
        yield client
