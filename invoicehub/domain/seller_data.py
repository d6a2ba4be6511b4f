"""The seller data art. 106e ust. 1 pkt 3 ustawy o VAT requires on every invoice.

No data, no invoice: an invoice is numbered and issued only when the seller company holds its
name, NIP and full address. Issued invoices are immutable, so one issued without them would stay
wrong forever; the order waits for review instead (reason below) and is invoiced by the next sync
the seller asks for once the company is complete.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, select

from invoicehub.activity import notify
from invoicehub.auth.accounts import default_company_id
from invoicehub.domain.invoice_drafts import InvoiceError
from invoicehub.models import Company, Notification

# Company field -> (seller snapshot key, the name a seller reads). Order = the Company tab's.
REQUIRED_SELLER_FIELDS: dict[str, tuple[str, str]] = {
    "name": ("name", "name"),
    "nip": ("nip", "NIP"),
    "street": ("street", "street"),
    "postal_code": ("postalCode", "postal code"),
    "city": ("city", "city"),
    "country_code": ("countryCode", "country"),
}
INCOMPLETE_PREFIX = "company data incomplete"


class SellerDataIncomplete(InvoiceError):
    """The seller company lacks data art. 106e requires; `missing` names the fields."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(f"{INCOMPLETE_PREFIX}: {', '.join(missing)}")


def missing_seller_fields(company: Any) -> list[str]:
    """The required fields a company (row or form values) lacks, as a seller reads them."""
    return [
        label
        for field, (_, label) in REQUIRED_SELLER_FIELDS.items()
        if not str(getattr(company, field, "") or "").strip()
    ]


def missing_in_snapshot(seller: Mapping[str, Any]) -> list[str]:
    """The same check on an invoice's seller snapshot (camelCase keys)."""
    return [
        label
        for key, label in REQUIRED_SELLER_FIELDS.values()
        if not str(seller.get(key) or "").strip()
    ]


def check_seller_snapshot(seller: Mapping[str, Any]) -> None:
    missing = missing_in_snapshot(seller)
    if missing:
        raise SellerDataIncomplete(missing)


NOTICE_KIND = "company.incomplete"


def notify_seller_data_missing(session: Session, tenant_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    """Tell the owner once that invoicing waits for the company's data; True when told now.

    Once: no new notice while an unread one is there, so a schedule of syncs does not pile up
    the same message.
    """
    company = session.exec(
        select(Company).where(Company.id == default_company_id(tenant_id))
    ).first()
    missing = missing_seller_fields(company) if company is not None else ["company"]
    if not missing:
        return False
    unread = session.exec(
        select(Notification.id).where(
            Notification.user_id == user_id,
            Notification.kind == NOTICE_KIND,
            col(Notification.read_at).is_(None),
        )
    ).first()
    if unread is not None:
        return False
    notify(
        session,
        kind=NOTICE_KIND,
        title="Invoicing is blocked until the company data is complete",
        body=f"Missing: {', '.join(missing)}. Complete them on Settings → Company, then run a "
        "manual sync: the orders waiting for review are invoiced.",
        tenant_id=tenant_id,
        user_id=user_id,
    )
    return True
