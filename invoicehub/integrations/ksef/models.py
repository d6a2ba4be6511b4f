"""Typed answers of the KSeF client (parsed from open-api.json shapes)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from invoicehub.integrations.ksef.crypto import SymmetricKey
from invoicehub.integrations.ksef.errors import KsefDuplicate, KsefRejected

_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_time(value: str | None) -> datetime | None:
    """KSeF writes up to 7 fractional digits (.NET); Python reads at most 6."""
    if not value:
        return None
    return datetime.fromisoformat(_FRACTION.sub(r"\1", value.replace("Z", "+00:00")))


@dataclass(frozen=True)
class KsefAuth:
    """An authenticated context. The tokens are secrets: `repr` never shows them."""

    nip: str
    reference_number: str
    access_token: str = field(repr=False)
    access_valid_until: datetime | None
    refresh_token: str = field(repr=False)
    refresh_valid_until: datetime | None


@dataclass(frozen=True)
class OnlineSession:
    reference_number: str
    key: SymmetricKey = field(repr=False)
    valid_until: datetime | None


@dataclass(frozen=True)
class BatchPart:
    ordinal_number: int
    data: bytes = field(repr=False)
    method: str = "PUT"
    url: str = field(default="", repr=False)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BatchSession:
    reference_number: str
    key: SymmetricKey = field(repr=False)
    parts: tuple[BatchPart, ...]
    invoice_hashes: dict[str, str]  # file name -> SHA-256 base64 of the XML, to match statuses


@dataclass(frozen=True)
class SessionStatus:
    code: int
    description: str
    details: list[str]
    invoice_count: int
    successful_invoice_count: int
    failed_invoice_count: int
    upo_reference_numbers: list[str]

    @property
    def processing(self) -> bool:
        return self.code in (100, 150, 170)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> SessionStatus:
        status = body.get("status") or {}
        pages = ((body.get("upo") or {}).get("pages")) or []
        return cls(
            code=int(status.get("code", 0)),
            description=str(status.get("description", "")),
            details=list(status.get("details") or []),
            invoice_count=int(body.get("invoiceCount") or 0),
            successful_invoice_count=int(body.get("successfulInvoiceCount") or 0),
            failed_invoice_count=int(body.get("failedInvoiceCount") or 0),
            upo_reference_numbers=[str(page["referenceNumber"]) for page in pages],
        )


@dataclass(frozen=True)
class SessionInvoice:
    reference_number: str
    invoice_number: str | None
    status_code: int
    status_description: str
    details: list[str]
    ksef_number: str | None
    acquisition_date: datetime | None
    invoice_hash: str
    ordinal_number: int = 0
    file_name: str | None = None
    extensions: dict[str, str] = field(default_factory=dict)

    @property
    def processing(self) -> bool:
        return self.status_code in (100, 150)

    @property
    def accepted(self) -> bool:
        return self.status_code == 200

    def raise_for_status(self) -> None:
        """KsefDuplicate for 440 (with the original KSeF number), KsefRejected for other errors."""
        if self.status_code == 440:
            original = self.extensions.get("originalKsefNumber") or ""
            raise KsefDuplicate(original, self.details)
        if self.status_code >= 400:
            raise KsefRejected(self.status_code, self.status_description, self.details)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> SessionInvoice:
        status = body.get("status") or {}
        return cls(
            reference_number=str(body["referenceNumber"]),
            invoice_number=body.get("invoiceNumber"),
            status_code=int(status.get("code", 0)),
            status_description=str(status.get("description", "")),
            details=list(status.get("details") or []),
            ksef_number=body.get("ksefNumber"),
            acquisition_date=parse_time(body.get("acquisitionDate")),
            invoice_hash=str(body.get("invoiceHash", "")),
            ordinal_number=int(body.get("ordinalNumber") or 0),
            file_name=body.get("invoiceFileName"),
            extensions={k: str(v) for k, v in (status.get("extensions") or {}).items()},
        )
