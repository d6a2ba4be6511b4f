"""Taking invoices into a session: verify, number, remember; and reading statuses back.

Verification happens when the invoice arrives (so duplicates are decided in arrival order), but the
result stays hidden behind status 150 until `ready_at`, as KSeF processes asynchronously.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from invoicehub.emulator.ksef.state import InvoiceRecord, KsefState, Session
from invoicehub.emulator.ksef.verify import CODE_DESCRIPTIONS, Verdict, verify_invoice
from invoicehub.integrations.ksef.crypto import sha256_b64
from invoicehub.integrations.ksef.ksef_number import new_ksef_number

_rnd = random.SystemRandom()


def _record(state: KsefState, session: Session, invoice_hash: str, now: float) -> InvoiceRecord:
    return InvoiceRecord(
        reference=state.new_ref("EE"),
        ordinal=len(session.invoices) + 1,
        session=session,
        invoice_hash=invoice_hash,
        received_at=now,
        ready_at=now + state.processing_delay,
        code=100,
        description=CODE_DESCRIPTIONS[100],
        offline=session.offline,
    )


def store(state: KsefState, record: InvoiceRecord) -> InvoiceRecord:
    record.session.invoices.append(record)
    record.session.updated_at = record.received_at
    state.invoices.append(record)
    return record


def failed(
    state: KsefState, session: Session, invoice_hash: str, code: int, details: list[str]
) -> InvoiceRecord:
    """A record for an invoice refused before its XML could be read (e.g. 435 decryption)."""
    record = _record(state, session, invoice_hash, state.clock.now())
    record.code, record.description, record.details = code, CODE_DESCRIPTIONS[code], details
    return store(state, record)


def receive(
    state: KsefState,
    session: Session,
    xml: bytes,
    *,
    file_name: str | None = None,
    offline: bool = False,
) -> InvoiceRecord:
    now = state.clock.now()
    record = _record(state, session, sha256_b64(xml), now)
    record.file_name, record.xml, record.offline = file_name, xml, offline or session.offline
    acquired = datetime.fromtimestamp(record.ready_at, UTC)
    verdict = verify_invoice(xml, context_nip=session.nip, acquisition=acquired.date())
    _apply(state, record, verdict, acquired)
    return store(state, record)


def _apply(state: KsefState, record: InvoiceRecord, verdict: Verdict, acquired: datetime) -> None:
    record.invoice_number, record.seller_nip = verdict.invoice_number, verdict.seller_nip
    record.kind, record.issue_date = verdict.kind, verdict.issue_date
    record.code, record.description, record.details = (
        verdict.code,
        verdict.description,
        verdict.details,
    )
    if verdict.code != 200:
        return
    key = (verdict.seller_nip or "", verdict.kind or "", verdict.invoice_number or "")
    original = state.accepted.get(key)
    if original is not None:
        record.code, record.description = 440, CODE_DESCRIPTIONS[440]
        record.details = [
            f"Duplikat faktury. Faktura o numerze KSeF: {original.ksef_number} została już "
            f"prawidłowo przesłana do systemu w sesji: {original.session.reference}"
        ]
        record.extensions = {
            "originalSessionReferenceNumber": original.session.reference,
            "originalKsefNumber": original.ksef_number or "",
        }
        return
    record.ksef_number = new_ksef_number(verdict.seller_nip or "", acquired.date(), _rnd)
    state.accepted[key] = record


def visible_status(record: InvoiceRecord, now: float) -> tuple[int, str, list[str]]:
    if now < record.ready_at:
        return 150, CODE_DESCRIPTIONS[150], []
    return record.code, record.description, record.details


def is_accepted(record: InvoiceRecord, now: float) -> bool:
    return record.code == 200 and now >= record.ready_at
