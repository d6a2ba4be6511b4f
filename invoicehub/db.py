"""Database engine and sessions (one engine per process, pre-ping so a restarted server heals)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine
from sqlmodel import Session, create_engine

from invoicehub.settings import get_settings

POOL_SIZE = 10
POOL_MAX_OVERFLOW = 20


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    return create_engine(
        get_settings().database_url,
        pool_pre_ping=True,
        pool_size=POOL_SIZE,
        max_overflow=POOL_MAX_OVERFLOW,
        hide_parameters=True,
    )


@lru_cache(maxsize=1)
def get_read_engine() -> Engine:
    """The same pool in autocommit, for single-statement reads on hot routes.

    A read of one statement is as consistent in autocommit, and it saves the BEGIN and
    ROLLBACK round trips that a transaction adds around it.
    """
    return get_engine().execution_options(isolation_level="AUTOCOMMIT")


def reset_engine() -> None:
    """Forget the engine (tests point processes at a fresh database)."""
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_engine.cache_clear()
    get_read_engine.cache_clear()


def read_session() -> Session:
    """A session on the autocommit engine, for reads of one statement at a time."""
    return Session(get_read_engine(), expire_on_commit=False)


@contextmanager
def open_session() -> Iterator[Session]:
    """A session that never commits (what a route's `SessionDep` is to a Reflex handler).

    The caller reads with it, or hands it to a service that owns the unit of work and commits
    it; whatever is left uncommitted is rolled back when the block ends. Routes and Reflex
    handlers use this, never `session_scope` (tests/unit/test_architecture.py checks).
    """
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


@contextmanager
def session_scope() -> Iterator[Session]:
    """A unit of work for services, jobs and the CLI: commit on success, roll back on error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
