"""The seller's company (every Company tab field) and its KSeF connection.

GET/PUT /company, GET/PUT /company/ksef, POST /company/ksef/verify. The KSeF token is
write-only: answers say only `tokenSet`. Tenant-scoped (the caller's default company); every
change is audited, without the token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel
from sqlmodel import Session

from invoicehub.api.deps import PrincipalDep, SessionDep, client_address
from invoicehub.api.errors import error_responses
from invoicehub.api.schema import ApiModel, ApiRequest
from invoicehub.auth.accounts import default_company
from invoicehub.auth.tokens import Principal
from invoicehub.domain.companies import CompanyInput
from invoicehub.domain.seller_data import missing_seller_fields
from invoicehub.integrations.ksef.connection import MAX_TOKEN_LENGTH, connection_of
from invoicehub.integrations.ksef.environments import KsefEnvironment
from invoicehub.integrations.ksef.service import (
    connection_settings,
    save_connection,
    verify_and_record,
)
from invoicehub.models import Company, KsefConnection
from invoicehub.services.company import save_company

router = APIRouter(prefix="/company", tags=["company"])
NO_COMPANY = "no company for this account"
ERRORS = error_responses(
    {
        401: "Missing, invalid or expired bearer token",
        404: ("The account has no company", NO_COMPANY),
    }
)


class CompanyIn(ApiRequest):
    model_config = ConfigDict(extra="forbid")

    name: str
    nip: str = ""
    street: str = ""
    city: str = ""
    postal_code: str = ""
    country_code: str = "PL"
    bank_account: str = ""
    invoice_series: str = Field(default="FV/{YYYY}/{MM}/{N}", description="{YYYY}, {MM}, {N}")
    correction_series: str = Field(default="KOR/{YYYY}/{MM}/{N}")
    vat_exemption_basis: str = Field(default="", description='Printed when a line is "zw"')
    vat_exemption_kind: str = Field(default="", description="A (Polish act), B (directive), C")
    cash_accounting: bool = Field(default=False, description="metoda kasowa (FA(3) P_16)")


class CompanyOut(CompanyIn):
    model_config = ConfigDict(validate_by_name=True)  # built in code, by field name

    id: str
    missing_fields: list[str] = Field(
        description="What art. 106e still needs: invoicing is blocked while this is not empty"
    )


class KsefIn(ApiRequest):
    model_config = ConfigDict(extra="forbid")

    environment: KsefEnvironment
    token: str | None = Field(
        default=None,
        max_length=MAX_TOKEN_LENGTH,
        description='Write-only KSeF token. Left out or null keeps the stored one; "" removes it',
    )
    auto_send: bool


class KsefOut(ApiModel):
    environment: KsefEnvironment
    auto_send: bool
    token_set: bool
    verified_at: datetime | None
    last_error: str | None = Field(default=None, description="Why the last verification failed")


class KsefVerified(KsefOut):
    verified: bool = True


def _company(session: Session, principal: Principal) -> Company:
    company = default_company(session, principal.tenant_id)
    if company is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NO_COMPANY)
    return company


def _company_out(company: Company) -> CompanyOut:
    values: dict[str, Any] = {name: getattr(company, name) for name in CompanyIn.model_fields}
    missing = missing_seller_fields(company)
    return CompanyOut(id=str(company.id), missing_fields=missing, **values)


def _ksef_out(connection: KsefConnection) -> KsefOut:
    return KsefOut(
        environment=KsefEnvironment(connection.environment),
        auto_send=connection.auto_send,
        token_set=connection.token_encrypted is not None,
        verified_at=connection.verified_at,
        last_error=connection.last_error,
    )


@router.get("", response_model=CompanyOut, responses=ERRORS)
def read_company(principal: PrincipalDep, session: SessionDep) -> CompanyOut:
    return _company_out(_company(session, principal))


@router.put(
    "",
    response_model=CompanyOut,
    responses={
        **ERRORS,
        422: {"description": "A field is refused (loc names it); nothing was stored"},
    },
)
def write_company(
    body: CompanyIn, request: Request, principal: PrincipalDep, session: SessionDep
) -> CompanyOut:
    company = _company(session, principal)
    try:
        data = CompanyInput(**body.model_dump())
    except ValidationError as exc:
        detail = [
            {
                "loc": ["body", to_camel(str(err["loc"][0]))],
                "msg": str(err["msg"]).removeprefix("Value error, "),
                "type": err["type"],
            }
            for err in exc.errors()
        ]
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail) from exc
    company = save_company(
        session,
        principal,
        company.id,
        data,
        audit_after=body.model_dump(by_alias=True),
        ip=client_address(request),
    )
    return _company_out(company)


@router.get("/ksef", response_model=KsefOut, responses=ERRORS)
def read_ksef(principal: PrincipalDep, session: SessionDep) -> KsefOut:
    company = _company(session, principal)
    return _ksef_out(connection_settings(session, principal.tenant_id, company.id))


@router.put("/ksef", response_model=KsefOut, responses=ERRORS)
def write_ksef(
    body: KsefIn, request: Request, principal: PrincipalDep, session: SessionDep
) -> KsefOut:
    """Set the environment, auto-send and (write-only) the KSeF token."""
    company = _company(session, principal)
    connection = save_connection(
        session,
        principal,
        company.id,
        environment=body.environment,
        auto_send=body.auto_send,
        token=body.token,
        ip=client_address(request),
    )
    return _ksef_out(connection)


@router.post(
    "/ksef/verify",
    response_model=KsefVerified,
    responses={
        **ERRORS,
        422: {
            "description": "KSeF refused the token (or none is set): detail is KSeF's reason",
            "content": {
                "application/json": {"example": {"detail": "KSeF authentication 450: ..."}}
            },
        },
    },
)
def verify_ksef(request: Request, principal: PrincipalDep, session: SessionDep) -> KsefVerified:
    """Authenticate in KSeF now with the stored token."""
    company = _company(session, principal)
    result = verify_and_record(session, principal, company.id, ip=client_address(request))
    if not result.ok:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, result.reason)
    connection = connection_of(session, principal.tenant_id, company.id)
    return KsefVerified(**_ksef_out(connection).model_dump())
