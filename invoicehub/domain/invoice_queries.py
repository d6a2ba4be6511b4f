"""Reading invoices, always scoped to a tenant (another tenant's id reads as "not found")."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.domain.rows import like_pattern, page_bounds
from invoicehub.domain.taxes import Totals, compute_totals
from invoicehub.models import Invoice, InvoiceLine


def get_invoice(session: Session, tenant_id: uuid.UUID, invoice_id: uuid.UUID) -> Invoice | None:
    return session.scalars(
        sa.select(Invoice).where(Invoice.id == invoice_id, Invoice.tenant_id == tenant_id)
    ).first()


def get_invoice_lines(session: Session, invoice_id: uuid.UUID) -> list[InvoiceLine]:
    stmt = (
        sa.select(InvoiceLine)
        .where(InvoiceLine.invoice_id == invoice_id)
        .order_by(InvoiceLine.position)  # type: ignore[arg-type]
    )
    return list(session.scalars(stmt).all())


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
    return session.scalars(
        sa.select(Invoice).where(
            Invoice.tenant_id == tenant_id,
            Invoice.source == source,
            Invoice.integration_id == integration_id,
            Invoice.external_order_id == external_order_id,
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
) -> tuple[list[Invoice], int]:
    """One page of invoices, newest first, and the total matching the filters.

    `date_from`/`date_to` bound the issue date (inclusive); `search` matches the number and the
    buyer's name or NIP.
    """
    where: list[sa.ColumnElement[bool]] = [Invoice.tenant_id == tenant_id]  # type: ignore[list-item]
    filters = (
        (Invoice.integration_id, integration_id),
        (Invoice.external_order_id, external_order_id),
        (Invoice.status, status),
        (Invoice.source, source),
    )
    where += [column == value for column, value in filters if value is not None]
    if date_from is not None:
        where.append(Invoice.issue_date >= date_from)  # type: ignore[arg-type]
    if date_to is not None:
        where.append(Invoice.issue_date <= date_to)  # type: ignore[arg-type]
    if search and search.strip():
        pattern = like_pattern(search.strip())
        buyer = Invoice.buyer  # JSONB
        where.append(
            sa.or_(
                Invoice.number.ilike(pattern),  # type: ignore[attr-defined]
                buyer["name"].astext.ilike(pattern),  # type: ignore[index]
                buyer["nip"].astext.ilike(pattern),  # type: ignore[index]
            )
        )
    limit, offset = page_bounds(page, page_size)
    total = session.scalar(sa.select(sa.func.count()).select_from(Invoice).where(*where)) or 0
    stmt = (
        sa.select(Invoice)
        .where(*where)
        .order_by(
            Invoice.issue_date.desc(),  # type: ignore[attr-defined]
            Invoice.created_at.desc(),  # type: ignore[attr-defined]
            Invoice.id,
        )
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(stmt).all()), total
