"""Customers, products, templates, invoices and their gap-free counters."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from invoicehub.models.base import (
    id_field,
    jsonb_field,
    money_field,
    tenant_field,
    timestamp_field,
)


class CustomerKind(StrEnum):
    COMPANY = "company"
    PERSON = "person"


class InvoiceStatus(StrEnum):
    ISSUED = "issued"
    PAID = "paid"


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CORRECTION = (
        "correction"  # faktura korygująca (art. 106j): corrects_invoice_id names the invoice
    )


class VatRate(StrEnum):
    """The VAT rates a line may carry, spelled as stored and as the API sends them; the one list
    the domain, the API schemas and the UI options derive from."""

    STANDARD = "23"
    REDUCED_8 = "8"
    REDUCED_5 = "5"
    ZERO = "0"  # the domestic 0% rate
    EXEMPT = "zw"  # a VAT-exempt sale (zwolnione)


VAT_RATES: tuple[str, ...] = tuple(rate.value for rate in VatRate)


class Customer(SQLModel, table=True):
    __tablename__ = "customers"
    __table_args__ = (
        sa.Index(
            "ux_customers_tenant_nip",
            "tenant_id",
            "nip",
            unique=True,
            postgresql_where=sa.text("nip IS NOT NULL"),
        ),
        sa.Index(
            "ux_customers_tenant_source_external",
            "tenant_id",
            "source",
            "external_id",
            unique=True,
            postgresql_where=sa.text("external_id IS NOT NULL"),
        ),
    )

    id: uuid.UUID = id_field()
    tenant_id: uuid.UUID = tenant_field()
    kind: str = Field(default=CustomerKind.PERSON.value, max_length=16)
    name: str = Field(max_length=300)
    nip: str | None = Field(default=None, max_length=10)
    email: str = Field(default="", max_length=254)
    street: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=100)
    postal_code: str = Field(default="", max_length=16)
    country_code: str = Field(default="PL", max_length=2)
    source: str = Field(default="manual", max_length=32)
    external_id: str | None = Field(default=None, max_length=100)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
    # Set when a seller edits the row: from then on a sync no longer rewrites it.
    edited_at: datetime | None = timestamp_field(nullable=True)


class Product(SQLModel, table=True):
    __tablename__ = "products"
    __table_args__ = (
        sa.Index(
            "ux_products_tenant_source_external",
            "tenant_id",
            "source",
            "external_id",
            unique=True,
            postgresql_where=sa.text("external_id IS NOT NULL"),
        ),
        sa.Index(
            "ux_products_tenant_sku",
            "tenant_id",
            "sku",
            unique=True,
            postgresql_where=sa.text("sku IS NOT NULL"),
        ),
    )

    id: uuid.UUID = id_field()
    tenant_id: uuid.UUID = tenant_field()
    name: str = Field(max_length=300)
    sku: str | None = Field(default=None, max_length=100)
    unit: str = Field(default="szt.", max_length=16)
    vat_rate: str = Field(default="23", max_length=4)
    gross_price: Decimal = money_field()
    # A good or service of Annex 15 to the VAT act: above 15,000 PLN to a business, the invoice
    # must say "mechanizm podzielonej płatności" (art. 106e ust. 1 pkt 18a).
    annex15: bool = Field(default=False)
    source: str = Field(default="manual", max_length=32)
    external_id: str | None = Field(default=None, max_length=100)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
    # Set when a seller edits the row: from then on a sync no longer rewrites it.
    edited_at: datetime | None = timestamp_field(nullable=True)


class InvoiceTemplate(SQLModel, table=True):
    """Built-in templates have no tenant; a tenant sees built-ins and its own."""

    __tablename__ = "invoice_templates"

    id: uuid.UUID = id_field()
    tenant_id: uuid.UUID | None = Field(
        default=None, foreign_key="tenants.id", index=True, ondelete="CASCADE"
    )
    code: str = Field(max_length=32)
    name: str = Field(max_length=100)
    is_default: bool = Field(default=False)
    created_at: datetime = timestamp_field()


class Invoice(SQLModel, table=True):
    __tablename__ = "invoices"
    __table_args__ = (
        sa.UniqueConstraint("company_id", "number", name="ux_invoices_company_number"),
        # Exactly one invoice per external order: decided here, in the invoice's transaction.
        sa.Index(
            "ux_invoices_source_order",
            "source",
            "integration_id",
            "external_order_id",
            unique=True,
            postgresql_where=sa.text("external_order_id IS NOT NULL"),
        ),
        # The list's order per tenant, and trigram indexes for its ILIKE search (migration 0016).
        sa.Index(
            "ix_invoices_tenant_listing",
            "tenant_id",
            sa.text("issue_date DESC"),
            sa.text("created_at DESC"),
            "id",
        ),
        sa.Index(
            "ix_invoices_number_trgm",
            "number",
            postgresql_using="gin",
            postgresql_ops={"number": "gin_trgm_ops"},
        ),
        sa.Index(
            "ix_invoices_buyer_name_trgm",
            sa.text("(buyer ->> 'name') gin_trgm_ops"),
            postgresql_using="gin",
        ),
        sa.Index(
            "ix_invoices_buyer_nip_trgm",
            sa.text("(buyer ->> 'nip') gin_trgm_ops"),
            postgresql_using="gin",
        ),
        # Exactly one correction per source event (a refund, a return, a cancellation).
        sa.Index(
            "ux_invoices_correction_event",
            "tenant_id",
            "correction_event_id",
            unique=True,
            postgresql_where=sa.text("correction_event_id IS NOT NULL"),
        ),
    )

    id: uuid.UUID = id_field()
    tenant_id: uuid.UUID = tenant_field()
    company_id: uuid.UUID = Field(foreign_key="companies.id", index=True)
    customer_id: uuid.UUID | None = Field(default=None, foreign_key="customers.id", index=True)
    template_id: uuid.UUID | None = Field(default=None, foreign_key="invoice_templates.id")
    number: str = Field(max_length=60)
    status: str = Field(default=InvoiceStatus.ISSUED.value, max_length=16)
    issue_date: date
    sale_date: date
    due_date: date
    currency: str = Field(default="PLN", max_length=3)
    payment_method: str = Field(default="przelew", max_length=40)
    paid_at: datetime | None = timestamp_field(nullable=True)
    seller: dict[str, Any] = jsonb_field(nullable=False, default=dict)
    buyer: dict[str, Any] = jsonb_field(nullable=False, default=dict)
    total_net: Decimal = money_field()
    total_vat: Decimal = money_field()
    total_gross: Decimal = money_field()
    source: str = Field(default="manual", max_length=32)
    integration_id: uuid.UUID | None = Field(default=None, index=True)
    external_order_id: str | None = Field(default=None, max_length=100)
    created_at: datetime = timestamp_field()
    kind: str = Field(
        default=InvoiceKind.INVOICE.value,
        max_length=16,
        sa_column_kwargs={"server_default": InvoiceKind.INVOICE.value},
    )
    corrects_invoice_id: uuid.UUID | None = Field(
        default=None, foreign_key="invoices.id", index=True
    )
    # A correction's reason, type, the corrected invoice's data and its lines before (see
    # domain/corrections.py); its own lines are the state after the correction.
    correction: dict[str, Any] | None = jsonb_field()
    correction_event_id: str | None = Field(default=None, max_length=160)


class InvoiceLine(SQLModel, table=True):
    __tablename__ = "invoice_lines"

    id: uuid.UUID = id_field()
    invoice_id: uuid.UUID = Field(foreign_key="invoices.id", index=True)
    position: int
    name: str = Field(max_length=300)
    quantity: Decimal = Field(sa_column=sa.Column(sa.Numeric(12, 3), nullable=False))
    unit: str = Field(default="szt.", max_length=16)
    unit_gross: Decimal = money_field()
    vat_rate: str = Field(max_length=4)
    net: Decimal = money_field()
    vat: Decimal = money_field()
    gross: Decimal = money_field()
    product_id: uuid.UUID | None = Field(default=None, foreign_key="products.id")
    # The product's Annex 15 flag as it was at issue time (snapshot: FA(3) P_12_Zal_15, MPP).
    annex15: bool = Field(default=False)


class InvoiceCounter(SQLModel, table=True):
    """Gap-free numbering: one row per company, pattern and period, bumped in the invoice's tx."""

    __tablename__ = "invoice_counters"

    company_id: uuid.UUID = Field(foreign_key="companies.id", primary_key=True)
    pattern: str = Field(max_length=60, primary_key=True)
    period: str = Field(max_length=7, primary_key=True)
    last_number: int = Field(default=0)


# Built-in templates, inserted by the first migration.
STANDARD_TEMPLATE_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
COMPACT_TEMPLATE_ID = uuid.UUID("00000000-0000-4000-8000-000000000002")
