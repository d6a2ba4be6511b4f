"""The PDF carries the KSeF number and KOD I: the verification link of the invoice in its
environment, labelled OFFLINE until KSeF gives the number."""

from __future__ import annotations

import io

import httpx
from pypdf import PdfReader
from sqlmodel import Session

from invoicehub.documents.correction_pdf import render_document_pdf
from invoicehub.domain.invoice_queries import get_invoice_lines
from invoicehub.integrations.ksef.qr import ksef_mark
from invoicehub.integrations.ksef.sender import send_company
from tests.ksef_send.conftest import connect, issue, queue


def _pdf_text(session: Session, invoice) -> str:
    session.expire_all()
    mark = ksef_mark(session, invoice)
    pdf = render_document_pdf(invoice, get_invoice_lines(session, invoice.id), "standard", mark)
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_shows_offline_until_ksef_numbers_the_invoice_then_its_number_and_a_working_link(
    session: Session, company, ksef_url: str, ksef_control: httpx.Client
) -> None:
    (invoice,) = issue(session, company, 1)
    assert ksef_mark(session, invoice) is None  # not on its way to KSeF: no QR code
    connect(session, company, ksef_control)
    queue(session, company, [invoice])
    assert "OFFLINE" in _pdf_text(session, invoice)
    queued_link = ksef_mark(session, invoice).url

    send_company(company.id)

    mark = ksef_mark(session, invoice)
    assert mark is not None and mark.ksef_number
    text = _pdf_text(session, invoice)
    assert f"Numer KSeF: {mark.ksef_number}" in text and "OFFLINE" not in text
    assert mark.url == queued_link  # the link depends on the bytes, not on the status
    assert mark.url.startswith(f"{ksef_url}/qr/invoice/{company.nip}/28-11-2026/")
    assert httpx.get(mark.url).status_code == 200
