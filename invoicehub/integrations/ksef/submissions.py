"""KSeF submission rows: queueing invoices, what the sender records, and the seller's reads.

One row per invoice (UNIQUE invoice_id): queueing is an INSERT ... ON CONFLICT DO NOTHING, so an
invoice queued by a sync and by the seller's Send at once still has one row and is sent once.
Jobs are enqueued after the queueing transaction commits (ksef_queue.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session

from invoicehub.integrations.ksef.errors import KsefRejected
from invoicehub.integrations.ksef.fa3 import Fa3Invalid
from invoicehub.integrations.ksef.ksef_queue import enqueue_sending_after_commit
from invoicehub.integrations.ksef.texts import REASONS, REJECTED
from invoicehub.models import Invoice, KsefConnection, KsefStatus, KsefSubmission

_submissions: sa.Table = KsefSubmission.__table__  # type: ignore[attr-defined]
_invoices: sa.Table = Invoice.__table__  # type: ignore[attr-defined]
_connections: sa.Table = KsefConnection.__table__  # type: ignore[attr-defined]
QUEUE_LIMIT = 5000  # invoices given a submission row per sync (the rest on the next one)


class AlreadyAccepted(Exception):
    """KSeF already accepted the invoice: it is never sent again."""


@dataclass(frozen=True)
class KsefView:
    status: str
    ksef_number: str | None
    acquisition_date: datetime | None
    error_code: str | None
    error_description: str | None
    offline: bool
    offline_mode: str | None = None
    offline_deadline: date | None = None


def queue_invoices(
    session: Session,
    tenant_id: uuid.UUID,
    company_id: uuid.UUID,
    invoice_ids: Sequence[uuid.UUID],
    *,
    environment: str,
) -> int:
    """Submission rows (queued) for these invoices of the company; the send job follows commit."""
    if not invoice_ids:
        return 0
    values = [
        {
            "id": uuid.uuid4(),
            "tenant_id": tenant_id,
            "company_id": company_id,
            "invoice_id": invoice_id,
            "status": KsefStatus.QUEUED.value,
            "environment": environment,
            "offline": False,
        }
        for invoice_id in invoice_ids
    ]
    inserted = session.connection().execute(
        insert(_submissions).values(values).on_conflict_do_nothing().returning(_submissions.c.id)
    )
    count = len(inserted.all())
    enqueue_sending_after_commit(session, [company_id])
    return count


def queue_after_sync(session: Session, tenant_id: uuid.UUID) -> None:
    """After a sync issued invoices: every company of the tenant that sends automatically queues
    its invoices that have no submission yet, and its sender runs after commit."""
    companies = session.connection().execute(
        sa.select(_connections.c.company_id, _connections.c.environment).where(
            _connections.c.tenant_id == tenant_id,
            _connections.c.auto_send.is_(True),
            _connections.c.token_encrypted.is_not(None),
        )
    )
    for company_id, environment in companies.all():
        unsent = session.connection().execute(
            sa.select(_invoices.c.id)
            .where(
                _invoices.c.tenant_id == tenant_id,
                _invoices.c.company_id == company_id,
                ~sa.exists(
                    sa.select(_submissions.c.id).where(_submissions.c.invoice_id == _invoices.c.id)
                ),
            )
            .order_by(_invoices.c.created_at)
            .limit(QUEUE_LIMIT)
        )
        queue_invoices(
            session, tenant_id, company_id, list(unsent.scalars()), environment=environment
        )
        waiting = session.connection().execute(
            sa.select(_submissions.c.id)
            .where(
                _submissions.c.company_id == company_id,
                _submissions.c.status.in_(KsefStatus.sendable()),
            )
            .limit(1)
        )
        if waiting.first() is not None:  # offline or left over: the sender tries them again
            enqueue_sending_after_commit(session, [company_id])


def request_send(
    session: Session, tenant_id: uuid.UUID, invoice: Invoice, *, environment: str
) -> None:
    """The seller's Send/Resend: queue the invoice again (a rejected one is rebuilt from its
    snapshot). Raises AlreadyAccepted once KSeF accepted it."""
    row = (
        session.connection()
        .execute(
            sa.select(_submissions.c.id, _submissions.c.status)
            .where(_submissions.c.invoice_id == invoice.id, _submissions.c.tenant_id == tenant_id)
            .with_for_update()
        )
        .first()
    )
    if row is None:
        queue_invoices(
            session, tenant_id, invoice.company_id, [invoice.id], environment=environment
        )
        return
    if row.status == KsefStatus.ACCEPTED.value:
        raise AlreadyAccepted(str(invoice.id))
    values: dict[str, Any] = {"error_code": None, "error_description": None}
    if row.status in (KsefStatus.REJECTED.value, KsefStatus.NOT_SENT.value):
        values.update(status=KsefStatus.QUEUED.value, xml=None, xml_sha256=None)
        values.update(environment=environment, session_reference=None, invoice_reference=None)
    update(session, row.id, **values)
    enqueue_sending_after_commit(session, [invoice.company_id])


def update(session: Session, submission_id: uuid.UUID, **values: Any) -> None:
    session.connection().execute(
        sa.update(_submissions)
        .where(_submissions.c.id == submission_id)
        .values(updated_at=sa.func.now(), **values)
    )


def mark_accepted(
    session: Session,
    submission_id: uuid.UUID,
    ksef_number: str,
    acquisition_date: datetime | None,
    *,
    note: str | None = None,
) -> None:
    update(
        session,
        submission_id,
        status=KsefStatus.ACCEPTED.value,
        ksef_number=ksef_number,
        acquisition_date=acquisition_date,
        error_code=None,
        error_description=note,
    )


def mark_rejected(session: Session, submission_id: uuid.UUID, exc: KsefRejected) -> None:
    code = str(exc.code)
    words = REASONS.get(code, exc.description or REJECTED)
    details = "; ".join(exc.details)
    update(
        session,
        submission_id,
        status=KsefStatus.REJECTED.value,
        error_code=code,
        error_description=f"{words}: {details}" if details else words,
    )


def mark_invalid(session: Session, submission_id: uuid.UUID, exc: Fa3Invalid) -> None:
    problems = "; ".join(f"{p.field}: {p.message}" for p in exc.problems)
    update(
        session,
        submission_id,
        status=KsefStatus.REJECTED.value,
        error_code="fa3",
        error_description=f"{REASONS['fa3']}: {problems}",
    )


def submission_of(
    session: orm.Session, tenant_id: uuid.UUID, invoice_id: uuid.UUID
) -> KsefSubmission | None:
    stmt = sa.select(_submissions.c.id).where(
        _submissions.c.tenant_id == tenant_id, _submissions.c.invoice_id == invoice_id
    )
    submission_id = session.connection().execute(stmt).scalar_one_or_none()
    return session.get(KsefSubmission, submission_id) if submission_id else None


def view_of(submission: KsefSubmission | None) -> KsefView:
    if submission is None:
        return KsefView(KsefStatus.NOT_SENT.value, None, None, None, None, False)
    return KsefView(
        status=submission.status,
        ksef_number=submission.ksef_number,
        acquisition_date=submission.acquisition_date,
        error_code=submission.error_code,
        error_description=submission.error_description,
        offline=submission.offline,
        offline_mode=submission.offline_mode,
        offline_deadline=submission.send_deadline,
    )


def ksef_status_filter(status: KsefStatus) -> sa.ColumnElement[bool]:
    """A WHERE clause on invoices: their KSeF status is `status` (not_sent: no row or not_sent)."""
    if status is KsefStatus.NOT_SENT:
        return ~sa.exists(
            sa.select(_submissions.c.id).where(
                _submissions.c.invoice_id == _invoices.c.id,
                _submissions.c.status != KsefStatus.NOT_SENT.value,
            )
        )
    return sa.exists(
        sa.select(_submissions.c.id).where(
            _submissions.c.invoice_id == _invoices.c.id, _submissions.c.status == status.value
        )
    )


def statuses_of(session: Session, invoice_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not invoice_ids:
        return {}
    rows = session.connection().execute(
        sa.select(_submissions.c.invoice_id, _submissions.c.status).where(
            _submissions.c.invoice_id.in_(invoice_ids)
        )
    )
    return {invoice_id: status for invoice_id, status in rows.all()}
