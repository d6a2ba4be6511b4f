"""Reading the tenant's customers: one by id, and a searched, paged list."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlmodel import Session, col, select

from invoicehub.domain.paging import like_pattern, page_bounds
from invoicehub.models import Customer


def get_customer(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> Customer | None:
    customer = session.get(Customer, customer_id)
    return customer if customer is not None and customer.tenant_id == tenant_id else None


def list_customers(
    session: Session,
    tenant_id: uuid.UUID,
    search: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> tuple[list[Customer], int]:
    """One page of the tenant's customers by name, and the total matching `search`."""
    where: list[sa.ColumnElement[bool]] = [col(Customer.tenant_id) == tenant_id]
    if search and search.strip():
        pattern = like_pattern(search.strip())
        where.append(
            sa.or_(
                col(Customer.name).ilike(pattern),
                col(Customer.nip).ilike(pattern),
                col(Customer.email).ilike(pattern),
                col(Customer.city).ilike(pattern),
            )
        )
    limit, offset = page_bounds(page, page_size)
    total = session.exec(select(sa.func.count()).select_from(Customer).where(*where)).one()
    stmt = (
        select(Customer)
        .where(*where)
        .order_by(col(Customer.name), col(Customer.id))
        .limit(limit)
        .offset(offset)
    )
    return list(session.exec(stmt).all()), total
