"""Corrections in the API: ?kind= filters, an invoice lists its corrections and a correction its
invoice (with reason, lines before, differences per rate), the PDF is a "Faktura korygująca",
and a payment due drops by what corrections took off."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session

from invoicehub.api.app import create_api
from invoicehub.auth.accounts import default_company
from invoicehub.domain.correction_issue import CorrectionRequest, issue_correction
from invoicehub.domain.corrections import CorrectionChange, CorrectionKind
from invoicehub.domain.invoices import create_invoice
from invoicehub.models import Invoice, User
from tests.domain.factories import invoice_draft, line
from tests.factories import bearer, make_user

REASON = "Zwrot płatności za towar (zwrot 42)"


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_api())


@pytest.fixture
def corrected(session: Session) -> tuple[User, Invoice, Invoice]:
    user = make_user(session, tenant="Sklep Korekta")
    company = default_company(session, user.tenant_id)
    assert company is not None
    lines = [line("Kubek", "2", "50.00", "23"), line("Książka", "1", "40.00", "5")]
    invoice = create_invoice(session, invoice_draft(company, lines=lines))
    change = CorrectionChange(CorrectionKind.REFUND, {1: Decimal("1")})
    request = CorrectionRequest(
        user.tenant_id, invoice.id, change, "refund:42", REASON, date.today()
    )
    correction = issue_correction(session, request)
    assert correction is not None
    session.commit()
    return user, invoice, correction


def test_the_kind_filter_lists_invoices_or_corrections(client, corrected):
    user, invoice, correction = corrected
    for kind, expected in (("invoice", invoice), ("correction", correction)):
        body = client.get("/invoices", params={"kind": kind}, headers=bearer(user)).json()
        assert [item["id"] for item in body["items"]] == [str(expected.id)]
        assert body["items"][0]["kind"] == kind
    assert (
        client.get("/invoices", params={"kind": "other"}, headers=bearer(user)).status_code == 422
    )


def test_an_invoice_shows_its_corrections_and_a_correction_its_invoice(client, corrected):
    user, invoice, correction = corrected
    shown = client.get(f"/invoices/{invoice.id}", headers=bearer(user)).json()
    assert [c["number"] for c in shown["corrections"]] == [correction.number]
    assert shown["correctsInvoice"] is None and shown["correction"] is None
    body = client.get(f"/invoices/{correction.id}", headers=bearer(user)).json()
    assert body["kind"] == "correction" and body["number"].startswith("KOR/")
    assert body["correctsInvoice"]["number"] == invoice.number
    assert body["correction"]["reason"] == REASON and body["correction"]["type"] == 2
    assert [ln["quantity"] for ln in body["correction"]["linesBefore"]] == ["2", "1"]
    assert [ln["quantity"] for ln in body["lines"]] == ["1", "1"]
    assert body["correction"]["differences"] == [
        {"rate": "23", "net": "-40.65", "vat": "-9.35", "gross": "-50.00"},
        {"rate": "5", "net": "0.00", "vat": "0.00", "gross": "0.00"},
    ]
    assert body["totals"]["gross"] == "-50.00"


def test_the_correction_pdf_says_faktura_korygujaca_with_what_art_106j_requires(client, corrected):
    user, invoice, correction = corrected
    response = client.get(f"/invoices/{correction.id}/pdf", headers=bearer(user))
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for needle in (
        "Faktura korygująca",
        correction.number,
        f"Dotyczy faktury nr {invoice.number}",
        "Przyczyna korekty",
        "Przed korektą",
        "Po korekcie",
        "Do zwrotu: 50,00",
    ):
        assert needle in text


def test_a_payment_due_drops_by_what_corrections_took_off(client, corrected):
    user, invoice, _ = corrected
    body = client.get(f"/invoices/{invoice.id}/payments", headers=bearer(user)).json()
    assert body["due"] == "90.00"  # 140.00 invoiced, 50.00 corrected away
    paid = client.post(
        f"/invoices/{invoice.id}/payments",
        json={"amount": "90.00", "paidAt": "2026-12-01T10:00:00Z", "method": "przelew"},
        headers=bearer(user),
    )
    assert paid.status_code == 201 and paid.json()["outstanding"] == "0.00"
    assert paid.json()["status"] == "paid"


def test_another_tenant_cannot_see_a_correction(client, corrected, session):
    _, _, correction = corrected
    stranger = make_user(session, tenant="Obcy Sklep")
    assert client.get(f"/invoices/{correction.id}", headers=bearer(stranger)).status_code == 404
