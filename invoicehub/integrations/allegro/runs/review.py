"""Orders set aside for review as a seller reads them, one order retried on request, and what a
sync skipped grouped by reason (issue 13, item 5).

`retry_held_order` never calls Allegro: it marks the ledger row's fetch as due now and queues an
`order_retry` run (after commit); the worker fetches that order again and decides it anew
(fetch_retry.due_form_ids). Everything goes through `service.find_integration`, so another
tenant's integration or order behaves like a missing one.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from invoicehub import ratelimit
from invoicehub.activity import record_audit
from invoicehub.auth.tokens import Principal
from invoicehub.domain.order_reasons import SkipGroup, group_skips
from invoicehub.domain.paging import page_bounds
from invoicehub.integrations.allegro.runs.requests import (
    SyncNotAllowed,
    not_syncable_reason,
    queue_run,
)
from invoicehub.integrations.allegro.service import find_integration, lock_integration
from invoicehub.models import AllegroOrder, IntegrationStatus, OrderState, SyncRun
from invoicehub.models.base import utcnow
from invoicehub.settings import AllegroEnv, get_settings

ORDER_RETRY_TRIGGER = "order_retry"
ORDER_RETRY = ratelimit.Limit("order-retry", 20, 60)  # per integration: a page of rows a minute
ORDER_PAGES = {
    AllegroEnv.PRODUCTION: "https://allegro.pl/moje-allegro/sprzedaz/zamowienia/",
    AllegroEnv.SANDBOX: "https://allegro.pl.allegrosandbox.pl/moje-allegro/sprzedaz/zamowienia/",
}
_orders: sa.Table = AllegroOrder.__table__  # type: ignore[attr-defined]


class OrderNotHeld(LookupError):
    """No such order to review for this integration (or it is no longer held)."""


@dataclass(frozen=True)
class ReviewOrder:
    checkout_form_id: str
    buyer: str
    amount: Decimal | None
    currency: str
    ordered_at: datetime | None
    reason: str
    invoice_id: uuid.UUID | None
    updated_at: datetime


def allegro_order_url(checkout_form_id: str) -> str:
    """The order's page for the seller on Allegro (the emulator's order page in development)."""
    settings = get_settings()
    base = ORDER_PAGES.get(settings.allegro_env, f"{settings.emulator_url}/__emulator/orders/")
    return base + checkout_form_id


def order_facts(raw: Mapping[str, Any]) -> tuple[str, Decimal | None, str, datetime | None]:
    """(buyer, amount, currency, ordered at) from a checkout form; blanks where it lacks them."""
    buyer, invoice = _map(raw.get("buyer")), _map(raw.get("invoice"))
    company = _map(_map(invoice.get("address")).get("company"))
    person = " ".join(str(buyer.get(k) or "") for k in ("firstName", "lastName")).strip()
    name = company.get("name") or buyer.get("companyName") or person or buyer.get("login") or ""
    total = _map(_map(raw.get("summary")).get("totalToPay"))
    try:
        amount = Decimal(str(total["amount"])) if total.get("amount") is not None else None
    except InvalidOperation:
        amount = None
    items = raw.get("lineItems")
    items = items if isinstance(items, list) else []
    bought = next((i.get("boughtAt") for i in items if isinstance(i, Mapping)), None)
    return str(name)[:200], amount, str(total.get("currency") or "PLN")[:3], _parse(bought)


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def list_review(
    session: Session,
    principal: Principal,
    integration_id: uuid.UUID | str,
    page: int = 1,
    page_size: int = 20,
) -> tuple[list[ReviewOrder], int]:
    """One page of the integration's held orders with buyer, amount and date; and the total."""
    integration = find_integration(session, principal, integration_id)
    where = (
        _orders.c.integration_id == integration.id,
        _orders.c.state == OrderState.NEEDS_REVIEW.value,
    )
    conn = session.connection()
    total = conn.execute(sa.select(sa.func.count()).select_from(_orders).where(*where)).scalar()
    limit, offset = page_bounds(page, page_size)
    rows = conn.execute(
        sa.select(
            _orders.c.checkout_form_id,
            _orders.c.raw,
            _orders.c.reason,
            _orders.c.invoice_id,
            _orders.c.updated_at,
        )
        .where(*where)
        .order_by(_orders.c.updated_at.desc(), _orders.c.id)
        .limit(limit)
        .offset(offset)
    )
    orders = [
        ReviewOrder(
            row.checkout_form_id,
            *order_facts(row.raw or {}),
            reason=row.reason or "",
            invoice_id=row.invoice_id,
            updated_at=row.updated_at,
        )
        for row in rows
    ]
    return orders, int(total or 0)


def retry_held_order(
    session: Session,
    principal: Principal,
    integration_id: uuid.UUID | str,
    checkout_form_id: str,
    *,
    ip: str | None = None,
) -> SyncRun:
    """Fetch one held order again and decide it anew in a queued run; commits.

    Raises IntegrationNotFound, OrderNotHeld, SyncNotAllowed or ratelimit.RateLimited.
    """
    integration = lock_integration(session, find_integration(session, principal, integration_id).id)
    if integration.status != IntegrationStatus.ACTIVE.value or not integration.is_active:
        raise SyncNotAllowed(not_syncable_reason(integration))
    marked = session.connection().execute(
        sa.update(_orders)
        .where(
            _orders.c.integration_id == integration.id,
            _orders.c.checkout_form_id == checkout_form_id,
            _orders.c.state == OrderState.NEEDS_REVIEW.value,
        )
        .values(fetch_retry_at=utcnow())
    )
    if marked.rowcount != 1:
        raise OrderNotHeld(checkout_form_id)
    ratelimit.hit(ORDER_RETRY, str(integration.id))
    run, created = queue_run(session, integration, ORDER_RETRY_TRIGGER)
    record_audit(
        session,
        "allegro.order.retry",
        principal=principal,
        tenant_id=integration.tenant_id,
        target_type="allegro_integration",
        target_id=integration.id,
        after={"checkoutFormId": checkout_form_id, "runId": str(run.id), "queued": created},
        ip=ip,
    )
    session.commit()
    return run


def skipped_by_reason(session: Session, run: SyncRun) -> dict[SkipGroup, int]:
    """What the run skipped, grouped by reason: the orders it decided not to invoice (their ledger
    rows changed while it ran) and, for the rest of its count, those it found already decided."""
    if not run.skipped or run.started_at is None:
        return {}
    rows = session.connection().execute(
        sa.select(_orders.c.reason, sa.func.count())
        .where(
            _orders.c.integration_id == run.integration_id,
            _orders.c.state.in_([OrderState.SKIPPED.value, OrderState.PENDING.value]),
            _orders.c.updated_at >= run.started_at,
            _orders.c.updated_at <= (run.finished_at or utcnow()),
        )
        .group_by(_orders.c.reason)
    )
    return group_skips({row[0]: int(row[1]) for row in rows}, run.skipped)
