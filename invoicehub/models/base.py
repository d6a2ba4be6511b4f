"""Column helpers shared by every table: UUID keys, timezone-aware timestamps, money."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

MONEY = sa.Numeric(12, 2)


def utcnow() -> datetime:
    return datetime.now(UTC)


def id_field() -> Any:
    return Field(default_factory=uuid.uuid4, primary_key=True)


def tenant_field() -> Any:
    return Field(foreign_key="tenants.id", index=True, ondelete="CASCADE")


def timestamp_field(
    *, nullable: bool = False, index: bool = False, default_now: bool = True
) -> Any:
    column = sa.Column(
        sa.DateTime(timezone=True),
        nullable=nullable,
        index=index,
        server_default=sa.func.now() if default_now and not nullable else None,
    )
    if nullable:
        return Field(default=None, sa_column=column)
    return Field(default_factory=utcnow, sa_column=column)


def money_field(*, nullable: bool = False) -> Any:
    if nullable:
        return Field(default=None, sa_column=sa.Column(MONEY, nullable=True))
    return Field(default=Decimal("0.00"), sa_column=sa.Column(MONEY, nullable=False))


def jsonb_field(*, nullable: bool = True, default: Any = None) -> Any:
    column = sa.Column(JSONB, nullable=nullable)
    if default is None:
        return Field(default=None, sa_column=column)
    return Field(default_factory=default, sa_column=column)
