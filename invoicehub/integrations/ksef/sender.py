"""The sender: one company's queued invoices to KSeF in one session (the job's body).

Exactly once. A company's sender runs under a PostgreSQL advisory lock (a second job waits, then
finds nothing left); each invoice's row moves queued -> sent (the session and invoice reference
committed the moment KSeF answers the POST) -> accepted | rejected. A row left `sent` by a worker
that died is resolved by asking KSeF for its status before anything is sent again; an answer
lost before `sent` was committed makes the resend a 440 duplicate, whose original KSeF number
is adopted. KSeF unreachable (timeouts, 5xx, outage) marks the rows `offline`; the job retries
on the sync's backoff and sends them with offlineMode once KSeF is back.

Above BATCH_THRESHOLD invoices a batch session is used (online sends are limited to 30 a minute).
A correction (KOR) is sent only once its original has a KSeF number: a later pass of the same
run picks it up after the original was accepted.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from invoicehub.db import session_scope
from invoicehub.integrations.ksef import submissions as subs
from invoicehub.integrations.ksef.client import KsefAuth, KsefClient
from invoicehub.integrations.ksef.connection import authenticate, open_client
from invoicehub.integrations.ksef.documents import render_invoice_xml
from invoicehub.integrations.ksef.errors import (
    KsefAuthError,
    KsefBadRequest,
    KsefRejected,
    KsefTransientError,
)
from invoicehub.integrations.ksef.fa3 import Fa3Invalid
from invoicehub.integrations.ksef.offline import mark_offline
from invoicehub.integrations.ksef.receipts import (
    await_statuses,
    download_upos,
    patient,
    resolve_sent,
)
from invoicehub.integrations.ksef.texts import TOKEN_REFUSED
from invoicehub.jobs.locks import keyed_lock
from invoicehub.models import (
    Company,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    KsefConnection,
    KsefStatus,
)
from invoicehub.models import KsefSubmission as Sub
from invoicehub.models.base import utcnow

logger = logging.getLogger(__name__)
BATCH_THRESHOLD = 10  # more invoices than this travel in a batch session
SESSION_LIMIT = 1000  # invoices per session
MAX_PASSES = 3  # invoices, then corrections whose originals were just accepted, ...
LOCK_CLASS = 0x4B_53_46  # advisory lock key space of KSeF senders ("KSF")
LOCK_WAIT_MS = 15 * 60 * 1000
_subs: sa.Table = Sub.__table__  # type: ignore[attr-defined]
_invoices: sa.Table = Invoice.__table__  # type: ignore[attr-defined]
_connections: sa.Table = KsefConnection.__table__  # type: ignore[attr-defined]


class KsefUnavailable(KsefTransientError):
    """KSeF could not be reached; the run's invoices were marked offline."""


@dataclass(frozen=True)
class Outgoing:
    submission_id: uuid.UUID
    xml: bytes
    offline: bool

    @property
    def file_name(self) -> str:
        return f"{self.submission_id}.xml"


@contextmanager
def company_lock(company_id: uuid.UUID) -> Iterator[bool]:
    """Wait (up to LOCK_WAIT_MS) for the company's sender lock; held until the block ends."""
    with keyed_lock(LOCK_CLASS, company_id, wait_ms=LOCK_WAIT_MS) as held:
        yield held


def send_company(company_id: uuid.UUID, *, fetch_upos: bool = True) -> dict[str, int | str]:
    """Send what the company has queued. `fetch_upos=False` leaves the UPO downloads (limited
    to 120 a minute by KSeF) to the next run."""
    with company_lock(company_id) as held:
        if not held:
            return {"status": "busy"}
        return _send(company_id, fetch_upos=fetch_upos)


def _load(company_id: uuid.UUID) -> tuple[KsefConnection, str] | None:
    with session_scope() as session:
        connection = session.exec(
            select(KsefConnection).where(col(KsefConnection.company_id) == company_id)
        ).first()
        company = session.get(Company, company_id)
        if connection is None or company is None or not connection.token_encrypted:
            return None
        session.expunge(connection)
        return connection, company.nip


