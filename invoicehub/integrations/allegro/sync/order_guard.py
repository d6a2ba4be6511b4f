"""What keeps one bad order from stopping a page: cleaning, a guarded decision, a guarded ledger.

A per-order failure of any kind sets that order aside and the page goes on:
- text PostgreSQL refuses is cleaned as the page arrives (sanitize.py); an order whose invoice
  would carry a cleaned value is held for review instead of invoiced;
- a decision that raises (a mapping bug meeting an unforeseen payload) holds its order;
- the ledger upsert, one statement per page, is repeated order by order under savepoints when
  the database refuses it in the order-by-order pass, and an order whose row still cannot be
  written gets a bare row held for review (`fetch_retry.record_failures`), so it is never lost.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel import Session

from invoicehub.domain.invoices import InvoiceAlreadyPaid, InvoiceError, mark_invoice_paid
from invoicehub.integrations.allegro.schemas import CheckoutForm
from invoicehub.integrations.allegro.sync import ledger
from invoicehub.integrations.allegro.sync.context import ImportContext, SyncCounts
from invoicehub.integrations.allegro.sync.fetch_retry import FetchFailure, record_failures
from invoicehub.integrations.allegro.sync.mapping import (
    Action,
    OrderDecision,
    OrderKey,
    decide_order,
    order_key,
)
from invoicehub.integrations.allegro.sync.sanitize import clean_form, needs_review_reason
from invoicehub.models.base import utcnow

logger = logging.getLogger(__name__)


def clean_page(raws: Sequence[Any]) -> tuple[list[Any], dict[str, str]]:
    """The page's forms made storable, and why each changed one must not be invoiced as is."""
    cleaned: list[Any] = []
    held: dict[str, str] = {}
    for raw in raws:
        form, changed = clean_form(raw)
        cleaned.append(form)
        reason = needs_review_reason(changed) if changed else None
        if reason and isinstance(form, Mapping) and isinstance(form.get("id"), str):
            logger.warning("checkout form %s: cleaned %s", form["id"], ", ".join(changed[:3]))
            held[form["id"]] = reason
    return cleaned, held


def decide(
    raw: Mapping[str, Any],
    ctx: ImportContext,
    rates: Mapping[str, str],
    *,
    already_invoiced: bool,
    held_reason: str | None,
    parsed: CheckoutForm | ValidationError | None = None,
) -> OrderDecision:
    """`decide_order`, but an exception or a cleaned value holds the order instead."""
    try:
        decision = decide_order(
            raw,
            ctx.settings,
            today=ctx.today,
            product_rates=rates,
            already_invoiced=already_invoiced,
            parsed=parsed,
        )
    except Exception as exc:  # a mapping bug must cost one order, not the sync
        logger.exception("checkout form %s could not be decided", raw.get("id"))
        key = order_key(raw)
        assert key is not None  # only keyed forms reach a decision
        reason = f"the order could not be read ({type(exc).__name__}); report it to support"
        return OrderDecision(key, Action.REVIEW, reason)
    if held_reason and decision.action is Action.INVOICE:
        return OrderDecision(decision.key, Action.REVIEW, held_reason[:500])
    return decision


def upsert_isolated(
    session: Session,
    ctx: ImportContext,
    forms: Sequence[tuple[OrderKey, dict[str, Any]]],
    counts: SyncCounts,
) -> dict[str, ledger.LedgerRow]:
    """`ledger.upsert_orders`, falling back to one savepoint per order if the page is refused."""
    try:
        with session.begin_nested():
            return ledger.upsert_orders(session, ctx.tenant_id, ctx.integration_id, forms)
    except sa.exc.OperationalError:
        raise  # the connection is gone: the whole page is retried
    except sa.exc.DBAPIError as exc:
        logger.warning("ledger page refused (%s); written order by order", type(exc.orig).__name__)
    rows: dict[str, ledger.LedgerRow] = {}
    refused: list[FetchFailure] = []
    for key, raw in forms:
        try:
            with session.begin_nested():
                one = ledger.upsert_orders(session, ctx.tenant_id, ctx.integration_id, [(key, raw)])
        except sa.exc.OperationalError:
            raise
        except sa.exc.DBAPIError as exc:
            reason = f"the database refused the order ({type(exc.orig).__name__})"
            refused.append(FetchFailure(key.checkout_form_id, reason, transient=False))
            continue
        rows.update(one)
    counts.needs_review += record_failures(
        session, ctx.tenant_id, ctx.integration_id, refused, utcnow()
    )
    return rows


def mark_paid(
    session: Session, ctx: ImportContext, invoice_id: uuid.UUID, decision: OrderDecision
) -> None:
    """Record the payment of an invoiced order; a refusal never fails the page."""
    assert decision.paid_at is not None
    try:
        with session.begin_nested():
            mark_invoice_paid(
                session, ctx.tenant_id, invoice_id, decision.paid_at, decision.payment_method
            )
    except InvoiceAlreadyPaid:
        pass
    except InvoiceError as exc:
        logger.info("invoice %s not marked paid: %s", invoice_id, exc)
    except sa.exc.OperationalError:
        raise
    except sa.exc.DBAPIError as exc:  # the payment waits for the next revision; the page goes on
        logger.warning("invoice %s not marked paid: %s", invoice_id, type(exc.orig).__name__)
