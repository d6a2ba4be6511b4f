"""One page of checkout forms (up to 100) into the ledger, customers, products and invoices.

Everything happens in the caller's transaction, which commits the page as a whole. Exactly one
invoice per order is decided by the invoice's unique source key in that same transaction
(a loser gets DuplicateInvoice and consumed no number), never by a read alone.

Isolation of one bad order: the page first runs inside one page SAVEPOINT with no per-order
savepoint (the domain refuses invalid input before writing, so a refused order leaves nothing
behind but, at most, its buyer in the customer list). If the database itself refuses a
statement, the page savepoint rolls back and the page runs again with a SAVEPOINT per order, so
that order lands in `needs_review` and the rest goes on. On the common path the page's buyers
are one upsert_customers statement and its invoices one issue_invoices batch, and each ledger
row is written once, with its final state (ledger.py: a handful of round trips per page instead
of two per order, which the throughput target needs); the order-by-order rerun uses
upsert_customer and create_invoice, the same rules one at a time.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.db_rounds import fetch_together
from invoicehub.domain.customers import (
    CustomerError,
    check_customer,
    upsert_customer,
    upsert_customer_ids,
)
from invoicehub.domain.invoice_batches import BatchConflict
from invoicehub.domain.invoices import (
    DuplicateInvoice,
    InvoiceDraft,
    InvoiceError,
    LineDraft,
    create_invoice,
    issue_invoices,
)
from invoicehub.integrations.allegro.sync import ledger, order_guard
from invoicehub.integrations.allegro.sync.buyers import SOURCE
from invoicehub.integrations.allegro.sync.context import ImportContext, PageResult, SyncCounts
from invoicehub.integrations.allegro.sync.mapping import Action, OrderDecision
from invoicehub.integrations.allegro.sync.order_products import (
    ensure_products,
    product_rates,
    rates_of,
    rates_query,
)
from invoicehub.integrations.allegro.sync.page_prep import PreparedPage, prepare_page
from invoicehub.models import OrderState, Product

logger = logging.getLogger(__name__)
_products: sa.Table = Product.__table__  # type: ignore[attr-defined]
_STATE_OF = {Action.PENDING: OrderState.PENDING, Action.SKIP: OrderState.SKIPPED}
# True: a SAVEPOINT around every order from the start (two more round trips per invoice).
ISOLATE_EVERY_ORDER = False


def import_page(
    session: Session,
    ctx: ImportContext,
    raws: Sequence[Any] | PreparedPage,
    *,
    fresh_transaction: bool = False,
) -> PageResult:
    """Write one page (its forms, or the forms already prepared: page_prep.py) in the session's
    transaction; the caller commits it.

    `fresh_transaction`: the page is the first thing in the transaction, so a refused page pass
    rolls the transaction back instead of a page SAVEPOINT (two round trips fewer per page).
    """
    page = raws if isinstance(raws, PreparedPage) else prepare_page(raws)
    if ISOLATE_EVERY_ORDER:
        return _import(session, ctx, page, isolate=True)
    try:
        with nullcontext() if fresh_transaction else session.begin_nested():
            return _import(session, ctx, page, isolate=False)
    except sa.exc.OperationalError:
        raise  # the connection is gone: the caller retries the whole sync
    except (sa.exc.DBAPIError, BatchConflict) as exc:
        if fresh_transaction:
            session.rollback()
        cause = type(exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc).__name__
        logger.info("page retried order by order after %s", cause)
    return _import(session, ctx, page, isolate=True)


def _import(session: Session, ctx: ImportContext, page: PreparedPage, isolate: bool) -> PageResult:
    counts = SyncCounts(orders_fetched=page.fetched, needs_review=page.unkeyed)
    forms, unkeyed = page.forms, page.unkeyed
    counts.skipped += page.fetched - unkeyed - len(forms)  # a repeated form: the last copy wins
    if isolate:  # even a ledger row the database refuses costs one order
        rows = order_guard.upsert_isolated(session, ctx, list(forms.values()), counts)
        rates = product_rates(session, ctx, [forms[form_id][1] for form_id in rows])
    else:  # read and locked now, written once below with their final states
        rows, rates = _page_reads(session, ctx, page)
    counts.skipped += len(forms) - len(rows) - (counts.needs_review - unkeyed)  # decided before
    _remember_rates(ctx, page, rates)
    decisions = [
        page.decision(form_id, row.invoice_id is not None, rates)
        or order_guard.decide(
            forms[form_id][1],
            ctx,
            rates,
            already_invoiced=row.invoice_id is not None,
            held_reason=page.held.get(form_id),
            parsed=page.parsed.get(form_id),
        )
        for form_id, row in rows.items()
    ]
    product_ids = ensure_products(session, ctx, decisions, counts, guarded=isolate)
    pairs = list(zip(rows.values(), decisions, strict=True))
    issued: dict[uuid.UUID, ledger.LedgerUpdate] = {}
    if not isolate:  # the whole page's buyers and invoices in a few statements
        to_issue = [(r, d) for r, d in pairs if _issues_invoice(ctx, r, d)]
        issued = _issue_page(session, ctx, to_issue, product_ids, counts)
    updates = [
        issued.get(row.id) or _apply(session, ctx, row, decision, product_ids, counts, isolate)
        for row, decision in pairs
    ]
    if isolate:
        ledger.update_states(session, updates)
    else:
        ledger.write_orders(
            session,
            ctx.tenant_id,
            ctx.integration_id,
            [
                (*forms[row.checkout_form_id], update)
                for row, update in zip(rows.values(), updates, strict=True)
            ],
            new_ids={row.id for row in rows.values() if row.is_new},
            raw_json=page.raw_json,
        )
    decided = {form_id: key.revision for form_id, (key, _) in forms.items()}
    return PageResult(counts, decided)


def _remember_rates(ctx: ImportContext, page: PreparedPage, rates: Mapping[str, str]) -> None:
    """The rates just read, for the next pages decided ahead (page_prep.py)."""
    for offer in page.rate_offers:
        if offer in rates:
            ctx.known_rates[offer] = rates[offer]
        else:
            ctx.known_rates.pop(offer, None)


def _page_reads(
    session: Session, ctx: ImportContext, page: PreparedPage
) -> tuple[dict[str, ledger.LedgerRow], dict[str, str]]:
    """The rows to decide, read and locked, and the rates of the page's known offers (of all
    its forms: a superset of those decided), in one round trip with the page's BEGIN."""
    forms = page.forms
    if not forms:
        return {}, {}
    queries = [ledger.page_rows_query(ctx.tenant_id, ctx.integration_id, forms.values())]
    if (rates := rates_query(ctx, sorted(page.rate_offers))) is not None:
        queries.append(rates)
    results = fetch_together(session, queries)
    rates_found = rates_of(results[1]) if rates is not None else {}
    return ledger.rows_to_decide(results[0], forms.values()), rates_found


