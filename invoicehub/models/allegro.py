"""The Allegro binding (integration), its order ledger and its sync runs."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from invoicehub.models.base import id_field, jsonb_field, tenant_field, timestamp_field


class IntegrationStatus(StrEnum):
    ACTIVE = "active"
    NEEDS_REAUTH = "needs_reauth"
    DISABLED = "disabled"
    DISCONNECTED = "disconnected"

    @classmethod
    def inactive(cls) -> frozenset[IntegrationStatus]:
        """Statuses the seed's `is_active` is false in: switched off, not just failing."""
        return frozenset({cls.DISABLED, cls.DISCONNECTED})


class OrderState(StrEnum):
    PENDING = "pending"
    INVOICED = "invoiced"
    SKIPPED = "skipped"
    NEEDS_REVIEW = "needs_review"


class SyncStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @classmethod
    def terminal(cls) -> frozenset[SyncStatus]:
        return frozenset({cls.SUCCEEDED, cls.FAILED})


def login_label(allegro_login: str | None, allegro_user_id: str | None, fallback: str) -> str:
    """How an Allegro account is named: its login, else its Allegro user id, else `fallback`
    (the integration's id in messages; a page's own words where a seller reads it)."""
    return allegro_login or allegro_user_id or fallback


class AllegroIntegration(SQLModel, table=True):
    """The seed's `allegro_integrations` (snake_case columns) plus status, cursor and scheduling.

    `access_token`/`refresh_token` hold only AES-GCM ciphertext from the token vault.
    """

    __tablename__ = "allegro_integrations"
    __table_args__ = (
        sa.Index("ix_allegro_integrations_tenant_user", "tenant_id", "user_id"),
        sa.Index(
            "ix_allegro_integrations_due",
            "next_sync_at",
            postgresql_where=sa.text("status = 'active'"),
        ),
    )

    id: uuid.UUID = id_field()
    tenant_id: uuid.UUID = Field(foreign_key="tenants.id", ondelete="CASCADE")
    user_id: uuid.UUID = Field(foreign_key="users.id")
    allegro_user_id: str | None = Field(default=None, max_length=100, unique=True)
    access_token: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    refresh_token: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    token_expires_at: datetime | None = timestamp_field(nullable=True)
    last_sync_at: datetime | None = timestamp_field(nullable=True)
    sync_error_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    last_sync_error: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    settings: dict[str, Any] | None = jsonb_field()
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
    # Extra columns (ARCHITECTURE §4).
    status: str = Field(default=IntegrationStatus.ACTIVE.value, max_length=16, index=True)
    allegro_login: str | None = Field(default=None, max_length=100)
    event_cursor: str | None = Field(default=None, max_length=40)
    next_sync_at: datetime | None = timestamp_field(nullable=True)
    token_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Set while a platform admin keeps the integration disabled: reconnecting cannot lift it.
    admin_disabled_at: datetime | None = timestamp_field(nullable=True)
    admin_disabled_reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    # The last listing of recent orders compared with the ledger (the daily reconciliation).
    reconciled_at: datetime | None = timestamp_field(nullable=True)

    @property
    def is_active(self) -> bool:
        """The seed's flag, derived from the status (migration 0013 dropped the column)."""
        return self.status not in IntegrationStatus.inactive()

    @property
    def login_label(self) -> str:
        """How messages name the account: its Allegro login, else its ids."""
        return login_label(self.allegro_login, self.allegro_user_id, str(self.id))


class AllegroOrder(SQLModel, table=True):
    """The ledger: one row per integration and checkout form, whatever Allegro repeats."""

    __tablename__ = "allegro_orders"
    __table_args__ = (
        sa.UniqueConstraint(
            "integration_id", "checkout_form_id", name="ux_allegro_orders_integration_form"
        ),
        sa.Index("ix_allegro_orders_integration_state", "integration_id", "state"),
        sa.Index(
            "ix_allegro_orders_fetch_retry",
            "integration_id",
            "fetch_retry_at",
            postgresql_where=sa.text("fetch_retry_at IS NOT NULL"),
        ),
    )

    id: uuid.UUID = id_field()
    tenant_id: uuid.UUID = tenant_field()
    integration_id: uuid.UUID = Field(foreign_key="allegro_integrations.id", ondelete="CASCADE")
    checkout_form_id: str = Field(max_length=64)
    revision: str | None = Field(default=None, max_length=64)
    allegro_status: str = Field(max_length=32)
    raw: dict[str, Any] = jsonb_field(nullable=False, default=dict)
    state: str = Field(default=OrderState.PENDING.value, max_length=16)
    reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    needs_correction: bool = Field(default=False)
    invoice_id: uuid.UUID | None = Field(default=None, foreign_key="invoices.id")
    allegro_updated_at: datetime | None = timestamp_field(nullable=True)
    # Allegro refused to send the order (a 404 right after its event): fetch it again then.
    fetch_attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    fetch_retry_at: datetime | None = timestamp_field(nullable=True)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


SCHEDULED_TRIGGER = "scheduled"  # the dispatcher's runs; every other trigger is a person asking


class SyncRun(SQLModel, table=True):
    __tablename__ = "sync_runs"
    __table_args__ = (sa.Index("ix_sync_runs_integration_queued", "integration_id", "queued_at"),)

    id: uuid.UUID = id_field()
    tenant_id: uuid.UUID = tenant_field()
    integration_id: uuid.UUID = Field(foreign_key="allegro_integrations.id", ondelete="CASCADE")
    trigger: str = Field(default=SCHEDULED_TRIGGER, max_length=16)
    status: str = Field(default=SyncStatus.QUEUED.value, max_length=16)
    attempts: int = Field(default=0)
    job_id: str | None = Field(default=None, max_length=100)
    queued_at: datetime = timestamp_field()
    started_at: datetime | None = timestamp_field(nullable=True)
    finished_at: datetime | None = timestamp_field(nullable=True)
    orders_fetched: int = Field(default=0)
    invoices_created: int = Field(default=0)
    customers_created: int = Field(default=0)
    products_created: int = Field(default=0)
    skipped: int = Field(default=0)
    needs_review: int = Field(default=0)
    corrections_issued: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    error: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
