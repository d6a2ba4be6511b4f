"""Shared helpers for domain code that writes with Core statements (upserts, bulk inserts)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, SQLModel

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def adopt_inserted(session: Session, obj: SQLModel) -> None:
    """Make an entity whose row a Core INSERT just wrote persistent, without another SELECT."""
    make_transient_to_detached(obj)
    session.add(obj)


def table_of(model: type[SQLModel]) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


def like_pattern(search: str) -> str:
    """An ILIKE pattern matching `search` literally anywhere (%, _ and \\ escaped)."""
    escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def page_bounds(page: int, page_size: int) -> tuple[int, int]:
    """(limit, offset) of a 1-based page, the size clamped to 1..MAX_PAGE_SIZE."""
    size = min(max(page_size, 1), MAX_PAGE_SIZE)
    return size, (max(page, 1) - 1) * size


# Row ids this session has seen belong to a tenant (ids are UUIDs, unique across tables, and
# a row never changes tenant), so create_invoice need not check them again.
_TENANT_ROWS = "invoicehub.tenant_rows"


def remember_tenant_rows(
    session: Session, tenant_id: uuid.UUID, ids: Iterable[uuid.UUID | None]
) -> None:
    known: dict[uuid.UUID, set[uuid.UUID]] = session.info.setdefault(_TENANT_ROWS, {})
    known.setdefault(tenant_id, set()).update(i for i in ids if i is not None)


def tenant_rows_unverified(
    session: Session, tenant_id: uuid.UUID, ids: Iterable[uuid.UUID | None]
) -> bool:
    """True when some of `ids` have not been seen in this session as the tenant's rows."""
    known = session.info.get(_TENANT_ROWS, {}).get(tenant_id, set())
    return any(i is not None and i not in known for i in ids)
