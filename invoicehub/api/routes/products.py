"""GET /products: the tenant's products, searchable and paged (prices as strings)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from invoicehub.api.deps import PrincipalDep, SessionDep
from invoicehub.api.errors import error_responses
from invoicehub.domain.products import list_products
from invoicehub.domain.rows import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from invoicehub.models import Product

router = APIRouter(prefix="/products", tags=["products"])

ERRORS = error_responses({401: "Missing, invalid or expired bearer token"})
MAX_PAGE = 100_000
TEXT = r"^[^\x00]*$"  # PostgreSQL refuses NUL in text


class ProductOut(BaseModel):
    id: uuid.UUID
    name: str
    sku: str | None
    unit: str
    vatRate: str
    grossPrice: str
    source: str
    externalId: str | None
    createdAt: datetime
    updatedAt: datetime


class ProductPage(BaseModel):
    items: list[ProductOut]
    total: int
    page: int
    pageSize: int


@router.get("", response_model=ProductPage, responses=ERRORS)
def list_tenant_products(
    principal: PrincipalDep,
    session: SessionDep,
    search: Annotated[
        str | None, Query(max_length=100, pattern=TEXT, description="name or SKU")
    ] = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
) -> ProductPage:
    """The tenant's products by name."""
    items, total = list_products(session, principal.tenant_id, search, page, page_size)
    return ProductPage(items=[_out(p) for p in items], total=total, page=page, pageSize=page_size)


def _out(product: Product) -> ProductOut:
    return ProductOut(
        id=product.id,
        name=product.name,
        sku=product.sku,
        unit=product.unit,
        vatRate=product.vat_rate,
        grossPrice=f"{product.gross_price:.2f}",
        source=product.source,
        externalId=product.external_id,
        createdAt=product.created_at,
        updatedAt=product.updated_at,
    )
