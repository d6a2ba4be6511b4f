"""Reading invoices, always scoped to a tenant (another tenant's id reads as "not found")."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from invoicehub.domain.paging import like_pattern, page_bounds
from invoicehub.domain.taxes import Totals, compute_totals
from invoicehub.models import Invoice, InvoiceLine


def get_invoice(session: Session, tenant_id: uuid.UUID, invoice_id: uuid.UUID) -> Invoice | None:
    return session.exec(
        select(Invoice).where(col(Invoice.id) == invoice_id, col(Invoice.tenant_id) == tenant_id)
    ).first()


def get_invoice_lines(session: Session, invoice_id: uuid.UUID) -> list[InvoiceLine]:
    stmt = (
        select(InvoiceLine)
        .where(col(InvoiceLine.invoice_id) == invoice_id)
        .order_by(col(InvoiceLine.position))
    )
    return list(session.exec(stmt).all())


def totals_of(lines: Sequence[InvoiceLine]) -> Totals:
    """The per-rate summary of stored lines (the same computation that set the invoice totals)."""
    return compute_totals((line.vat_rate, line.gross) for line in lines)


def find_invoice_by_source(
    session: Session,
    tenant_id: uuid.UUID,
    source: str,
    integration_id: uuid.UUID | None,
    external_order_id: str | None,
) -> Invoice | None:
    """The invoice issued for an external order, if any."""
    if not external_order_id:
        return None
    return session.exec(
        select(Invoice).where(
            col(Invoice.tenant_id) == tenant_id,
            col(Invoice.source) == source,
            col(Invoice.integration_id) == integration_id,
            col(Invoice.external_order_id) == external_order_id,
        )
    ).first()


def list_invoices(
    session: Session,
    tenant_id: uuid.UUID,
    *,
    integration_id: uuid.UUID | None = None,
    external_order_id: str | None = None,
    status: str | None = None,
    source: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    search: str | None = None,
    page: int = 1,
    page_size: int = 20,
    kind: str | None = None,
    extra: Sequence[sa.ColumnElement[bool]] = (),
) -> tuple[list[Invoice], int]:
    """One page of invoices, newest first, and the total matching the filters.

    `date_from`/`date_to` bound the issue date (inclusive); `search` matches the number and the
    buyer's name or NIP.
    """
    where = _filters(
        tenant_id, integration_id, external_order_id, status, source, date_from, date_to, search
    )
    if kind is not None:  # 'invoice' | 'correction'
        where.append(col(Invoice.kind) == kind)
    where.extend(extra)  # e.g. the KSeF status (integrations/ksef/submissions.ksef_status_filter)
    limit, offset = page_bounds(page, page_size)
    total = session.exec(select(sa.func.count()).select_from(Invoice).where(*where)).one()
    stmt = (
        select(Invoice)
        .where(*where)
        .order_by(col(Invoice.issue_date).desc(), col(Invoice.created_at).desc(), col(Invoice.id))
        .limit(limit)
        .offset(offset)
    )
    return list(session.exec(stmt).all()), total


def _filters(
    tenant_id: uuid.UUID,
    integration_id: uuid.UUID | None,
    external_order_id: str | None,
    status: str | None,
    source: str | None,
    date_from: date | None,
    date_to: date | None,
    search: str | None,
) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = [col(Invoice.tenant_id) == tenant_id]
    if integration_id is not None:
        where.append(col(Invoice.integration_id) == integration_id)
    if external_order_id is not None:
        where.append(col(Invoice.external_order_id) == external_order_id)
    if status is not None:
        where.append(col(Invoice.status) == status)
    if source is not None:
        where.append(col(Invoice.source) == source)
    if date_from is not None:
        where.append(col(Invoice.issue_date) >= date_from)
    if date_to is not None:
        where.append(col(Invoice.issue_date) <= date_to)
    if search and search.strip():
        pattern = like_pattern(search.strip())
        where.append(
            sa.or_(
                col(Invoice.number).ilike(pattern),
                _buyer_field("name").ilike(pattern),
                _buyer_field("nip").ilike(pattern),
            )
        )
    return where


def _buyer_field(key: str) -> sa.ColumnElement[str]:
    """`buyer ->> 'key'` with the key as a literal, as the trigram indexes spell it (a bound
    parameter for the key would not match their expression in a generic plan)."""
    return col(Invoice.buyer).op("->>", return_type=sa.Text)(sa.literal_column(f"'{key}'"))
