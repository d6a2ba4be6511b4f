"""The seller's company (every Company tab field) and its KSeF connection.

GET/PUT /company, GET/PUT /company/ksef, POST /company/ksef/verify. The KSeF token is
write-only: answers say only `tokenSet`. Tenant-scoped (the caller's default company); every
change is audited, without the token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session

from invoicehub.api.deps import PrincipalDep, SessionDep, client_address
from invoicehub.api.errors import error_responses
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
# API name -> CompanyInput field (the Company tab's fields).
FIELDS = {
    "name": "name",
    "nip": "nip",
    "street": "street",
    "city": "city",
    "postalCode": "postal_code",
    "countryCode": "country_code",
    "bankAccount": "bank_account",
    "invoiceSeries": "invoice_series",
    "correctionSeries": "correction_series",
    "vatExemptionBasis": "vat_exemption_basis",
    "vatExemptionKind": "vat_exemption_kind",
    "cashAccounting": "cash_accounting",
}
API_NAME = {field: name for name, field in FIELDS.items()}


class CompanyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    nip: str = ""
    street: str = ""
    city: str = ""
    postalCode: str = ""
    countryCode: str = "PL"
    bankAccount: str = ""
    invoiceSeries: str = Field(default="FV/{YYYY}/{MM}/{N}", description="{YYYY}, {MM}, {N}")
    correctionSeries: str = Field(default="KOR/{YYYY}/{MM}/{N}")
    vatExemptionBasis: str = Field(default="", description='Printed when a line is "zw"')
    vatExemptionKind: str = Field(default="", description="A (Polish act), B (directive), C")
    cashAccounting: bool = Field(default=False, description="metoda kasowa (FA(3) P_16)")


class CompanyOut(CompanyIn):
    id: str
    missingFields: list[str] = Field(
        description="What art. 106e still needs: invoicing is blocked while this is not empty"
    )


class KsefIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    environment: KsefEnvironment
    token: str | None = Field(
        default=None,
        max_length=MAX_TOKEN_LENGTH,
        description='Write-only KSeF token. Left out or null keeps the stored one; "" removes it',
    )
    autoSend: bool


class KsefOut(BaseModel):
    environment: KsefEnvironment
    autoSend: bool
    tokenSet: bool
    verifiedAt: datetime | None
    lastError: str | None = Field(default=None, description="Why the last verification failed")


class KsefVerified(KsefOut):
    verified: bool = True


def _company(session: Session, principal: Principal) -> Company:
    company = default_company(session, principal.tenant_id)
    if company is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NO_COMPANY)
    return company


def _company_out(company: Company) -> CompanyOut:
    values: dict[str, Any] = {name: getattr(company, field) for name, field in FIELDS.items()}
    missing = missing_seller_fields(company)
    return CompanyOut(id=str(company.id), missingFields=missing, **values)


def _ksef_out(connection: KsefConnection) -> KsefOut:
    return KsefOut(
        environment=KsefEnvironment(connection.environment),
        autoSend=connection.auto_send,
        tokenSet=connection.token_encrypted is not None,
        verifiedAt=connection.verified_at,
        lastError=connection.last_error,
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
        data = CompanyInput(**{FIELDS[k]: v for k, v in body.model_dump().items()})
    except ValidationError as exc:
        detail = [
            {
                "loc": ["body", API_NAME.get(str(err["loc"][0]), str(err["loc"][0]))],
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
        audit_after=body.model_dump(),
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
        auto_send=body.autoSend,
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