def _apply(
    session: Session,
    ctx: ImportContext,
    row: ledger.LedgerRow,
    decision: OrderDecision,
    product_ids: Mapping[str, uuid.UUID],
    counts: SyncCounts,
    isolate: bool,
) -> ledger.LedgerUpdate:
    if row.invoice_id is not None:  # invoiced once, invoiced forever: never a second invoice
        counts.skipped += 1
        if decision.paid_at is not None:
            order_guard.mark_paid(session, ctx, row.invoice_id, decision)
        correction = decision.needs_correction or row.needs_correction
        reason = decision.reason if decision.needs_correction else None
        return ledger.LedgerUpdate(
            row.id, OrderState.INVOICED.value, reason, row.invoice_id, correction
        )
    if decision.action is Action.INVOICE:
        return _issue(session, ctx, row, decision, product_ids, counts, isolate)
    if decision.action is Action.REVIEW:
        counts.needs_review += 1
        return ledger.LedgerUpdate(
            row.id, OrderState.NEEDS_REVIEW.value, decision.reason, None, False
        )
    counts.skipped += 1
    state = _STATE_OF[decision.action].value
    return ledger.LedgerUpdate(row.id, state, decision.reason, None, decision.needs_correction)


def _issue(
    session: Session,
    ctx: ImportContext,
    row: ledger.LedgerRow,
    decision: OrderDecision,
    product_ids: Mapping[str, uuid.UUID],
    counts: SyncCounts,
    isolate: bool,
) -> ledger.LedgerUpdate:
    if ctx.company_id is None:
        counts.needs_review += 1
        reason = "no seller company is configured for this integration"
        return ledger.LedgerUpdate(row.id, OrderState.NEEDS_REVIEW.value, reason, None, False)
    customer_created = False
    try:
        with session.begin_nested() if isolate else nullcontext():
            customer_id = None
            if decision.customer is not None:
                customer, customer_created = upsert_customer(
                    session, ctx.tenant_id, decision.customer
                )
                customer_id = customer.id
            invoice = create_invoice(session, _draft(ctx, row, decision, customer_id, product_ids))
    except DuplicateInvoice as duplicate:  # another sync issued it first; its number stands
        counts.skipped += 1
        return ledger.LedgerUpdate(
            row.id, OrderState.INVOICED.value, None, duplicate.existing_id, False
        )
    except (InvoiceError, CustomerError) as exc:
        return _held(row, counts, str(exc))
    except sa.exc.OperationalError:
        raise  # the connection is gone: the whole page is retried
    except sa.exc.DBAPIError as exc:
        if not isolate:
            raise  # the page runs again with a savepoint per order
        logger.warning("order %s refused by the database: %s", row.checkout_form_id, exc.orig)
        return _held(row, counts, f"the database refused the order ({type(exc.orig).__name__})")
    counts.invoices_created += 1
    counts.customers_created += int(customer_created)
    return ledger.LedgerUpdate(row.id, OrderState.INVOICED.value, None, invoice.id, False)


