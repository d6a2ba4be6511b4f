"""The company's KSeF certificate of type Offline (signs KOD II of offline invoices).

GET/PUT/DELETE /company/ksef/offline-certificate. KSeF issues this certificate only to a
requester authenticated with a qualified signature or seal, so the seller requests it in the
Ministry's application and gives it here with its private key. The key is write-only: stored
sealed in the vault, never returned, logged or audited; answers show the serial number, the
subject and the end of validity. Tenant-scoped (the caller's default company); changes audited.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import ConfigDict, Field

from invoicehub.api.deps import PrincipalDep, SessionDep, client_address
from invoicehub.api.routes.company import ERRORS, _company
from invoicehub.api.schema import ApiModel, ApiRequest
from invoicehub.integrations.ksef.offline_cert import (
    MAX_PEM_LENGTH,
    OfflineCertificateInfo,
)
from invoicehub.integrations.ksef.service import (
    offline_certificate,
    remove_offline_certificate,
    save_offline_certificate,
)

router = APIRouter(prefix="/company/ksef/offline-certificate", tags=["company"])
NO_CERTIFICATE = "no KSeF Offline certificate is set"


class OfflineCertificateIn(ApiRequest):
    model_config = ConfigDict(extra="forbid")

    certificate: str = Field(
        min_length=1,
        max_length=MAX_PEM_LENGTH,
        description="The KSeF certificate of type Offline: PEM, or DER in Base64 (as KSeF's "
        "POST /certificates/retrieve gives it)",
    )
    private_key: str = Field(
        min_length=1,
        max_length=MAX_PEM_LENGTH,
        description="Its private key, PEM (PKCS#8 or PKCS#1/SEC1), RSA 2048+ or EC P-256; "
        "write-only",
    )
    password: str | None = Field(
        default=None, max_length=200, description="The key's password, if it is encrypted"
    )


class OfflineCertificateOut(ApiModel):
    serial_number: str = Field(description="The certificate's serial number (hex), in KOD II")
    subject: str
    valid_to: datetime


def _out(info: OfflineCertificateInfo) -> OfflineCertificateOut:
    return OfflineCertificateOut(
        serial_number=info.serial_number, subject=info.subject, valid_to=info.valid_to
    )


@router.get(
    "",
    response_model=OfflineCertificateOut,
    responses={**ERRORS, 404: {"description": f"The account has no company, or {NO_CERTIFICATE}"}},
)
def read_offline_certificate(principal: PrincipalDep, session: SessionDep) -> OfflineCertificateOut:
    company = _company(session, principal)
    info = offline_certificate(session, principal.tenant_id, company.id)
    if info is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NO_CERTIFICATE)
    return _out(info)


@router.put(
    "",
    response_model=OfflineCertificateOut,
    responses={
        **ERRORS,
        422: {"description": "The certificate or key is refused (loc names which); not stored"},
    },
)
def write_offline_certificate(
    body: OfflineCertificateIn, request: Request, principal: PrincipalDep, session: SessionDep
) -> OfflineCertificateOut:
    company = _company(session, principal)
    info = save_offline_certificate(
        session,
        principal,
        company.id,
        certificate=body.certificate,
        private_key=body.private_key,
        password=body.password,
        ip=client_address(request),
    )
    return _out(info)


@router.delete("", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
def delete_offline_certificate(
    request: Request, principal: PrincipalDep, session: SessionDep
) -> None:
    company = _company(session, principal)
    remove_offline_certificate(session, principal, company.id, ip=client_address(request))
