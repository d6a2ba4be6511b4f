"""The invoice PDF attached to its Allegro order, exactly once.

`queue_uploads` (in the issuing transaction) adds one `allegro_invoice_uploads` row per invoice
(unique on the invoice) and enqueues its job after commit. `upload_invoice` (the job's body, ids
only) runs under a PostgreSQL advisory lock on the upload, so two workers never attach the same
invoice at once, and commits each step: the attempt first, then Allegro's invoice id the moment
`POST .../invoices` answers, then the file. An attempt that follows another (whose answer may
have been lost) first reads `GET .../invoices` and adopts the slot carrying our invoice number,
so Allegro never gets a second copy. Refusals (a bad file, the per-order limit) mark the upload
failed with Allegro's reason; the Retry button (`POST /invoices/{id}/allegro/upload`) starts over.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session

from invoicehub.db import get_engine
from invoicehub.documents.correction_pdf import render_document_pdf
from invoicehub.documents.formatting import pdf_filename
from invoicehub.documents.ksef_link import stored_ksef_mark
from invoicehub.domain.invoice_queries import get_invoice_lines
from invoicehub.domain.ksef_state import delivery_is_due
from invoicehub.domain.templates import template_code
from invoicehub.integrations.allegro.client import AllegroApiClient
from invoicehub.integrations.allegro.errors import BadRequest
from invoicehub.integrations.allegro.sync.context import ImportContext
from invoicehub.jobs.locks import keyed_lock
from invoicehub.jobs.upload_queue import enqueue_uploads_after_commit
from invoicehub.models import AllegroInvoiceUpload, Invoice, InvoiceKind, UploadStatus
from invoicehub.models.base import utcnow

logger = logging.getLogger(__name__)
LOCK_CLASS = 0x41_49_55  # advisory lock key space of uploads ("AIU"), apart from sync locks
RETRYABLE_CODES = frozenset({"INVOICE-SCAN-IN-PROGRESS"})
ALREADY_UPLOADED = "INVOICE-FILE-ALREADY-UPLOADED"
SWEEP_LIMIT = 1000  # invoices given upload rows per transaction
SWEEP_BATCHES = 100  # at most this many transactions per sync (100 000 invoices)
_uploads: sa.Table = AllegroInvoiceUpload.__table__  # type: ignore[attr-defined]
_invoices: sa.Table = Invoice.__table__  # type: ignore[attr-defined]
# One statement per batch (a sweep writes 1,000 rows at a time; a multi-row VALUES compiled by
# SQLAlchemy cost ~9% of a first sync). The order an invoice belongs to is `order_of` in SQL.
_INSERT_UPLOADS = sa.text(
    """
    INSERT INTO allegro_invoice_uploads (id, tenant_id, invoice_id, integration_id,
                                         checkout_form_id, status, attempts, created_at, updated_at)
    SELECT gen_random_uuid(), i.tenant_id, i.id, :integration_id, o.order_id, 'pending', 0,
           now(), now()
      FROM invoices AS i
     CROSS JOIN LATERAL (
           SELECT NULLIF(CASE WHEN i.kind = :correction THEN i.correction ->> 'externalOrderId'
                              ELSE i.external_order_id END, '') AS order_id) AS o
     WHERE i.tenant_id = :tenant_id AND i.id = ANY(CAST(:invoice_ids AS uuid[]))
       AND o.order_id IS NOT NULL
    ON CONFLICT DO NOTHING
    RETURNING id
    """
)


def upload_is_due(invoice: Invoice) -> bool:
    """Whether the invoice may be attached now: where the company sends to KSeF automatically,
    only once KSeF accepted it (the PDF then carries the KSeF number and QR code); the KSeF
    sender enqueues the upload again on acceptance."""
    session = Session.object_session(invoice)
    return session is None or delivery_is_due(session, invoice)


def order_of(invoice: Invoice) -> str | None:
    """The Allegro order an invoice (or a correction, through its invoice) belongs to."""
    if invoice.kind == InvoiceKind.CORRECTION:
        return (invoice.correction or {}).get("externalOrderId")
    return invoice.external_order_id


def queue_uploads(session: Session, ctx: ImportContext, invoice_ids: Sequence[uuid.UUID]) -> None:
    """Upload rows for these invoices of the integration (when the setting is on); their jobs
    are enqueued once `session` commits."""
    if not ctx.settings.upload_invoices_to_allegro or not invoice_ids:
        return
    params = {
        "tenant_id": ctx.tenant_id,
        "integration_id": ctx.integration_id,
        "invoice_ids": list(invoice_ids),
        "correction": InvoiceKind.CORRECTION.value,
    }
    inserted = session.connection().execute(_INSERT_UPLOADS, params).scalars().all()
    enqueue_uploads_after_commit(session, inserted)


def sweep_uploads(ctx: ImportContext) -> None:
    """After a sync: upload rows for the integration's invoices that have none, and the jobs of
    uploads still pending (an enqueue lost to a Redis outage is made good here)."""
    if not ctx.settings.upload_invoices_to_allegro:
        return
    missing = sa.select(_invoices.c.id).where(
        _invoices.c.tenant_id == ctx.tenant_id,
        _invoices.c.integration_id == ctx.integration_id,
        ~sa.exists(sa.select(_uploads.c.id).where(_uploads.c.invoice_id == _invoices.c.id)),
    )
    pending = sa.select(_uploads.c.id).where(
        _uploads.c.integration_id == ctx.integration_id,
        _uploads.c.status == UploadStatus.PENDING.value,
        _uploads.c.updated_at < sa.func.now() - sa.text("interval '10 minutes'"),
    )
    for _ in range(SWEEP_BATCHES):  # a batch per transaction, until every invoice has its row
        with Session(get_engine()) as session:
            ids = session.connection().execute(missing.limit(SWEEP_LIMIT)).scalars().all()
            queue_uploads(session, ctx, list(ids))
            session.commit()
        if len(ids) < SWEEP_LIMIT:
            break
    with Session(get_engine()) as session:
        stale = session.connection().execute(pending.limit(SWEEP_LIMIT)).scalars().all()
        enqueue_uploads_after_commit(session, list(stale))
        session.commit()


@contextmanager
def upload_lock(upload_id: uuid.UUID) -> Iterator[bool]:
    """True while this process holds the upload's advisory lock (dropped with the connection)."""
    with keyed_lock(LOCK_CLASS, upload_id) as held:
        yield held


