"""KOD I's verification link (docs/kody-qr.md), KOD II's for offline invoices
(ksef_offline_link.py), and the KSeF mark of an invoice from what is
stored: the visualisation needs them wherever a PDF is drawn (the invoice page, the API, the
Allegro upload), so they live with the documents rather than in the KSeF integration.

`{qr host}/invoice/{seller NIP}/{P_1 as DD-MM-YYYY}/{Base64URL SHA-256 of the FA(3) file}`.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date

import sqlalchemy as sa
from sqlalchemy import orm

from invoicehub.documents.ksef_mark import KsefMark
from invoicehub.documents.ksef_offline_link import certificate_url, offline_signer
from invoicehub.models import Invoice, KsefStatus, KsefSubmission
from invoicehub.settings import get_settings

QR_HOSTS = {
    "test": "https://qr-test.ksef.mf.gov.pl",
    "demo": "https://qr-demo.ksef.mf.gov.pl",
    "production": "https://qr.ksef.mf.gov.pl",
}
_submissions: sa.Table = KsefSubmission.__table__  # type: ignore[attr-defined]
NO_MARK = (KsefStatus.REJECTED.value, KsefStatus.NOT_SENT.value)  # a refused XML is not the invoice


def qr_base_url(environment: str, emulator_url: str) -> str:
    """The verification host of KOD I for a KSeF environment (the emulator serves its own)."""
    if environment == "emulator":
        return f"{emulator_url.rstrip('/')}/qr"
    return QR_HOSTS[environment]


def verification_url(environment: str, nip: str, issue_date: date, xml: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(xml).digest()).decode().rstrip("=")
    base = qr_base_url(environment, get_settings().ksef_emulator_url)
    return f"{base}/invoice/{nip}/{issue_date:%d-%m-%Y}/{digest}"


def mark_of(
    session: orm.Session,
    environment: str,
    status: str,
    ksef_number: str | None,
    invoice: Invoice,
    xml: bytes,
    *,
    offline: bool = False,
) -> KsefMark:
    """KOD I, and for an invoice issued offline KOD II when the company holds a KSeF certificate
    of type Offline (the context is the company's own NIP, the one it authenticates in)."""
    nip = str(invoice.seller.get("nip") or "")
    url = verification_url(environment, nip, invoice.issue_date, xml)
    signer = offline_signer(session, invoice.tenant_id, invoice.company_id) if offline else None
    base = qr_base_url(environment, get_settings().ksef_emulator_url)
    kod2 = certificate_url(base, nip, nip, signer, xml) if signer else None
    return KsefMark(url, ksef_number if status == KsefStatus.ACCEPTED.value else None, kod2)


def stored_ksef_mark(session: orm.Session, invoice: Invoice) -> KsefMark | None:
    """The mark from the stored submission (the exact bytes sent); None while there are none."""
    row = (
        session.connection()
        .execute(
            sa.select(
                _submissions.c.environment,
                _submissions.c.status,
                _submissions.c.ksef_number,
                _submissions.c.xml,
                _submissions.c.offline,
            ).where(
                _submissions.c.invoice_id == invoice.id,
                _submissions.c.tenant_id == invoice.tenant_id,
            )
        )
        .first()
    )
    if row is None or row.status in NO_MARK or row.xml is None:
        return None
    return mark_of(
        session,
        row.environment,
        row.status,
        row.ksef_number,
        invoice,
        bytes(row.xml),
        offline=bool(row.offline),
    )
