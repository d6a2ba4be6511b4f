"""What create_invoice takes (drafts) and the errors invoicing raises."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any


class InvoiceError(ValueError):
    """An invoice that cannot be issued or changed; the message says why."""


class DuplicateInvoice(InvoiceError):
    """The external order already has its invoice (no number was consumed)."""

    def __init__(self, existing_id: uuid.UUID, external_order_id: str) -> None:
        super().__init__(f"order {external_order_id} already has invoice {existing_id}")
        self.existing_id = existing_id


class InvoiceNotFound(InvoiceError, LookupError):
    def __init__(self, invoice_id: uuid.UUID) -> None:
        super().__init__(f"invoice {invoice_id} not found")


class InvoiceAlreadyPaid(InvoiceError):
    def __init__(self, number: str) -> None:
        super().__init__(f"invoice {number} is already paid")


@dataclass(frozen=True)
class IssuedInvoice:
    """An invoice issue_invoices wrote (no entity in the session)."""

    id: uuid.UUID
    number: str


@dataclass(frozen=True)
class LineDraft:
    name: str
    quantity: Decimal
    unit_gross: Decimal
    vat_rate: str
    unit: str = "szt."
    product_id: uuid.UUID | None = None


@dataclass(frozen=True)
class BuyerSnapshot:
    """The buyer as printed on the invoice (stored as camelCase JSON)."""

    name: str
    nip: str | None = None
    street: str = ""
    city: str = ""
    postal_code: str = ""
    country_code: str = "PL"
    kind: str = "person"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "nip": self.nip,
            "street": self.street,
            "city": self.city,
            "postalCode": self.postal_code,
            "countryCode": self.country_code,
            "kind": self.kind,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BuyerSnapshot:
        return cls(
            name=str(data.get("name") or ""),
            nip=data.get("nip") or None,
            street=str(data.get("street") or ""),
            city=str(data.get("city") or ""),
            postal_code=str(data.get("postalCode") or ""),
            country_code=str(data.get("countryCode") or "PL"),
            kind=str(data.get("kind") or "person"),
        )


@dataclass(frozen=True, kw_only=True)
class InvoiceDraft:
    tenant_id: uuid.UUID
    company_id: uuid.UUID
    lines: Sequence[LineDraft]
    buyer: BuyerSnapshot | Mapping[str, Any]
    issue_date: date
    sale_date: date
    customer_id: uuid.UUID | None = None
    template_id: uuid.UUID | None = None  # None: the tenant's default template
    due_date: date | None = None  # None: issue date + the company's payment days
    payment_method: str = "przelew"
    paid_at: datetime | None = None
    currency: str = "PLN"
    source: str = "manual"
    integration_id: uuid.UUID | None = None
    external_order_id: str | None = None
