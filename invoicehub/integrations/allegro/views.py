"""Typed views of an integration and of a sync run, as services hand them to the API and the UI.

Snake_case fields and real types (UUIDs, aware datetimes); the API alone spells them in camelCase.
Frozen pydantic models, so a view can be cached in Redis by field name and read back as it was.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from invoicehub.models import AllegroIntegration, SyncRun


class IntegrationView(BaseModel):
    """An integration without any token."""

    model_config = ConfigDict(frozen=True)

    id: uuid.UUID
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    allegro_user_id: str | None
    allegro_login: str | None
    status: str
    is_active: bool
    token_expires_at: datetime | None
    last_sync_at: datetime | None
    next_sync_at: datetime | None
    sync_error_count: int
    last_sync_error: str | None
    admin_disabled_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, integration: AllegroIntegration) -> IntegrationView:
        return cls(
            id=integration.id,
            tenant_id=integration.tenant_id,
            user_id=integration.user_id,
            allegro_user_id=integration.allegro_user_id,
            allegro_login=integration.allegro_login,
            status=integration.status,
            is_active=integration.is_active,
            token_expires_at=integration.token_expires_at,
            last_sync_at=integration.last_sync_at,
            next_sync_at=integration.next_sync_at,
            sync_error_count=integration.sync_error_count,
            last_sync_error=integration.last_sync_error,
            admin_disabled_at=integration.admin_disabled_at,
            created_at=integration.created_at,
            updated_at=integration.updated_at,
        )


class RunView(BaseModel):
    """A sync run: what started it, where it is, and what it did."""

    model_config = ConfigDict(frozen=True)

    run_id: uuid.UUID
    integration_id: uuid.UUID
    trigger: str
    status: str
    attempts: int
    queued_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    orders_fetched: int
    invoices_created: int
    customers_created: int
    products_created: int
    skipped: int
    needs_review: int
    corrections_issued: int
    error: str | None

    @classmethod
    def of(cls, run: SyncRun) -> RunView:
        return cls(
            run_id=run.id,
            integration_id=run.integration_id,
            trigger=run.trigger,
            status=run.status,
            attempts=run.attempts,
            queued_at=run.queued_at,
            started_at=run.started_at,
            finished_at=run.finished_at,
            orders_fetched=run.orders_fetched,
            invoices_created=run.invoices_created,
            customers_created=run.customers_created,
            products_created=run.products_created,
            skipped=run.skipped,
            needs_review=run.needs_review,
            corrections_issued=run.corrections_issued,
            error=run.error,
        )
