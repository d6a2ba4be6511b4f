"""Small builders for invoicing rows and drafts (real rows in the test database, no row files)."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from invoicehub.domain.invoices import BuyerSnapshot, InvoiceDraft, LineDraft, create_invoice
from invoicehub.domain.nip import NIP_WEIGHTS
from invoicehub.models import (
    DEFAULT_SERIES_PATTERN,
    Company,
    Invoice,
    Tenant,
)

SELLER_NIP = "5252674798"
BANK_ACCOUNT = "61109010140000071219812874"
ISSUE_DATE = date(2026, 11, 28)
_serial = itertools.count(1)


def make_nip(seed: int) -> str:
    """A NIP with a valid checksum derived from `seed`."""
    for offset in itertools.count():
        digits = f"{(seed * 7919 + offset) % 10**9:09d}"
        if digits[0] == "0":
            digits = "1" + digits[1:]
        checksum = sum(int(d) * w for d, w in zip(digits, NIP_WEIGHTS, strict=True)) % 11
        if checksum != 10:
            return digits + str(checksum)
    raise AssertionError("unreachable")


def make_company(
    session: Session,
    *,
    name: str = "Sklep Testowy Sp. z o.o.",
    series: str = DEFAULT_SERIES_PATTERN,
    payment_days: int = 14,
    commit: bool = True,
) -> Company:
    """A new tenant with its seller company."""
    tenant = Tenant(name=f"tenant-{next(_serial)}-{uuid.uuid4().hex[:6]}")
    session.add(tenant)
    session.flush()
    company = Company(
        tenant_id=tenant.id,
        name=name,
        nip=SELLER_NIP,
        street="ul. Marszałkowska 1",
        city="Warszawa",
        postal_code="00-950",
        bank_account=BANK_ACCOUNT,
        invoice_series=series,
        payment_days=payment_days,
        is_default=True,
    )
    session.add(company)
    session.flush()
    if commit:
        session.commit()
    return company


def line(
    name: str = "Kubek ceramiczny",
    quantity: str = "1",
    unit_gross: str = "49.99",
    vat_rate: str = "23",
    **extra: Any,
) -> LineDraft:
    return LineDraft(
        name=name,
        quantity=Decimal(quantity),
        unit_gross=Decimal(unit_gross),
        vat_rate=vat_rate,
        **extra,
    )


def buyer(**overrides: Any) -> BuyerSnapshot:
    fields: dict[str, Any] = {
        "name": "Zażółć Gęślą Jaźń Sp. z o.o.",
        "nip": "7740001454",
        "street": "ul. Piotrkowska 100",
        "city": "Łódź",
        "postal_code": "90-001",
        "country_code": "PL",
        "kind": "company",
    }
    fields.update(overrides)
    return BuyerSnapshot(**fields)


def invoice_draft(company: Company, **overrides: Any) -> InvoiceDraft:
    fields: dict[str, Any] = {
        "tenant_id": company.tenant_id,
        "company_id": company.id,
        "lines": [line(), line("Wysyłka", "1", "12.00", "23")],
        "buyer": buyer(),
        "issue_date": ISSUE_DATE,
        "sale_date": ISSUE_DATE,
    }
    fields.update(overrides)
    return InvoiceDraft(**fields)


def allegro_draft(
    company: Company, integration_id: uuid.UUID, order_id: str, **kw: Any
) -> InvoiceDraft:
    return invoice_draft(
        company, source="allegro", integration_id=integration_id, external_order_id=order_id, **kw
    )


def issue_invoice(
    session: Session, company: Company, *, commit: bool = True, **overrides: Any
) -> Invoice:
    invoice = create_invoice(session, invoice_draft(company, **overrides))
    if commit:
        session.commit()
    return invoice


def paid_at() -> datetime:
    return datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