def _issues_invoice(ctx: ImportContext, row: ledger.LedgerRow, decision: OrderDecision) -> bool:
    """True when _apply would issue the order's invoice (the page path issues them together)."""
    return (
        row.invoice_id is None and decision.action is Action.INVOICE and ctx.company_id is not None
    )


def _issue_page(
    session: Session,
    ctx: ImportContext,
    orders: Sequence[tuple[ledger.LedgerRow, OrderDecision]],
    product_ids: Mapping[str, uuid.UUID],
    counts: SyncCounts,
) -> dict[uuid.UUID, ledger.LedgerUpdate]:
    """_issue for many orders: one customer upsert and one invoice batch for the page.

    The same outcome per order as _issue one by one (a buyer refused holds its order; a
    refused invoice holds it and keeps its buyer, as there). A statement the database refuses
    propagates, and the page runs again order by order.
    """
    updates: dict[uuid.UUID, ledger.LedgerUpdate] = {}
    if not orders:
        return updates
    buyers = list(orders)
    try:
        customer_of = _upsert_buyers(session, ctx, buyers)
    except CustomerError:  # rare: find the refused buyers, hold their orders, upsert the rest
        for row, decision in orders:
            try:
                if decision.customer is not None:
                    check_customer(decision.customer)
            except CustomerError as exc:
                updates[row.id] = _held(row, counts, str(exc))
        buyers = [(r, d) for r, d in orders if r.id not in updates]
        customer_of = _upsert_buyers(session, ctx, buyers)
    invoice_drafts = []
    for row, decision in buyers:
        customer = customer_of.get(row.id)
        customer_id = customer[0] if customer is not None else None
        invoice_drafts.append(_draft(ctx, row, decision, customer_id, product_ids))
    # No SAVEPOINT: an order that already has an invoice (BatchConflict) reruns the page.
    results = issue_invoices(session, invoice_drafts, guarded=False)
    for (row, _), result in zip(buyers, results, strict=True):
        if isinstance(result, DuplicateInvoice):  # another sync issued it first; its number stands
            counts.skipped += 1
            updates[row.id] = ledger.LedgerUpdate(
                row.id, OrderState.INVOICED.value, None, result.existing_id, False
            )
        elif isinstance(result, InvoiceError):
            updates[row.id] = _held(row, counts, str(result))
        else:
            counts.invoices_created += 1
            counts.customers_created += int(row.id in customer_of and customer_of[row.id][1])
            updates[row.id] = ledger.LedgerUpdate(
                row.id, OrderState.INVOICED.value, None, result.id, False
            )
    return updates


def _upsert_buyers(
    session: Session, ctx: ImportContext, orders: Sequence[tuple[ledger.LedgerRow, OrderDecision]]
) -> dict[uuid.UUID, tuple[uuid.UUID, bool]]:
    """{ledger row id: (customer id, created)} of the orders that name a buyer."""
    named = [(r, d.customer) for r, d in orders if d.customer is not None]
    customers = upsert_customer_ids(session, ctx.tenant_id, [draft for _, draft in named])
    return {row.id: customer for (row, _), customer in zip(named, customers, strict=True)}


def _held(row: ledger.LedgerRow, counts: SyncCounts, reason: str) -> ledger.LedgerUpdate:
    counts.needs_review += 1
    return ledger.LedgerUpdate(row.id, OrderState.NEEDS_REVIEW.value, reason[:500], None, False)


def _draft(
    ctx: ImportContext,
    row: ledger.LedgerRow,
    decision: OrderDecision,
    customer_id: uuid.UUID | None,
    product_ids: Mapping[str, uuid.UUID],
) -> InvoiceDraft:
    assert ctx.company_id is not None and decision.buyer is not None
    lines = [
        LineDraft(
            name=line.name,
            quantity=line.quantity,
            unit_gross=line.unit_gross,
            vat_rate=line.vat_rate,
            product_id=product_ids.get(line.offer_id) if line.offer_id else None,
        )
        for line in decision.lines
    ]
    return InvoiceDraft(
        tenant_id=ctx.tenant_id,
        company_id=ctx.company_id,
        lines=lines,
        buyer=decision.buyer,
        issue_date=ctx.today,
        sale_date=decision.sale_date or ctx.today,
        customer_id=customer_id,
        template_id=ctx.template_id,
        due_date=decision.due_date,
        payment_method=decision.payment_method,
        paid_at=decision.paid_at,
        source=SOURCE,
        integration_id=ctx.integration_id,
        external_order_id=row.checkout_form_id,
    )
