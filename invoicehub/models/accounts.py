"""Tenants, users, their server-side sessions, and the seller companies that issue invoices."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from invoicehub.models.base import id_field, tenant_field, timestamp_field

DEFAULT_SERIES_PATTERN = "FV/{YYYY}/{MM}/{N}"
DEFAULT_CORRECTION_SERIES = "KOR/{YYYY}/{MM}/{N}"  # faktury korygujące: their own series


class Role(StrEnum):
    USER = "user"
    ADMIN = "admin"


class Tenant(SQLModel, table=True):
    __tablename__ = "tenants"

    id: uuid.UUID = id_field()
    name: str = Field(max_length=200)
    created_at: datetime = timestamp_field()


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (sa.Index("ux_users_email_lower", sa.text("lower(email)"), unique=True),)

    id: uuid.UUID = id_field()
    tenant_id: uuid.UUID = tenant_field()
    email: str = Field(max_length=254)
    name: str = Field(default="", max_length=200)
    password_hash: str = Field(max_length=255)
    role: str = Field(default=Role.USER.value, max_length=16)
    # The interface language the user chose ("pl" or "en"); invoices and PDFs stay Polish.
    language: str = Field(default="pl", max_length=5, sa_column_kwargs={"server_default": "pl"})
    is_active: bool = Field(default=True)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class UserSession(SQLModel, table=True):
    """A browser login: only the SHA-256 of the cookie token is stored."""

    __tablename__ = "user_sessions"

    id: uuid.UUID = id_field()
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = timestamp_field()
    expires_at: datetime = timestamp_field(default_now=False)


class Company(SQLModel, table=True):
    """The seller: the tenant's legal entity printed on its invoices."""

    __tablename__ = "companies"

    id: uuid.UUID = id_field()
    tenant_id: uuid.UUID = tenant_field()
    name: str = Field(max_length=200)
    nip: str = Field(max_length=10)
    street: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=100)
    postal_code: str = Field(default="", max_length=10)
    country_code: str = Field(default="PL", max_length=2)
    bank_account: str = Field(default="", max_length=34)
    invoice_series: str = Field(default=DEFAULT_SERIES_PATTERN, max_length=60)
    correction_series: str = Field(
        default=DEFAULT_CORRECTION_SERIES,
        max_length=60,
        sa_column_kwargs={"server_default": DEFAULT_CORRECTION_SERIES},
    )
    # Printed on invoices with "zw" lines (art. 106e ust. 1 pkt 19 ustawy o VAT).
    vat_exemption_basis: str = Field(default="", max_length=300)
    # Where that basis comes from: "A" the Polish VAT act, "B" the VAT directive, "C" other
    # (FA(3) P_19A/P_19B/P_19C); "" until the seller says.
    vat_exemption_kind: str = Field(default="", max_length=1)
    # Metoda kasowa (art. 21): the invoice must say "metoda kasowa" (FA(3) P_16).
    cash_accounting: bool = Field(default=False)
    payment_days: int = Field(default=14)
    is_default: bool = Field(default=False)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