def _update(upload_id: uuid.UUID, **values: Any) -> None:
    with Session(get_engine()) as session:
        session.connection().execute(
            sa.update(_uploads)
            .where(_uploads.c.id == upload_id)
            .values(updated_at=sa.func.now(), **values)
        )
        session.commit()


def upload_invoice(client: AllegroApiClient, upload_id: uuid.UUID) -> str:
    """One attempt (the caller holds `upload_lock`): the status it ends in. Raises the
    transient AllegroErrors (the job retries with the sync's backoff)."""
    with Session(get_engine(), expire_on_commit=False) as session:
        upload = session.get(AllegroInvoiceUpload, upload_id)
        invoice = session.get(Invoice, upload.invoice_id) if upload else None
        if upload is None or invoice is None or upload.status == UploadStatus.UPLOADED:
            return upload.status if upload else "gone"
        if not upload_is_due(invoice):
            return upload.status
        pdf = render_document_pdf(
            invoice,
            get_invoice_lines(session, invoice.id),
            template_code(session, invoice.template_id),
            stored_ksef_mark(session, invoice),
        )
    _update(upload_id, attempts=upload.attempts + 1, error=None)
    try:
        return _attach(client, upload, invoice, pdf)
    except BadRequest as exc:
        if set(exc.codes) & RETRYABLE_CODES:
            raise
        _update(upload_id, status=UploadStatus.FAILED.value, error=exc.message[:1000])
        return UploadStatus.FAILED.value


def _attach(
    client: AllegroApiClient, upload: AllegroInvoiceUpload, invoice: Invoice, pdf: bytes
) -> str:
    order_id, slot = upload.checkout_form_id, upload.allegro_invoice_id
    if slot is None and upload.attempts > 0:  # an earlier answer may have been lost
        existing = _slot_of(client, order_id, invoice.number)
        if existing is not None:
            slot, uploaded = existing
            _update(upload.id, allegro_invoice_id=slot)
            if uploaded:
                return _done(upload.id)
    if slot is None:
        created = client.create_invoice_metadata(order_id, _file_name(invoice), invoice.number)
        slot = str(created["id"])
        _update(upload.id, allegro_invoice_id=slot, status=UploadStatus.METADATA_CREATED.value)
    try:
        client.upload_invoice_file(order_id, slot, pdf)
    except BadRequest as exc:
        if ALREADY_UPLOADED not in exc.codes:  # else: our earlier PUT did land
            raise
    return _done(upload.id)


