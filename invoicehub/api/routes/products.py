"""GET /products: the tenant's products, searchable and paged (prices as strings); PUT
/products/{id}: a seller's edit, audited, which later Allegro syncs keep."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import ConfigDict

from invoicehub.api.deps import PrincipalDep, SessionDep, client_address
from invoicehub.api.edit_errors import refused_fields
from invoicehub.api.errors import error_responses
from invoicehub.api.schema import ApiModel, ApiRequest
from invoicehub.domain.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from invoicehub.domain.products import ProductEdit, list_products
from invoicehub.models import Product, VatRate
from invoicehub.services.catalog import save_product

router = APIRouter(prefix="/products", tags=["products"])

ERRORS = error_responses({401: "Missing, invalid or expired bearer token"})
NOT_FOUND_DETAIL = "product not found"
EDIT_ERRORS = error_responses(
    {
        401: "Missing, invalid or expired bearer token",
        404: ("No such product for this tenant", NOT_FOUND_DETAIL),
    }
)
MAX_PAGE = 100_000
TEXT = r"^[^\x00]*$"  # PostgreSQL refuses NUL in text


class ProductOut(ApiModel):
    id: uuid.UUID
    name: str
    sku: str | None
    unit: str
    vat_rate: VatRate
    gross_price: str
    annex15: bool
    source: str
    external_id: str | None
    created_at: datetime
    updated_at: datetime


class ProductUpdate(ApiRequest, ProductEdit):
    """Every editable field of a product (PUT replaces them all); `sku` may be null."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Kubek ceramiczny 330 ml",
                    "sku": "KUB-330",
                    "unit": "szt.",
                    "vatRate": "8",
                    "grossPrice": "39.90",
                    "annex15": False,
                }
            ]
        },
    )


class ProductPage(ApiModel):
    items: list[ProductOut]
    total: int
    page: int
    page_size: int


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
    return ProductPage(items=[_out(p) for p in items], total=total, page=page, page_size=page_size)


@router.put(
    "/{product_id}",
    response_model=ProductOut,
    responses={
        **EDIT_ERRORS,
        **refused_fields(
            "A field is missing or refused; nothing was stored",
            "vatRate",
            "Value error, VAT rate must be one of 23, 8, 5, 0, zw",
        ),
        **refused_fields(
            "Another product has the SKU; nothing was stored",
            "sku",
            "another product already has SKU KUB-330",
            409,
        ),
    },
)
def edit_product(
    product_id: uuid.UUID,
    product: ProductUpdate,
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
) -> ProductOut:
    """Replace a product's name, SKU, unit, VAT rate, gross price and Annex 15 flag (audited).

    Later Allegro syncs keep these values: the VAT rate is the one used for order lines that
    state none.
    """
    edited = save_product(session, principal, product_id, product, ip=client_address(request))
    return _out(edited)


def _out(product: Product) -> ProductOut:
    return ProductOut(
        id=product.id,
        name=product.name,
        sku=product.sku,
        unit=product.unit,
        vat_rate=VatRate(product.vat_rate),
        gross_price=f"{product.gross_price:.2f}",
        annex15=product.annex15,
        source=product.source,
        external_id=product.external_id,
        created_at=product.created_at,
        updated_at=product.updated_at,
    )
