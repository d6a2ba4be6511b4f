"""Notifications for users and the platform admin, and the insert-only audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from invoicehub.models.base import id_field, jsonb_field, timestamp_field


class Audience(StrEnum):
    USER = "user"
    ADMIN = "admin"


class Notification(SQLModel, table=True):
    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_audience_read", "audience", "read_at"),)

    id: uuid.UUID = id_field()
    audience: str = Field(default=Audience.USER.value, max_length=8)
    tenant_id: uuid.UUID | None = Field(default=None, foreign_key="tenants.id", index=True)
    user_id: uuid.UUID | None = Field(default=None, foreign_key="users.id", index=True)
    integration_id: uuid.UUID | None = Field(default=None)
    kind: str = Field(max_length=40)
    title: str = Field(max_length=200)
    body: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    read_at: datetime | None = timestamp_field(nullable=True)
    created_at: datetime = timestamp_field()


class AuditEvent(SQLModel, table=True):
    """Insert-only (a trigger refuses UPDATE and DELETE)."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_created", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: uuid.UUID | None = Field(default=None, index=True)
    user_id: uuid.UUID | None = Field(default=None)
    action: str = Field(max_length=60)
    target_type: str = Field(default="", max_length=40)
    target_id: str = Field(default="", max_length=64)
    before: dict[str, Any] | None = jsonb_field()
    after: dict[str, Any] | None = jsonb_field()
    ip: str | None = Field(default=None, max_length=64)
    created_at: datetime = timestamp_field()
