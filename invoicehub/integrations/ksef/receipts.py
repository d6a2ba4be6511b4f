"""What KSeF says back: invoice statuses recorded on the submission rows, rows a dead worker left
`sent` resolved by asking KSeF, UPO downloads, and the Allegro uploads an acceptance releases.

`patient` waits out a short 429 (Retry-After); a longer one is raised to the job, which retries.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.db import session_scope
from invoicehub.integrations.ksef import submissions as subs
from invoicehub.integrations.ksef.client import KsefAuth, KsefClient, SessionInvoice
from invoicehub.integrations.ksef.errors import (
    KsefBadRequest,
    KsefDuplicate,
    KsefRateLimited,
    KsefRejected,
)
from invoicehub.integrations.ksef.texts import DUPLICATE_ADOPTED
from invoicehub.models import KsefStatus
from invoicehub.models import KsefSubmission as Sub

logger = logging.getLogger(__name__)
T = TypeVar("T")
MAX_INLINE_WAIT = 60.0  # a 429 asking for longer ends the run (the job retries later)
POLL_PAUSES = (0.2, 0.4, 0.8, 1.5, 3.0)  # then every 3 s (session-invoices: 20 a minute)
POLL_TIMEOUT = 120.0
_subs: sa.Table = Sub.__table__  # type: ignore[attr-defined]


def patient(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Wait out a short 429 (Retry-After) and ask again; a long one is raised to the job."""
    while True:
        try:
            return call(*args, **kwargs)
        except KsefRateLimited as exc:
            if exc.retry_after > MAX_INLINE_WAIT:
                raise
            time.sleep(exc.retry_after)


def await_statuses(
    client: KsefClient,
    auth: KsefAuth,
    session_ref: str,
    ours: dict[str, uuid.UUID],
    report: Counter[str],
    *,
    by: str,
) -> None:
    """Poll the session's invoice list until each of ours has a final status, and record it."""
    waiting = dict(ours)
    deadline = time.monotonic() + POLL_TIMEOUT
    pauses = iter(POLL_PAUSES)
    while waiting and time.monotonic() < deadline:
        time.sleep(next(pauses, POLL_PAUSES[-1]))
        try:
            listed = patient(client.list_session_invoices, auth, session_ref)
        except KsefBadRequest:  # a batch still being processed may list nothing yet
            continue
        for invoice in listed:
            key = invoice.reference_number if by == "reference" else (invoice.file_name or "")
            submission_id = waiting.get(key)
            if submission_id is None or invoice.processing:
                continue
            record_status(submission_id, session_ref, invoice, report)
            del waiting[key]
    report["waiting"] += len(waiting)  # still `sent`: the next run asks KSeF again


def record_status(
    submission_id: uuid.UUID, session_ref: str, invoice: SessionInvoice, report: Counter[str]
) -> None:
    with session_scope() as session:
        try:
            invoice.raise_for_status()
        except KsefDuplicate as exc:
            original_session = invoice.extensions.get("originalSessionReferenceNumber")
            subs.mark_accepted(
                session,
                submission_id,
                exc.original_ksef_number,
                None,
                note=DUPLICATE_ADOPTED,
            )
            if original_session:
                subs.update(session, submission_id, session_reference=original_session)
            report["duplicates_adopted"] += 1
            _release_uploads(session, submission_id)
            return
        except KsefRejected as exc:
            subs.mark_rejected(session, submission_id, exc)
            report["rejected"] += 1
            return
        subs.mark_accepted(
            session, submission_id, invoice.ksef_number or "", invoice.acquisition_date
        )
        subs.update(session, submission_id, invoice_reference=invoice.reference_number)
        report["accepted"] += 1
        _release_uploads(session, submission_id)


def _release_uploads(session: Session, submission_id: uuid.UUID) -> None:
    """An accepted invoice may now be attached to its Allegro order (the upload waited for the
    KSeF number): enqueue its pending upload after commit."""
    from invoicehub.jobs.upload_queue import enqueue_uploads_after_commit
    from invoicehub.models import AllegroInvoiceUpload, UploadStatus

    uploads: sa.Table = AllegroInvoiceUpload.__table__  # type: ignore[attr-defined]
    ids = session.connection().execute(
        sa.select(uploads.c.id)
        .join(_subs, _subs.c.invoice_id == uploads.c.invoice_id)
        .where(_subs.c.id == submission_id, uploads.c.status != UploadStatus.UPLOADED.value)
    )
    enqueue_uploads_after_commit(session, list(ids.scalars()))


# -- resuming and UPO ---------------------------------------------------------------------------
def resolve_sent(
    client: KsefClient, auth: KsefAuth, company_id: uuid.UUID, report: Counter[str]
) -> None:
    """Rows left `sent` (a worker died, or KSeF was slow): ask KSeF before sending anything."""
    with session_scope() as session:
        rows = session.connection().execute(
            sa.select(_subs.c.id, _subs.c.session_reference, _subs.c.invoice_reference).where(
                _subs.c.company_id == company_id, _subs.c.status == KsefStatus.SENT.value
            )
        )
        by_session: dict[str, dict[str, uuid.UUID]] = {}
        for row in rows.all():
            key = row.invoice_reference or f"{row.id}.xml"
            by_session.setdefault(row.session_reference or "", {})[key] = row.id
    for session_ref, ours in by_session.items():
        try:
            listed = patient(client.list_session_invoices, auth, session_ref)
        except KsefBadRequest:
            listed = []
        seen = set()
        for invoice in listed:
            key = invoice.reference_number
            if key not in ours:
                key = invoice.file_name or ""
            if key in ours and not invoice.processing:
                record_status(ours[key], session_ref, invoice, report)
                seen.add(key)
            elif key in ours:
                seen.add(key)
        lost = [sid for key, sid in ours.items() if key not in seen]
        if lost:  # KSeF never got them: send again (a 440 would adopt the original number)
            with session_scope() as session:
                for sid in lost:
                    subs.update(session, sid, status=KsefStatus.QUEUED.value)


def download_upos(
    client: KsefClient, auth: KsefAuth, company_id: uuid.UUID, report: Counter[str]
) -> None:
    with session_scope() as session:
        rows = session.connection().execute(
            sa.select(_subs.c.id, _subs.c.session_reference, _subs.c.ksef_number).where(
                _subs.c.company_id == company_id,
                _subs.c.status == KsefStatus.ACCEPTED.value,
                _subs.c.upo_xml.is_(None),
                _subs.c.session_reference.is_not(None),
            )
        )
        wanted = rows.all()
    for submission_id, session_ref, ksef_number in wanted:
        try:
            upo = patient(client.get_invoice_upo, auth, session_ref, ksef_number)
        except KsefBadRequest as exc:
            logger.info("no UPO for %s yet: %s", ksef_number, exc)
            continue
        with session_scope() as session:
            subs.update(session, submission_id, upo_xml=upo)
        report["upos"] += 1
