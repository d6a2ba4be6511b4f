"""GET /customers: the tenant's buyers, searchable and paged; PUT /customers/{id}: a seller's
edit, audited. Invoices keep the buyer they were issued with: an edit never changes them."""

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
from invoicehub.domain.customer_queries import list_customers
from invoicehub.domain.customers import CustomerEdit
from invoicehub.domain.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from invoicehub.models import Customer
from invoicehub.services.catalog import save_customer

router = APIRouter(prefix="/customers", tags=["customers"])

ERRORS = error_responses({401: "Missing, invalid or expired bearer token"})
NOT_FOUND_DETAIL = "customer not found"
EDIT_ERRORS = error_responses(
    {
        401: "Missing, invalid or expired bearer token",
        404: ("No such customer for this tenant", NOT_FOUND_DETAIL),
    }
)
MAX_PAGE = 100_000
TEXT = r"^[^\x00]*$"  # PostgreSQL refuses NUL in text


class CustomerOut(ApiModel):
    id: uuid.UUID
    kind: str
    name: str
    nip: str | None
    email: str
    street: str
    city: str
    postal_code: str
    country_code: str
    source: str
    external_id: str | None
    created_at: datetime
    updated_at: datetime


class CustomerUpdate(ApiRequest, CustomerEdit):
    """Every editable field of a customer (PUT replaces them all); `nip` may be null.

    A NIP makes the customer a company; a Polish postal code looks like 00-950.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Zażółć Gęślą Jaźń Sp. z o.o.",
                    "nip": "7740001454",
                    "email": "biuro@zazolc.pl",
                    "street": "ul. Piotrkowska 100",
                    "postalCode": "90-001",
                    "city": "Łódź",
                    "countryCode": "PL",
                }
            ]
        },
    )


class CustomerPage(ApiModel):
    items: list[CustomerOut]
    total: int
    page: int
    page_size: int


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
    return CustomerPage(items=[_out(c) for c in items], total=total, page=page, page_size=page_size)


@router.put(
    "/{customer_id}",
    response_model=CustomerOut,
    responses={
        **EDIT_ERRORS,
        **refused_fields(
            "A field is missing or refused; nothing was stored",
            "nip",
            "Value error, invalid NIP 1234567890: the checksum does not match",
        ),
        **refused_fields(
            "Another customer has the NIP; nothing was stored",
            "nip",
            "another customer already has NIP 7740001454",
            409,
        ),
    },
)
def edit_customer(
    customer_id: uuid.UUID,
    customer: CustomerUpdate,
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
) -> CustomerOut:
    """Replace a customer's name, NIP, e-mail and address (audited).

    Issued invoices keep the buyer they were issued with; later Allegro syncs keep these values.
    """
    edited = save_customer(session, principal, customer_id, customer, ip=client_address(request))
    return _out(edited)


def _out(customer: Customer) -> CustomerOut:
    return CustomerOut(
        id=customer.id,
        kind=customer.kind,
        name=customer.name,
        nip=customer.nip,
        email=customer.email,
        street=customer.street,
        city=customer.city,
        postal_code=customer.postal_code,
        country_code=customer.country_code,
        source=customer.source,
        external_id=customer.external_id,
        created_at=customer.created_at,
        updated_at=customer.updated_at,
    )
