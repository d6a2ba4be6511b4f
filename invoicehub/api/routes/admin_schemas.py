"""The admin API's answers: the admin views (admin/overview.py, admin/feed.py, jobs/overview.py)
as the API spells them, in camelCase."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from invoicehub.api.schema import ApiModel


class AdminIntegrationOut(ApiModel):
    id: str
    tenant_id: str
    tenant_name: str
    user_id: str
    user_email: str
    allegro_user_id: str | None
    allegro_login: str | None
    status: str
    is_active: bool
    token_expires_at: datetime | None
    last_sync_at: datetime | None
    next_sync_at: datetime | None
    sync_error_count: int
    last_sync_error: str | None
    admin_disabled_at: datetime | None = Field(
        description="Set while an admin keeps it disabled (the seller cannot reconnect it)"
    )
    created_at: datetime
    updated_at: datetime


class IntegrationSummaryOut(ApiModel):
    total: int
    active: int
    errors: int
    last_sync_at: datetime | None


class NotificationOut(ApiModel):
    id: str
    kind: str
    title: str
    body: str
    tenant_id: str | None
    integration_id: str | None
    read: bool
    read_at: datetime | None
    created_at: datetime


class AuditEventOut(ApiModel):
    id: int
    tenant_id: str | None
    user_id: str | None
    action: str
    target_type: str
    target_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    ip: str | None
    created_at: datetime


class QueueStatsOut(ApiModel):
    name: str
    queued: int
    started: int
    failed: int
    scheduled: int


class WorkerOut(ApiModel):
    name: str
    state: str
    queues: list[str]
    last_heartbeat: datetime | None


class QueueOverviewOut(ApiModel):
    queues: list[QueueStatsOut]
    workers: list[WorkerOut]
