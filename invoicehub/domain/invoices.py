"""Issuing invoices (validation, seller and buyer snapshots, VAT, gap-free number) and marking
them paid.

Exactly one invoice per external order: the partial unique index `ux_invoices_source_order`
decides, inside the invoice's transaction (a Redis key or a prior SELECT cannot). The number is
allocated first (its counter row lock queues every invoice of the series), then the invoice is
inserted with ON CONFLICT DO NOTHING on that index; when it inserts nothing, the order already
has an invoice and the number just taken is given back before `DuplicateInvoice` is raised, so a
loser consumes no number and the transaction stays usable. `create_invoices` (`issue_invoices`)
issues a page of drafts with the same checks and numbering in a few round trips (see
`invoice_batches`). Drafts and errors live in `invoice_drafts`, lookups in `invoice_queries`;
both are re-exported here, so callers import everything invoicing from this module.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.domain import numbering, payments
from invoicehub.domain.invoice_batches import Issue, adopt_issued, issue_series, line_rows
from invoicehub.domain.invoice_drafts import (
    BuyerSnapshot,
    DuplicateInvoice,
    InvoiceAlreadyPaid,
    InvoiceDraft,
    InvoiceError,
    InvoiceNotFound,
    IssuedInvoice,
    LineDraft,
)
from invoicehub.domain.invoice_queries import (
    find_invoice_by_source,
    get_invoice,
    get_invoice_lines,
    list_invoices,
    totals_of,
)
from invoicehub.domain.invoice_sql import (
    IssueContext,
    insert_invoice,
    load_issue_context,
)
from invoicehub.domain.nip import is_valid_nip, normalize_nip
from invoicehub.domain.rows import (
    remember_tenant_rows,
    table_of,
    tenant_rows_unverified,
)
from invoicehub.domain.seller_data import check_seller_snapshot
from invoicehub.domain.taxes import (
    EXEMPT,
    RATE_FRACTIONS,
    LineAmounts,
    compute_totals,
    line_amounts,
)
from invoicehub.ids import new_id
from invoicehub.models import Invoice, InvoiceStatus
from invoicehub.models.base import utcnow

__all__ = [
    "BuyerSnapshot",
    "DuplicateInvoice",
    "InvoiceAlreadyPaid",
    "InvoiceDraft",
    "InvoiceError",
    "InvoiceNotFound",
    "IssuedInvoice",
    "LineDraft",
    "create_invoice",
    "create_invoices",
    "find_invoice_by_source",
    "get_invoice",
    "get_invoice_lines",
    "issue_invoices",
    "list_invoices",
    "mark_invoice_paid",
    "totals_of",
]

SUPPORTED_CURRENCIES = ("PLN",)  # until exchange rates exist (ARCHITECTURE §7)
MAX_AMOUNT = Decimal("9999999999.99")  # NUMERIC(12, 2)
MAX_QUANTITY = Decimal("999999999.999")  # NUMERIC(12, 3)
MAX_LINES = 1000
NO_EXEMPTION_BASIS = (
    'a "zw" (VAT-exempt) line needs the legal basis of the exemption on the invoice '
    "(art. 106e ust. 1 pkt 19 ustawy o VAT): set the company's VAT exemption basis"
)
_invoices = table_of(Invoice)
_CONTEXTS = "invoicehub.issue_contexts"  # session.info key of the per-session context cache


def create_invoice(session: Session, draft: InvoiceDraft) -> Invoice:
    """Issue the invoice in the caller's transaction (flushed, not committed); two round trips
    (see invoice_sql). Raises InvoiceError, or DuplicateInvoice when the order has an invoice."""
    session.flush()
    issue = _prepare(session, draft)
    series, issued = issue.series, draft.issue_date
    number = insert_invoice(
        session,
        issue.values,
        numbering.counter_key(issue.company_id, series, issued),
        numbering.number_template(series, issued),
        [{k: v for k, v in line.items() if k != "invoice_id"} for line in issue.lines],
    )
    if number is None:
        numbering.give_back_number(session, issue.company_id, series, issued)
        raise DuplicateInvoice(_invoice_id_of_order(session, draft), str(draft.external_order_id))
    return adopt_issued(session, issue, number)


def create_invoices(
    session: Session, drafts: Sequence[InvoiceDraft]
) -> list[Invoice | InvoiceError]:
    """create_invoice for a page of drafts (one company's, as a sync page is): per draft, in order,
    its Invoice or the InvoiceError it was refused with (DuplicateInvoice when its order has one).

    The same invoices and numbers as issuing the drafts one by one in issue-date order, in a few
    round trips per company series instead of two per invoice: see `invoice_batches`.
    """
    results = _issue_all(session, drafts)
    return [r if isinstance(r, InvoiceError) else adopt_issued(session, *r) for r in results]


def issue_invoices(
    session: Session, drafts: Sequence[InvoiceDraft], *, guarded: bool = True
) -> list[IssuedInvoice | InvoiceError]:
    """create_invoices, answering each issued invoice's id and number instead of an entity in the
    session (thousands of ORM objects were ~7% of a first sync); unguarded: see BatchConflict."""
    results = _issue_all(session, drafts, guarded)
    return [
        r if isinstance(r, InvoiceError) else IssuedInvoice(r[0].values["id"], r[1])
        for r in results
    ]


def _issue_all(
    session: Session, drafts: Sequence[InvoiceDraft], guarded: bool = True
) -> list[tuple[Issue, str] | InvoiceError]:
    session.flush()
    results: list[tuple[Issue, str] | InvoiceError | None] = [None] * len(drafts)
    series: dict[tuple[uuid.UUID, str], list[tuple[int, Issue]]] = {}
    locked: dict[tuple[uuid.UUID, str], dict[str, int]] = {}  # counters locked with a context
    lock_dates = [draft.issue_date for draft in drafts]
    for index, draft in enumerate(drafts):
        try:
            issue = _prepare(session, draft, () if locked else lock_dates, locked)
        except InvoiceError as exc:
            results[index] = exc
            continue
        series.setdefault((issue.company_id, issue.series), []).append((index, issue))
    for (company_id, pattern), issues in series.items():
        last = locked.get((company_id, pattern))
        batch = issue_series(session, company_id, pattern, issues, guarded=guarded, locked=last)
        for index, result in batch.items():
            results[index] = result
    issued = [result for result in results if result is not None]
    assert len(issued) == len(drafts), "every draft has its result"
    return issued


def _prepare(
    session: Session,
    draft: InvoiceDraft,
    lock_dates: Sequence[date] = (),
    locked: dict[tuple[uuid.UUID, str], dict[str, int]] | None = None,
) -> Issue:
    """Every check of a draft and its computed values (raises InvoiceError); writes nothing but
    the counter locks of `lock_dates`, taken with a context read (load_issue_context)."""
    priced = [(line, _priced(line)) for line in _checked_lines(draft)]
    totals = compute_totals((line.vat_rate, amounts.gross) for line, amounts in priced)
    if totals.gross > MAX_AMOUNT:
        raise InvoiceError("invoice total is too large")
    context = _load_context(session, draft, lock_dates, locked)
    if not context.seller["vatExemptionBasis"] and any(
        line.vat_rate == EXEMPT for line in draft.lines
    ):
        raise InvoiceError(NO_EXEMPTION_BASIS)
    values = _invoice_values(draft, context)
    values.update(total_net=totals.net, total_vat=totals.vat, total_gross=totals.gross)
    lines = line_rows(priced, values["id"])
    return Issue(draft, context.company_id, context.series, values, lines)


def mark_invoice_paid(
    session: Session,
    tenant_id: uuid.UUID,
    invoice_id: uuid.UUID,
    paid_at: datetime,
    method: str | None = None,
) -> Invoice:
    """Record the full outstanding payment (the path of every payment: domain/payments);
    refused when already paid."""
    if paid_at.tzinfo is None:
        raise InvoiceError("paid_at must be timezone-aware")
    return payments.settle_invoice(
        session, tenant_id, invoice_id, paid_at, method, source="allegro"
    )


def _checked_lines(draft: InvoiceDraft) -> Sequence[LineDraft]:
    if not draft.lines:
        raise InvoiceError("an invoice needs at least one line")
    if len(draft.lines) > MAX_LINES:
        raise InvoiceError(f"an invoice may have at most {MAX_LINES} lines")
    if draft.currency not in SUPPORTED_CURRENCIES:
        raise InvoiceError(f"currency {draft.currency} is not supported (PLN only)")
    return draft.lines


def _load_context(
    session: Session,
    draft: InvoiceDraft,
    lock_dates: Sequence[date] = (),
    locked: dict[tuple[uuid.UUID, str], dict[str, int]] | None = None,
) -> IssueContext:
    """Seller, template and ownership checks: read once per session, then from session.info.

    So a sync job's invoices cost one round trip each. The seller is snapshotted as it was
    when the session first issued an invoice for the company.
    """
    product_ids = list({line.product_id for line in draft.lines if line.product_id is not None})
    refs = [draft.customer_id, *product_ids]
    contexts: dict[tuple[Any, ...], IssueContext] = session.info.setdefault(_CONTEXTS, {})
    key = (draft.tenant_id, draft.company_id, draft.template_id)
    cached = contexts.get(key)
    if cached is not None and not tenant_rows_unverified(session, draft.tenant_id, refs):
        return cached
    context = load_issue_context(
        session,
        tenant_id=draft.tenant_id,
        company_id=draft.company_id,
        template_id=draft.template_id,
        customer_id=draft.customer_id,
        product_ids=product_ids,
        lock_dates=lock_dates,
        locked=locked,
    )
    if context is None:
        raise InvoiceError(f"company {draft.company_id} not found")
    check_seller_snapshot(context.seller)
    if context.template_id is None:
        raise InvoiceError(f"template {draft.template_id or '(default)'} not found")
    if draft.customer_id is not None and context.customers_found != 1:
        raise InvoiceError(f"customer {draft.customer_id} not found")
    if context.products_found != len(product_ids):
        raise InvoiceError("a line refers to a product that is not found")
    contexts[key] = context
    remember_tenant_rows(session, draft.tenant_id, refs)
    return context


def _priced(line: LineDraft) -> LineAmounts:
    if not line.name.strip() or len(line.name) > 300:
        raise InvoiceError("a line name must have 1 to 300 characters")
    if not line.unit.strip() or len(line.unit) > 16:
        raise InvoiceError(f"line {line.name!r}: the unit must have 1 to 16 characters")
    if line.vat_rate not in RATE_FRACTIONS:
        raise InvoiceError(f"line {line.name!r}: unknown VAT rate {line.vat_rate!r}")
    quantity, unit_gross = Decimal(line.quantity), Decimal(line.unit_gross)
    if not _fits(quantity, 3, MAX_QUANTITY) or quantity == 0:
        raise InvoiceError(f"line {line.name!r}: quantity must be positive (3 decimals at most)")
    if not _fits(unit_gross, 2, MAX_AMOUNT):
        raise InvoiceError(f"line {line.name!r}: unit price must be a non-negative amount")
    amounts = line_amounts(unit_gross, quantity, line.vat_rate)
    if amounts.gross > MAX_AMOUNT:
        raise InvoiceError(f"line {line.name!r}: amount is too large")
    return amounts


def _invoice_values(draft: InvoiceDraft, context: IssueContext) -> dict[str, Any]:
    due_date = draft.due_date or draft.issue_date + timedelta(days=context.payment_days)
    if due_date < draft.issue_date:
        raise InvoiceError("due date cannot be before the issue date")
    if draft.paid_at is not None and draft.paid_at.tzinfo is None:
        raise InvoiceError("paid_at must be timezone-aware")
    if draft.source != "manual" and not draft.external_order_id:
        raise InvoiceError(f"an invoice from {draft.source} needs its external order id")
    _check_length("source", draft.source, 32)
    _check_length("payment method", draft.payment_method, 40)
    _check_length("external order id", draft.external_order_id or "-", 100)
    return {
        "id": new_id(),
        "tenant_id": draft.tenant_id,
        "company_id": context.company_id,
        "customer_id": draft.customer_id,
        "template_id": context.template_id,
        "status": (InvoiceStatus.PAID if draft.paid_at else InvoiceStatus.ISSUED).value,
        "issue_date": draft.issue_date,
        "sale_date": draft.sale_date,
        "due_date": due_date,
        "currency": draft.currency,
        "payment_method": draft.payment_method,
        "paid_at": draft.paid_at,
        "seller": context.seller,
        "buyer": _buyer(draft.buyer),
        "source": draft.source,
        "integration_id": draft.integration_id,
        "external_order_id": draft.external_order_id,
        "created_at": utcnow(),
    }


def _fits(value: Decimal, places: int, maximum: Decimal) -> bool:
    """Finite, within 0..maximum, with at most `places` decimals (what the NUMERIC column holds)."""
    return value.is_finite() and 0 <= value <= maximum and value == round(value, places)


def _check_length(field: str, value: str, limit: int) -> None:
    if not value.strip() or len(value) > limit:
        raise InvoiceError(f"{field} must have 1 to {limit} characters")


def _invoice_id_of_order(session: Session, draft: InvoiceDraft) -> uuid.UUID:
    """The invoice that won the order's unique key (committed, so this statement sees it)."""
    stmt = sa.select(_invoices.c.id, _invoices.c.tenant_id).where(
        _invoices.c.source == draft.source,
        _invoices.c.integration_id == draft.integration_id,
        _invoices.c.external_order_id == draft.external_order_id,
    )
    row = session.connection().execute(stmt).one()
    if row.tenant_id != draft.tenant_id:
        raise InvoiceError(f"order {draft.external_order_id} belongs to another tenant")
    return row.id


def _buyer(buyer: BuyerSnapshot | Mapping[str, Any]) -> dict[str, Any]:
    snapshot = buyer if isinstance(buyer, BuyerSnapshot) else BuyerSnapshot.from_json(buyer)
    if not snapshot.name.strip():
        raise InvoiceError("the buyer needs a name")
    nip = normalize_nip(snapshot.nip) if snapshot.nip else None
    if nip is not None and not is_valid_nip(nip):
        raise InvoiceError(f"invalid buyer NIP {snapshot.nip}: the checksum does not match")
    data = snapshot.to_json()
    data.update(name=snapshot.name.strip(), nip=nip)
    return data
