"""Shared helpers for domain code that writes with Core statements (upserts, bulk inserts)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, SQLModel

ModelT = TypeVar("ModelT", bound=SQLModel)

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def attach_row(session: Session, model: type[ModelT], row: Mapping[str, Any]) -> ModelT:
    """Turn a row returned by a Core INSERT/UPDATE ... RETURNING into a persistent entity.

    The upserts write with Core (ON CONFLICT needs it) and get the full row back; making it
    persistent without another SELECT keeps one round trip per upsert, and later `session.get`
    calls (e.g. create_invoice checking a customer's tenant) are answered from the identity map.
    """
    columns = model.__table__.columns.keys()  # type: ignore[attr-defined]
    obj = model(**{key: row[key] for key in columns})
    make_transient_to_detached(obj)
    return session.merge(obj, load=False)


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


def new_id() -> uuid.UUID:
    return uuid.uuid4()
