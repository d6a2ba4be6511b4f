"""A seller's edit of a customer or a product, audited and committed."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from invoicehub.auth.tokens import Principal
from invoicehub.domain.customers import CustomerEdit, update_customer
from invoicehub.domain.products import ProductEdit, update_product
from invoicehub.models import Customer, Product


def save_customer(
    session: Session,
    principal: Principal,
    customer_id: uuid.UUID | str,
    edit: CustomerEdit,
    *,
    ip: str | None = None,
) -> Customer:
    """Raises RowNotFound or EditRefused (nothing stored) like `update_customer`."""
    customer = update_customer(session, principal, customer_id, edit, ip=ip)
    session.commit()
    return customer


def save_product(
    session: Session,
    principal: Principal,
    product_id: uuid.UUID | str,
    edit: ProductEdit,
    *,
    ip: str | None = None,
) -> Product:
    """Raises RowNotFound or EditRefused (nothing stored) like `update_product`."""
    product = update_product(session, principal, product_id, edit, ip=ip)
    session.commit()
    return product
