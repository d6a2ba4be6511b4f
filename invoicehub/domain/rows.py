"""Shared helpers for domain code that writes with Core statements (upserts, bulk inserts)."""

from __future__ import annotations

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
