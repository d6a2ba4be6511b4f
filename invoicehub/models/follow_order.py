"""What follows an issued invoice: its payments and its PDF attached to the Allegro order."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from invoicehub.models.base import id_field, money_field, tenant_field, timestamp_field


class InvoicePayment(SQLModel, table=True):
    """One payment received for an invoice; insert-only (a database trigger refuses changes)."""

    __tablename__ = "invoice_payments"

    id: uuid.UUID = id_field()
    tenant_id: uuid.UUID = tenant_field()
    invoice_id: uuid.UUID = Field(foreign_key="invoices.id", index=True)
    amount: Decimal = money_field()
    paid_at: datetime = timestamp_field(default_now=False)
    method: str = Field(max_length=40)
    source: str = Field(default="manual", max_length=32)
    created_at: datetime = timestamp_field()


class UploadStatus(StrEnum):
    PENDING = "pending"  # queued; no answer from Allegro yet
    METADATA_CREATED = "metadata_created"  # Allegro's invoice id is stored, the file is not sent
    UPLOADED = "uploaded"
    FAILED = "failed"  # Allegro refused it: `error` says why; Retry starts over


class AllegroInvoiceUpload(SQLModel, table=True):
    """The invoice PDF attached to its Allegro order: one row per invoice, exactly once."""

    __tablename__ = "allegro_invoice_uploads"
    __table_args__ = (sa.UniqueConstraint("invoice_id", name="ux_allegro_invoice_uploads_invoice"),)

    id: uuid.UUID = id_field()
    tenant_id: uuid.UUID = tenant_field()
    invoice_id: uuid.UUID = Field(foreign_key="invoices.id")
    integration_id: uuid.UUID = Field(foreign_key="allegro_integrations.id", ondelete="CASCADE")
    checkout_form_id: str = Field(max_length=64)
    status: str = Field(default=UploadStatus.PENDING.value, max_length=16)
    allegro_invoice_id: str | None = Field(default=None, max_length=64)
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    error: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    uploaded_at: datetime | None = timestamp_field(nullable=True)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class AllegroFollowCursor(SQLModel, table=True):
    """Where the sync last read an integration's refunds and customer returns."""

    __tablename__ = "allegro_follow_cursors"

    integration_id: uuid.UUID = Field(
        foreign_key="allegro_integrations.id", primary_key=True, ondelete="CASCADE"
    )
    refunds_since: datetime | None = timestamp_field(nullable=True)
    returns_since: datetime | None = timestamp_field(nullable=True)