def _done(upload_id: uuid.UUID) -> str:
    _update(upload_id, status=UploadStatus.UPLOADED.value, uploaded_at=utcnow(), error=None)
    return UploadStatus.UPLOADED.value


def _slot_of(client: AllegroApiClient, order_id: str, number: str) -> tuple[str, bool] | None:
    """Our invoice's slot on the order (by number) and whether its file is there."""
    listed = client.list_invoices(order_id) or {}
    for item in listed.get("invoices") or []:
        if item.get("invoiceNumber") == number:
            return str(item["id"]), bool((item.get("file") or {}).get("uploadedAt"))
    return None


def _file_name(invoice: Invoice) -> str:
    name = pdf_filename(invoice.number)
    return (
        name.replace("Faktura_", "Korekta_", 1) if invoice.kind == InvoiceKind.CORRECTION else name
    )


def integration_of(upload_id: uuid.UUID) -> uuid.UUID | None:
    with Session(get_engine()) as session:
        stmt = sa.select(_uploads.c.integration_id).where(_uploads.c.id == upload_id)
        return session.connection().execute(stmt).scalar_one_or_none()


def integrations_of(upload_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """The uploads (that still exist) grouped by their integration, in the given order."""
    with Session(get_engine()) as session:
        stmt = sa.select(_uploads.c.id, _uploads.c.integration_id).where(
            _uploads.c.id.in_(upload_ids)
        )
        owner = {row.id: row.integration_id for row in session.connection().execute(stmt)}
    grouped: dict[uuid.UUID, list[uuid.UUID]] = {}
    for upload_id in upload_ids:
        if upload_id in owner:
            grouped.setdefault(owner[upload_id], []).append(upload_id)
    return grouped


def mark_failed(upload_id: uuid.UUID, reason: str) -> None:
    _update(upload_id, status=UploadStatus.FAILED.value, error=reason[:1000])


def note_error(upload_id: uuid.UUID, reason: str) -> None:
    _update(upload_id, error=reason[:1000])


def retry_upload(session: Session, tenant_id: uuid.UUID, invoice_id: uuid.UUID) -> bool:
    """The seller's Retry: a failed (or stuck) upload goes back to pending and is enqueued after
    commit. False when the invoice has no upload or it is already attached."""
    upload_id = (
        session.connection()
        .execute(
            sa.update(_uploads)
            .where(
                _uploads.c.tenant_id == tenant_id,
                _uploads.c.invoice_id == invoice_id,
                _uploads.c.status != UploadStatus.UPLOADED.value,
            )
            .values(status=UploadStatus.PENDING.value, error=None, updated_at=sa.func.now())
            .returning(_uploads.c.id)
        )
        .scalar_one_or_none()
    )
    if upload_id is None:
        return _first_upload(session, tenant_id, invoice_id)
    enqueue_uploads_after_commit(session, [upload_id])
    return True


def _first_upload(session: Session, tenant_id: uuid.UUID, invoice_id: uuid.UUID) -> bool:
    """An Allegro invoice never queued (issued while uploads were off): queue it now."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or invoice.tenant_id != tenant_id or invoice.integration_id is None:
        return False
    order_id = order_of(invoice)
    taken = (
        session.connection()
        .execute(sa.select(_uploads.c.id).where(_uploads.c.invoice_id == invoice_id))
        .first()
    )
    if order_id is None or taken is not None:
        return False
    upload_id = uuid.uuid4()
    session.connection().execute(
        insert(_uploads).values(
            id=upload_id,
            tenant_id=tenant_id,
            invoice_id=invoice_id,
            integration_id=invoice.integration_id,
            checkout_form_id=order_id,
            status=UploadStatus.PENDING.value,
        )
    )
    enqueue_uploads_after_commit(session, [upload_id])
    return True


def upload_of(
    session: Session, tenant_id: uuid.UUID, invoice_id: uuid.UUID
) -> AllegroInvoiceUpload | None:
    upload_id = _upload_id(session, tenant_id, invoice_id)
    return session.get(AllegroInvoiceUpload, upload_id) if upload_id else None


def _upload_id(session: Session, tenant_id: uuid.UUID, invoice_id: uuid.UUID) -> uuid.UUID | None:
    stmt = sa.select(_uploads.c.id).where(
        _uploads.c.tenant_id == tenant_id, _uploads.c.invoice_id == invoice_id
    )
    return session.connection().execute(stmt).scalar_one_or_none()
