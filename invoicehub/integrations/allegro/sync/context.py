"""What every page of one sync shares, and what a page or a whole sync counts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from datetime import date

from invoicehub.integrations.allegro.preferences import AllegroSettings


@dataclass
class SyncCounts:
    orders_fetched: int = 0
    invoices_created: int = 0
    customers_created: int = 0
    products_created: int = 0
    skipped: int = 0
    needs_review: int = 0
    corrections_issued: int = 0

    def add(self, other: SyncCounts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class ImportContext:
    """What every page of one sync shares."""

    tenant_id: uuid.UUID
    integration_id: uuid.UUID
    settings: AllegroSettings
    company_id: uuid.UUID | None
    template_id: uuid.UUID | None
    today: date
    # The rates of known offers as the last page's transaction read them: the guess a page
    # decided ahead of its transaction is checked against (page_prep.py).
    known_rates: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass
class PageResult:
    counts: SyncCounts
    decided: dict[str, str | None]  # checkout form id -> revision now recorded in the ledger
