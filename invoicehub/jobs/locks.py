"""One sync per integration at a time, across every worker: a PostgreSQL advisory lock.

RQ runs a job at least once, so the same run can be executing twice (a re-enqueued orphan, a
worker wrongly presumed dead). The lock is session-level on a connection held for the whole
sync: if the process dies, PostgreSQL drops the connection and the lock with it, which a Redis
lock with a TTL cannot promise. The dispatcher reads `pg_locks` to tell a live run from an orphan.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from invoicehub.db import get_engine

logger = logging.getLogger(__name__)

_HELD_KEYS = sa.text(
    """
    SELECT (classid::bigint << 32) | objid::bigint AS key
      FROM pg_locks
     WHERE locktype = 'advisory' AND objsubid = 1 AND granted
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    """
)


def lock_key(integration_id: uuid.UUID) -> int:
    """A signed 64-bit key from the integration id."""
    return int.from_bytes(integration_id.bytes[:8], "big", signed=True)


@contextmanager
def integration_lock(integration_id: uuid.UUID) -> Iterator[bool]:
    """Yield True while this process holds the integration's sync lock, False if another does."""
    key = lock_key(integration_id)
    conn = get_engine().connect()
    held = False
    try:
        held = bool(conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
        conn.commit()  # the lock is the session's, not the transaction's: no idle transaction
        yield held
    finally:
        try:
            if held:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
        except sa.exc.DBAPIError:
            logger.warning("sync lock of %s lost with its connection", integration_id)
            conn.invalidate()  # never hand a connection in doubt back to the pool
        finally:
            conn.close()


@contextmanager
def keyed_lock(space: int, item: uuid.UUID, *, wait_ms: int = 0) -> Iterator[bool]:
    """Yield True while this process holds the advisory lock of `item` in the key space `space`
    (two 32-bit keys, apart from the sync locks above). `wait_ms` 0 tries once; otherwise waits
    up to that long. Session-level on its own connection, so a dead process drops it."""
    key = int.from_bytes(item.bytes[:4], "big", signed=True)
    params = {"c": space, "k": key}
    conn = get_engine().connect()
    held = False
    try:
        if wait_ms:
            conn.execute(
                sa.text("SELECT set_config('lock_timeout', :t, false)"), {"t": str(wait_ms)}
            )
            try:
                conn.execute(sa.text("SELECT pg_advisory_lock(:c, :k)"), params)
                held = True
            except sa.exc.OperationalError:  # lock_timeout: another process holds it
                conn.rollback()
            conn.execute(sa.text("RESET lock_timeout"))
        else:
            held = bool(
                conn.execute(sa.text("SELECT pg_try_advisory_lock(:c, :k)"), params).scalar()
            )
        conn.commit()  # the lock is the session's, not the transaction's: no idle transaction
        yield held
    finally:
        try:
            if held:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:c, :k)"), params)
                conn.commit()
        except sa.exc.DBAPIError:
            logger.warning("advisory lock %s/%s lost with its connection", space, item)
            conn.invalidate()  # never hand a connection in doubt back to the pool
        finally:
            conn.close()


def held_lock_keys() -> set[int]:
    """Keys of the advisory locks currently granted in this database (as signed 64-bit ints)."""
    with get_engine().connect() as conn:
        keys = conn.execute(_HELD_KEYS).scalars().all()
    return {key - (1 << 64) if key >= (1 << 63) else key for key in keys}