def _send(company_id: uuid.UUID, *, fetch_upos: bool = True) -> dict[str, int | str]:
    loaded = _load(company_id)
    if loaded is None:
        return {"status": "not_configured"}
    connection, nip = loaded
    report: Counter[str] = Counter()
    with open_client(connection) as client:
        try:
            auth = patient(authenticate, client, connection, nip)
        except KsefAuthError as exc:
            _note_connection_error(company_id, str(exc))
            return {"status": "auth_failed"}
        except KsefTransientError as exc:
            _go_offline(company_id, exc)
            raise KsefUnavailable(str(exc), exc.retry_after) from exc
        try:
            resolve_sent(client, auth, company_id, report)
            for _ in range(MAX_PASSES):
                outgoing = _prepare(company_id, report)
                if not outgoing:
                    break
                for offline in (True, False):  # offline ones first: they have deadlines
                    group = [o for o in outgoing if o.offline is offline]
                    if len(group) > BATCH_THRESHOLD:
                        _send_batch(client, auth, group, report)
                    elif group:
                        _send_online(client, auth, group, report)
            if fetch_upos:
                download_upos(client, auth, company_id, report)
        except KsefTransientError as exc:
            _go_offline(company_id, exc)
            raise KsefUnavailable(str(exc), exc.retry_after) from exc
    return {"status": "done", **report}


def _note_connection_error(company_id: uuid.UUID, message: str) -> None:
    with session_scope() as session:
        session.connection().execute(
            sa.update(_connections)
            .where(_connections.c.company_id == company_id)
            .values(last_error=message[:1000], updated_at=sa.func.now())
        )
        session.connection().execute(  # the seller sees why the invoices wait
            sa.update(_subs)
            .where(
                _subs.c.company_id == company_id,
                _subs.c.status.in_((KsefStatus.QUEUED.value, KsefStatus.OFFLINE.value)),
            )
            .values(
                error_description=TOKEN_REFUSED.format(error=message[:500]),
                updated_at=sa.func.now(),
            )
        )


def _go_offline(company_id: uuid.UUID, exc: Exception) -> None:
    with session_scope() as session:
        ids = session.connection().execute(
            sa.select(_subs.c.id).where(
                _subs.c.company_id == company_id,
                _subs.c.status.in_((KsefStatus.QUEUED.value, KsefStatus.OFFLINE.value)),
            )
        )
        mark_offline(session, list(ids.scalars()), str(exc))
    logger.warning("KSeF unreachable for company %s: %s", company_id, type(exc).__name__)


