"""The Allegro upload of an invoice waits for KSeF where the company sends automatically, and is
enqueued again when KSeF accepts the invoice; without auto-send it goes at once."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from sqlmodel import Session, select

from invoicehub.integrations.allegro.sync.invoice_uploads import upload_is_due
from invoicehub.integrations.ksef.sender import send_company
from invoicehub.jobs.queues import DEFAULT_QUEUE, get_queue
from invoicehub.models import AllegroInvoiceUpload, Invoice, UploadStatus
from tests.domain.factories import allegro_draft, issue_invoice
from tests.factories import make_integration, make_user
from tests.ksef_send.conftest import connect, queue


def _allegro_invoice(session: Session):
    from invoicehub.auth.accounts import default_company
    from invoicehub.domain.invoices import create_invoice

    user = make_user(session)
    integration = make_integration(session, user)
    company = default_company(session, user.tenant_id)
    invoice = create_invoice(session, allegro_draft(company, integration.id, "order-ksef-1"))
    session.add(
        AllegroInvoiceUpload(
            tenant_id=company.tenant_id,
            invoice_id=invoice.id,
            integration_id=integration.id,
            checkout_form_id="order-ksef-1",
            status=UploadStatus.PENDING.value,
        )
    )
    session.commit()
    return company, invoice


def _fresh(session: Session, invoice: Invoice) -> Invoice:
    session.expire_all()
    return session.exec(select(Invoice).where(Invoice.id == invoice.id)).one()


def test_without_auto_send_the_upload_is_due_at_once(session: Session, company) -> None:
    invoice = issue_invoice(session, company)
    assert upload_is_due(_fresh(session, invoice))


def test_with_auto_send_the_upload_waits_for_ksef_and_is_enqueued_on_acceptance(
    session: Session, ksef_control: httpx.Client
) -> None:
    company, invoice = _allegro_invoice(session)
    connect(session, company, ksef_control, auto_send=True)
    queue(session, company, [invoice])
    assert not upload_is_due(_fresh(session, invoice))
    get_queue(DEFAULT_QUEUE).empty()

    send_company(company.id)

    assert upload_is_due(_fresh(session, invoice))
    upload = session.exec(select(AllegroInvoiceUpload)).one()
    assert f"allegro_upload_{upload.id}" in get_queue(DEFAULT_QUEUE).job_ids


def test_with_auto_send_a_rejected_invoice_is_never_attached(
    session: Session, ksef_control: httpx.Client
) -> None:
    company, invoice = _allegro_invoice(session)
    connect(session, company, ksef_control, auto_send=True)
    queue(session, company, [invoice])
    refused = sa.text("UPDATE ksef_submissions SET xml = convert_to('<Faktura/>', 'UTF8')")
    session.connection().execute(refused)  # KSeF refuses what it receives
    session.commit()

    send_company(company.id)

    assert not upload_is_due(_fresh(session, invoice))
