"""Fetching checkout forms by id, and the orders Allegro would not send: never lost, retried.

An event names an order; `GET /order/checkout-forms/{id}` may still answer 404 for a fresh one
(Allegro answers so briefly), 400 for one it cannot serve, or fail for that one order alone.
Each such order gets its ledger row in the same transaction that moves the cursor past its
event, so the cursor never passes an order the ledger does not know:

- a 404 or a failure of that one call is transient: the row waits `pending` with
  `fetch_retry_at`, and every sync (scheduled too) fetches the due ones again, at most
  MAX_FETCH_ATTEMPTS times; then the order is held for review with the reason;
- any other refusal (400, 403, 422) holds it for review at once.

A row already decided (invoiced, skipped) keeps its state: only the retry is scheduled, so a
transient 404 for an invoiced order's new revision still brings that revision in later. A
successful fetch clears the retry (ledger._UPSERT).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.integrations.allegro.client import AllegroApiClient
from invoicehub.integrations.allegro.errors import (
    AllegroError,
    AuthError,
    NotFound,
    RateLimited,
    TransientError,
)
from invoicehub.integrations.allegro.sync.sanitize import clean_text
from invoicehub.models import AllegroOrder, OrderState

logger = logging.getLogger(__name__)
_orders: sa.Table = AllegroOrder.__table__  # type: ignore[attr-defined]
MAX_FETCH_ATTEMPTS = 5
# Before the 2nd, 3rd, ... attempt: the first retry is due at once (the next sync), then longer.
FETCH_RETRY_DELAYS = (
    timedelta(0),
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
)
DUE_FETCH_LIMIT = 1000  # orders one sync fetches again
_OPEN_STATES = (OrderState.PENDING.value, OrderState.NEEDS_REVIEW.value)

_RECORD = sa.text(
    """
    INSERT INTO allegro_orders AS o (id, tenant_id, integration_id, checkout_form_id, revision,
                                     allegro_status, raw, state, reason, needs_correction,
                                     fetch_attempts, fetch_retry_at)
    SELECT gen_random_uuid(), :tenant_id, :integration_id, f.checkout_form_id, NULL, 'UNKNOWN',
           '{}'::jsonb, f.state, f.reason, false, f.attempts, f.retry_at
      FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS f(
               checkout_form_id text, state text, reason text, attempts int, retry_at timestamptz)
     ORDER BY f.checkout_form_id
    ON CONFLICT ON CONSTRAINT ux_allegro_orders_integration_form DO UPDATE
       SET state = excluded.state, reason = excluded.reason,
           fetch_attempts = excluded.fetch_attempts, fetch_retry_at = excluded.fetch_retry_at,
           updated_at = now()
    """
).bindparams(sa.bindparam("rows", type_=sa.Text))


@dataclass(frozen=True)
class FetchFailure:
    """One order Allegro did not send; `transient`: worth fetching again later."""

    checkout_form_id: str
    reason: str
    transient: bool


@dataclass
class Fetched:
    forms: list[dict[str, Any]] = field(default_factory=list)
    failures: list[FetchFailure] = field(default_factory=list)


def fetch_forms(
    client: AllegroApiClient, pool: ThreadPoolExecutor, form_ids: Sequence[str]
) -> Fetched:
    """The forms, and the orders that failed alone.

    Failures that say nothing about the order (the token refused, rate limited) are raised: the
    run is retried as a whole. So is a 5xx or timeout for every order of the page when Allegro
    also fails a cheap probe (it is down); when the probe answers, the orders themselves are
    the trouble (Allegro does fail single broken orders) and wait for a later sync instead.
    """

    def fetch(form_id: str) -> dict[str, Any] | FetchFailure:
        try:
            return client.get_checkout_form(form_id)
        except (AuthError, RateLimited):
            raise
        except NotFound as exc:
            return FetchFailure(form_id, _said("404", exc), transient=True)
        except TransientError as exc:
            return FetchFailure(form_id, _said("an error", exc), transient=True)
        except AllegroError as exc:
            return FetchFailure(form_id, _said(str(exc.status_code or "an error"), exc), False)

    fetched = Fetched()
    transient_errors: list[FetchFailure] = []
    for form_id, result in zip(form_ids, pool.map(fetch, form_ids), strict=True):
        if isinstance(result, FetchFailure):
            logger.info("checkout form %s not fetched: %s", form_id, result.reason)
            fetched.failures.append(result)
            if result.transient and not result.reason.startswith("Allegro answered 404"):
                transient_errors.append(result)
        else:
            fetched.forms.append(result)
    if transient_errors and len(transient_errors) == len(form_ids):
        client.get_event_stats()  # raises TransientError when Allegro itself is down
    return fetched


def _said(what: str, exc: AllegroError) -> str:
    return clean_text(f"Allegro answered {what} for this order ({exc.message})")[:400]


def record_failures(
    session: Session,
    tenant_id: uuid.UUID,
    integration_id: uuid.UUID,
    failures: Sequence[FetchFailure],
    now: datetime,
) -> int:
    """Give each order its ledger row (or schedule its retry); how many are now held."""
    if not failures:
        return 0
    by_id = {clean_text(f.checkout_form_id): f for f in failures}
    existing = {
        row.checkout_form_id: row
        for row in session.connection().execute(
            sa.select(
                _orders.c.checkout_form_id,
                _orders.c.state,
                _orders.c.reason,
                _orders.c.invoice_id,
                _orders.c.fetch_attempts,
            )
            .where(
                _orders.c.integration_id == integration_id,
                _orders.c.checkout_form_id.in_(sorted(by_id)),
            )
            .with_for_update()
        )
    }
    rows = [_next_row(form_id, by_id[form_id], existing.get(form_id), now) for form_id in by_id]
    params = {"tenant_id": tenant_id, "integration_id": integration_id, "rows": _json(rows)}
    session.connection().execute(_RECORD, params)
    return sum(1 for row in rows if row["held"])


def _next_row(form_id: str, failure: FetchFailure, row: Any, now: datetime) -> dict[str, Any]:
    """The row after this failure: a retry while attempts remain, else held for review. A row
    already decided (invoiced, skipped) keeps its state and reason; only the retry changes."""
    attempts = (row.fetch_attempts if row is not None else 0) + 1
    retry = failure.transient and attempts < MAX_FETCH_ATTEMPTS
    open_row = row is None or (row.invoice_id is None and row.state in _OPEN_STATES)
    if open_row:
        state = OrderState.PENDING.value if retry else OrderState.NEEDS_REVIEW.value
        reason = _reason(failure, attempts, retry)
    else:
        state, reason = row.state, row.reason
    delay = FETCH_RETRY_DELAYS[min(attempts, len(FETCH_RETRY_DELAYS)) - 1]
    return {
        "checkout_form_id": form_id,
        "state": state,
        "reason": reason,
        "attempts": attempts,
        "retry_at": (now + delay).isoformat() if retry else None,
        "held": open_row and not retry,
    }


def _reason(failure: FetchFailure, attempts: int, retry: bool) -> str:
    if retry:
        return f"{failure.reason}; fetched again by the next sync (attempt {attempts})"
    if failure.transient:
        return f"{failure.reason}, {attempts} times; a manual sync fetches it again"
    return f"{failure.reason}; a manual sync fetches it again"


def due_form_ids(
    session: Session, integration_id: uuid.UUID, now: datetime, limit: int = DUE_FETCH_LIMIT
) -> list[str]:
    """The orders whose fetch is due again, the longest waiting first."""
    rows = session.connection().execute(
        sa.select(_orders.c.checkout_form_id)
        .where(_orders.c.integration_id == integration_id, _orders.c.fetch_retry_at <= now)
        .order_by(_orders.c.fetch_retry_at, _orders.c.id)
        .limit(limit)
    )
    return list(rows.scalars())


def _json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