# -- preparing ------------------------------------------------------------------------------------
def _ready_rows(session: Session, company_id: uuid.UUID) -> list[Sub]:
    """Queued/offline rows whose invoice may go now (a KOR waits for its original's number),
    offline ones by their deadline first, then in the order they were issued."""
    original = _subs.alias("original")
    stmt = (
        sa.select(_subs.c.id)
        .join(_invoices, _invoices.c.id == _subs.c.invoice_id)
        .where(
            _subs.c.company_id == company_id,
            _subs.c.status.in_((KsefStatus.QUEUED.value, KsefStatus.OFFLINE.value)),
            sa.or_(
                _invoices.c.kind == InvoiceKind.INVOICE.value,
                sa.exists(
                    sa.select(original.c.id).where(
                        original.c.invoice_id == _invoices.c.corrects_invoice_id,
                        original.c.status == KsefStatus.ACCEPTED.value,
                    )
                ),
            ),
        )
        .order_by(
            _subs.c.send_deadline.asc().nulls_last(), _invoices.c.created_at, _invoices.c.number
        )
        .limit(SESSION_LIMIT)
    )
    ids = list(session.connection().execute(stmt).scalars())
    rows = {row.id: row for row in session.exec(select(Sub).where(col(Sub.id).in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def _prepare(company_id: uuid.UUID, report: Counter[str]) -> list[Outgoing]:
    """The rows to send now with their FA(3) bytes (built once, XSD-valid, stored, reused).
    Invoices and lines are loaded for all rows at once and the bytes stored in one statement."""
    with session_scope() as session:
        rows = _ready_rows(session, company_id)
        missing = [row.invoice_id for row in rows if row.xml is None]
        invoices = {
            i.id: i for i in session.exec(select(Invoice).where(col(Invoice.id).in_(missing)))
        }
        lines: dict[uuid.UUID, list[InvoiceLine]] = {}
        for line in session.exec(
            select(InvoiceLine)
            .where(col(InvoiceLine.invoice_id).in_(missing))
            .order_by(col(InvoiceLine.invoice_id), col(InvoiceLine.position))
        ):
            lines.setdefault(line.invoice_id, []).append(line)
        outgoing, built = [], []
        for row in rows:
            xml = row.xml
            invoice = invoices.get(row.invoice_id)
            if xml is None and invoice is not None:
                try:
                    xml = render_invoice_xml(session, invoice, lines.get(invoice.id, []))
                except Fa3Invalid as exc:
                    subs.mark_invalid(session, row.id, exc)
                    report["rejected"] += 1
                    continue
                built.append({"sid": row.id, "x": xml, "h": hashlib.sha256(xml).hexdigest()})
            if xml is not None:
                outgoing.append(Outgoing(row.id, xml, bool(row.offline)))
        if built:
            session.connection().execute(
                sa.update(_subs)
                .where(_subs.c.id == sa.bindparam("sid"))
                .values(xml=sa.bindparam("x"), xml_sha256=sa.bindparam("h"))
                .values(updated_at=sa.func.now()),
                built,
            )
    return outgoing


# -- sending --------------------------------------------------------------------------------------
def _mark_sent(submission_id: uuid.UUID, session_ref: str, invoice_ref: str | None) -> None:
    with session_scope() as session:
        subs.update(
            session,
            submission_id,
            status=KsefStatus.SENT.value,
            session_reference=session_ref,
            invoice_reference=invoice_ref,
            sent_at=utcnow(),
            attempts=_subs.c.attempts + 1,
            error_code=None,
            error_description=None,
        )


def _send_online(
    client: KsefClient, auth: KsefAuth, group: list[Outgoing], report: Counter[str]
) -> None:
    online = patient(client.open_online_session, auth)
    sent: dict[str, uuid.UUID] = {}
    for item in group:
        try:
            ref = patient(client.send_invoice, auth, online, item.xml, offline=item.offline)
        except KsefBadRequest as exc:
            with session_scope() as session:
                refusal = KsefRejected(exc.code or 400, str(exc), exc.details)
                subs.mark_rejected(session, item.submission_id, refusal)
            report["rejected"] += 1
            continue
        _mark_sent(item.submission_id, online.reference_number, ref)
        sent[ref] = item.submission_id
    try:
        patient(client.close_online_session, auth, online)
    except KsefBadRequest:
        logger.info("KSeF online session %s was already closed", online.reference_number)
    await_statuses(client, auth, online.reference_number, sent, report, by="reference")


def _send_batch(
    client: KsefClient, auth: KsefAuth, group: list[Outgoing], report: Counter[str]
) -> None:
    files = [(item.file_name, item.xml) for item in group]
    offline = group[0].offline
    batch = patient(client.open_batch_session, auth, files, offline=offline)
    for item in group:  # declared: from here on KSeF may hold them
        _mark_sent(item.submission_id, batch.reference_number, None)
    client.upload_batch_parts(batch)
    patient(client.close_batch_session, auth, batch)
    by_file = {item.file_name: item.submission_id for item in group}
    await_statuses(client, auth, batch.reference_number, by_file, report, by="file")
