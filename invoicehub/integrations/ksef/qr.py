"""KOD I of an invoice: the verification link of its KSeF environment (docs/kody-qr.md).

`{qr host}/invoice/{seller NIP}/{P_1 as DD-MM-YYYY}/{Base64URL SHA-256 of the FA(3) file}`.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date

from sqlalchemy import orm

from invoicehub.documents.ksef_mark import KsefMark
from invoicehub.integrations.ksef.documents import render_invoice_xml
from invoicehub.integrations.ksef.environments import qr_base_url
from invoicehub.integrations.ksef.fa3 import Fa3Invalid
from invoicehub.integrations.ksef.submissions import submission_of
from invoicehub.models import Invoice, KsefStatus
from invoicehub.settings import get_settings


def verification_url(environment: str, nip: str, issue_date: date, xml: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(xml).digest()).decode().rstrip("=")
    base = qr_base_url(environment, get_settings().ksef_emulator_url)
    return f"{base}/invoice/{nip}/{issue_date:%d-%m-%Y}/{digest}"


def ksef_mark(session: orm.Session, invoice: Invoice) -> KsefMark | None:
    """The KSeF number and KOD I for the invoice's PDF; None while it is not on its way to KSeF
    (never queued, or refused: a refused XML is not the invoice)."""
    submission = submission_of(session, invoice.tenant_id, invoice.id)
    if submission is None or submission.status in (
        KsefStatus.REJECTED.value,
        KsefStatus.NOT_SENT.value,
    ):
        return None
    xml = submission.xml
    if xml is None:  # queued, not built yet: the bytes it will be sent as (byte-stable)
        try:
            xml = render_invoice_xml(session, invoice)  # type: ignore[arg-type]
        except (Fa3Invalid, LookupError):
            return None
    nip = str(invoice.seller.get("nip") or "")
    url = verification_url(submission.environment, nip, invoice.issue_date, xml)
    accepted = submission.status == KsefStatus.ACCEPTED.value
    return KsefMark(url, submission.ksef_number if accepted else None)
