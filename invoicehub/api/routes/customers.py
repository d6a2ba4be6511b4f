"""GET /customers: the tenant's buyers, searchable and paged."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from invoicehub.api.deps import PrincipalDep, SessionDep
from invoicehub.api.errors import error_responses
from invoicehub.domain.customers import list_customers
from invoicehub.domain.rows import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from invoicehub.models import Customer

router = APIRouter(prefix="/customers", tags=["customers"])

ERRORS = error_responses({401: "Missing, invalid or expired bearer token"})
MAX_PAGE = 100_000
TEXT = r"^[^\x00]*$"  # PostgreSQL refuses NUL in text


class CustomerOut(BaseModel):
    id: uuid.UUID
    kind: str
    name: str
    nip: str | None
    email: str
    street: str
    city: str
    postalCode: str
    countryCode: str
    source: str
    externalId: str | None
    createdAt: datetime
    updatedAt: datetime


class CustomerPage(BaseModel):
    items: list[CustomerOut]
    total: int
    page: int
    pageSize: int


@router.get("", response_model=CustomerPage, responses=ERRORS)
def list_tenant_customers(
    principal: PrincipalDep,
    session: SessionDep,
    search: Annotated[
        str | None,
        Query(max_length=100, pattern=TEXT, description="name, NIP, e-mail or city"),
    ] = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
) -> CustomerPage:
    """The tenant's customers by name."""
    items, total = list_customers(session, principal.tenant_id, search, page, page_size)
    return CustomerPage(items=[_out(c) for c in items], total=total, page=page, pageSize=page_size)


def _out(customer: Customer) -> CustomerOut:
    return CustomerOut(
        id=customer.id,
        kind=customer.kind,
        name=customer.name,
        nip=customer.nip,
        email=customer.email,
        street=customer.street,
        city=customer.city,
        postalCode=customer.postal_code,
        countryCode=customer.country_code,
        source=customer.source,
        externalId=customer.external_id,
        createdAt=customer.created_at,
        updatedAt=customer.updated_at,
    )
