"""Shared helpers for domain code that writes with Core statements (upserts, bulk inserts)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import configure_mappers, make_transient_to_detached
from sqlmodel import Session, SQLModel

M = TypeVar("M", bound=SQLModel)


def adopt_inserted(session: Session, obj: SQLModel) -> None:
    """Make an entity whose row a Core INSERT just wrote persistent, without another SELECT."""
    make_transient_to_detached(obj)
    session.add(obj)


def adopt_row(session: Session, model: type[M], values: Mapping[str, Any]) -> M:
    """adopt_inserted for the row a Core INSERT wrote from `values`.

    With every column in `values` the entity is built the way a query loads one, without the
    constructor's per-field attribute events (a sixth of its cost: a sync adopts thousands).
    """
    mapper = sa.inspect(model)
    if mapper.columns.keys() - values.keys():
        obj = model(**values)
    else:
        configure_mappers()
        obj = mapper.class_manager.new_instance()
        obj.__dict__.update(values)
    adopt_inserted(session, obj)
    return obj


def table_of(model: type[SQLModel]) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined]


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
