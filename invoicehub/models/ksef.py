"""KSeF sending: the company's connection settings and one submission row per invoice.

Issued invoices are immutable, so everything KSeF says about an invoice (status, KSeF number,
UPO, the exact XML bytes sent) lives here, beside it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from invoicehub.models.base import id_field, tenant_field, timestamp_field


class KsefStatus(StrEnum):
    NOT_SENT = "not_sent"  # no submission yet (auto-send off, or issued before it was on)
    QUEUED = "queued"  # waiting for the `ksef` worker
    SENT = "sent"  # KSeF took it in a session; its status is not final yet
    ACCEPTED = "accepted"  # KSeF number, acquisition date and UPO stored
    REJECTED = "rejected"  # KSeF (or our XSD check) refused it: error_code + error_description
    OFFLINE = "offline"  # KSeF unreachable: sent with offlineMode when it is back

    # Statuses the sender picks up.
    @classmethod
    def sendable(cls) -> tuple[str, ...]:
        return (cls.QUEUED.value, cls.OFFLINE.value, cls.SENT.value)


class KsefConnection(SQLModel, table=True):
    """A company's KSeF settings. The KSeF token is stored only encrypted (vault, own AAD)."""

    __tablename__ = "ksef_connections"

    id: uuid.UUID = id_field()
    tenant_id: uuid.UUID = tenant_field()
    company_id: uuid.UUID = Field(foreign_key="companies.id", unique=True, ondelete="CASCADE")
    environment: str = Field(default="emulator", max_length=16)
    token_encrypted: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    auto_send: bool = Field(default=False)
    verified_at: datetime | None = timestamp_field(nullable=True)
    last_error: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    # The KSeF certificate of type Offline signing KOD II (integrations/ksef/offline_cert.py):
    # the certificate (Base64 DER, public), its serial and end of validity; the private key
    # sealed in the vault with its own AAD, never returned or logged.
    offline_certificate: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    offline_certificate_serial: str | None = Field(default=None, max_length=40)
    offline_certificate_valid_to: datetime | None = timestamp_field(nullable=True)
    offline_key_encrypted: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class KsefSubmission(SQLModel, table=True):
    """One invoice's way through KSeF (unique per invoice: an invoice is sent exactly once)."""

    __tablename__ = "ksef_submissions"
    __table_args__ = (
        sa.UniqueConstraint("invoice_id", name="ux_ksef_submissions_invoice"),
        sa.Index("ix_ksef_submissions_company_status", "company_id", "status"),
        sa.Index("ix_ksef_submissions_tenant_status", "tenant_id", "status"),
        sa.Index(
            "ix_ksef_submissions_send_deadline",
            "send_deadline",
            postgresql_where=sa.text("send_deadline IS NOT NULL"),
        ),
    )

    id: uuid.UUID = id_field()
    tenant_id: uuid.UUID = tenant_field()
    company_id: uuid.UUID = Field(foreign_key="companies.id", ondelete="CASCADE")
    invoice_id: uuid.UUID = Field(foreign_key="invoices.id")
    status: str = Field(default=KsefStatus.QUEUED.value, max_length=16)
    environment: str = Field(default="emulator", max_length=16)
    # The exact FA(3) bytes sent (built once, validated against the XSD, then reused on resend).
    xml: bytes | None = Field(default=None, sa_column=sa.Column(sa.LargeBinary))
    xml_sha256: str | None = Field(default=None, max_length=64)
    session_reference: str | None = Field(default=None, max_length=64)
    invoice_reference: str | None = Field(default=None, max_length=64)
    ksef_number: str | None = Field(default=None, max_length=40, index=True)
    acquisition_date: datetime | None = timestamp_field(nullable=True)
    upo_xml: bytes | None = Field(default=None, sa_column=sa.Column(sa.LargeBinary))
    error_code: str | None = Field(default=None, max_length=16)
    error_description: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    offline: bool = Field(default=False)
    offline_since: datetime | None = timestamp_field(nullable=True)
    # domain/ksef_offline.py: the offline mode and the last Polish day to send to KSeF; the last
    # deadline notice sent to the seller (due_soon | overdue).
    offline_mode: str | None = Field(default=None, max_length=16)
    send_deadline: date | None = Field(default=None)
    deadline_notice: str | None = Field(default=None, max_length=16)
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    sent_at: datetime | None = timestamp_field(nullable=True)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
