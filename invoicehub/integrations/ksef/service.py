"""The seller's KSeF changes, each one unit of work (audited, then committed): the connection's
settings, its verification, its Offline certificate (KOD II) and Send/Resend of an invoice.
Routes and Reflex handlers call these and never commit; `connection.py`, `offline_cert.py` and
`submissions.py` only flush."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from invoicehub.activity import record_audit
from invoicehub.auth.tokens import Principal
from invoicehub.integrations.ksef.connection import (
    VerifyResult,
    connection_of,
    update_connection,
    verify_connection,
)
from invoicehub.integrations.ksef.environments import KsefEnvironment
from invoicehub.integrations.ksef.offline_cert import (
    OfflineCertificateInfo,
    clear_offline_certificate,
    info_of,
    set_offline_certificate,
)
from invoicehub.integrations.ksef.submissions import request_send
from invoicehub.models import Invoice, KsefConnection


def connection_settings(
    session: Session, tenant_id: uuid.UUID, company_id: uuid.UUID
) -> KsefConnection:
    """The company's connection, its row created with the defaults (and kept) on first read."""
    connection = connection_of(session, tenant_id, company_id)
    session.commit()
    return connection


def save_connection(
    session: Session,
    principal: Principal,
    company_id: uuid.UUID,
    *,
    environment: KsefEnvironment,
    auto_send: bool,
    token: str | None,
    ip: str | None = None,
) -> KsefConnection:
    """Store the settings (`token` None keeps the stored one) and audit them, without the token."""
    connection = update_connection(
        session,
        principal.tenant_id,
        company_id,
        environment=environment,
        auto_send=auto_send,
        token=token,
    )
    record_audit(
        session,
        "company.ksef_updated",
        principal=principal,
        target_type="company",
        target_id=company_id,
        after={
            "environment": environment.value,
            "autoSend": auto_send,
            "tokenChanged": token is not None,
        },
        ip=ip,
    )
    session.commit()
    return connection


def verify_and_record(
    session: Session, principal: Principal, company_id: uuid.UUID, *, ip: str | None = None
) -> VerifyResult:
    """Authenticate in KSeF with the stored token now; the outcome is kept and audited."""
    result = verify_connection(session, principal.tenant_id, company_id)
    record_audit(
        session,
        "company.ksef_verified",
        principal=principal,
        target_type="company",
        target_id=company_id,
        after={"ok": result.ok},
        ip=ip,
    )
    session.commit()
    return result


def send_invoice(
    session: Session,
    principal: Principal,
    invoice: Invoice,
    *,
    environment: str,
    ip: str | None = None,
) -> None:
    """Queue the invoice for KSeF (its sender runs after the commit); raises AlreadyAccepted."""
    request_send(session, principal.tenant_id, invoice, environment=environment)
    record_audit(
        session,
        "invoice.ksef_send_requested",
        principal=principal,
        target_type="invoice",
        target_id=invoice.id,
        ip=ip,
    )
    session.commit()


def offline_certificate(
    session: Session, tenant_id: uuid.UUID, company_id: uuid.UUID
) -> OfflineCertificateInfo | None:
    """What may be shown of the company's KSeF Offline certificate (never its key)."""
    return info_of(connection_settings(session, tenant_id, company_id))


def save_offline_certificate(
    session: Session,
    principal: Principal,
    company_id: uuid.UUID,
    *,
    certificate: str,
    private_key: str,
    password: str | None,
    ip: str | None = None,
) -> OfflineCertificateInfo:
    """Check and store the Offline certificate with its sealed key, audited without the key;
    raises OfflineCertificateInvalid (nothing stored)."""
    info = set_offline_certificate(
        session, principal.tenant_id, company_id, certificate, private_key, password
    )
    record_audit(
        session,
        "company.ksef_offline_certificate_set",
        principal=principal,
        target_type="company",
        target_id=company_id,
        after={"serialNumber": info.serial_number, "validTo": info.valid_to.isoformat()},
        ip=ip,
    )
    session.commit()
    return info


def remove_offline_certificate(
    session: Session, principal: Principal, company_id: uuid.UUID, *, ip: str | None = None
) -> None:
    clear_offline_certificate(session, principal.tenant_id, company_id)
    record_audit(
        session,
        "company.ksef_offline_certificate_removed",
        principal=principal,
        target_type="company",
        target_id=company_id,
        ip=ip,
    )
    session.commit()
