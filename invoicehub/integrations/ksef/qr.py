"""KOD I of an invoice: the verification link of its KSeF environment (docs/kody-qr.md), and
KOD II (the signed certificate link, documents/ksef_offline_link.py) for an offline invoice.

`{qr host}/invoice/{seller NIP}/{P_1 as DD-MM-YYYY}/{Base64URL SHA-256 of the FA(3) file}`.
"""

from __future__ import annotations

from sqlalchemy import orm

from invoicehub.documents.ksef_link import NO_MARK, mark_of
from invoicehub.documents.ksef_mark import KsefMark
from invoicehub.integrations.ksef.documents import render_invoice_xml
from invoicehub.integrations.ksef.fa3 import Fa3Invalid
from invoicehub.integrations.ksef.submissions import submission_of
from invoicehub.models import Invoice


def ksef_mark(session: orm.Session, invoice: Invoice) -> KsefMark | None:
    """The KSeF number and KOD I for the invoice's PDF; None while it is not on its way to KSeF
    (never queued, or refused: a refused XML is not the invoice)."""
    submission = submission_of(session, invoice.tenant_id, invoice.id)
    if submission is None or submission.status in NO_MARK:
        return None
    xml = submission.xml
    if xml is None:  # queued, not built yet: the bytes it will be sent as (byte-stable)
        try:
            xml = render_invoice_xml(session, invoice)  # type: ignore[arg-type]
        except (Fa3Invalid, LookupError):
            return None
    return mark_of(
        session,
        submission.environment,
        submission.status,
        submission.ksef_number,
        invoice,
        xml,
        offline=submission.offline,
    )
