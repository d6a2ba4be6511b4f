"""POST /invoices/{id}/payments: partial payments add up, the invoice turns paid at the gross,
over-payment is a 422 naming the amount, and the issued invoice stays otherwise immutable."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from invoicehub.api.app import create_api
from invoicehub.domain.invoices import create_invoice, mark_invoice_paid
from invoicehub.models import Company, Invoice, User
from tests.domain.factories import allegro_draft, invoice_draft, line, paid_at
from tests.factories import bearer, make_user

PAID_AT = "2026-12-01T10:00:00Z"


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_api())


@pytest.fixture
def seller(session: Session) -> tuple[User, Invoice]:
    from invoicehub.auth.accounts import default_company

    user = make_user(session, tenant="Sklep Płatny")
    company = default_company(session, user.tenant_id)
    assert isinstance(company, Company)
    invoice = create_invoice(
        session, invoice_draft(company, lines=[line("Kubek", "2", "50.00", "23")])
    )
    session.commit()
    return user, invoice


def _pay(client: TestClient, user: User, invoice: Invoice, amount: str, **extra: str):
    body = {"amount": amount, "paidAt": PAID_AT, "method": "przelew", **extra}
    return client.post(f"/invoices/{invoice.id}/payments", json=body, headers=bearer(user))


def test_partial_payments_add_up_and_the_invoice_turns_paid_at_the_gross(client, seller):
    user, invoice = seller
    first = _pay(client, user, invoice, "30.00")
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "issued"
    assert first.json()["outstanding"] == "70.00"
    second = _pay(client, user, invoice, "70.00", method="karta")
    assert second.status_code == 201
    body = second.json()
    assert body["status"] == "paid" and body["paid"] == "100.00" and body["outstanding"] == "0.00"
    assert [p["amount"] for p in body["payments"]] == ["30.00", "70.00"]
    detail = client.get(f"/invoices/{invoice.id}", headers=bearer(user)).json()
    assert detail["status"] == "paid" and detail["paymentMethod"] == "karta"


def test_over_payment_is_refused_with_a_422_naming_the_amount(client, seller):
    user, invoice = seller
    assert _pay(client, user, invoice, "60.00").status_code == 201
    refused = _pay(client, user, invoice, "40.01")
    assert refused.status_code == 422
    detail = refused.json()["detail"][0]
    assert detail["loc"] == ["body", "amount"] and "40.00 still due" in detail["msg"]
    listed = client.get(f"/invoices/{invoice.id}/payments", headers=bearer(user)).json()
    assert listed["paid"] == "60.00" and len(listed["payments"]) == 1


def test_a_paid_invoice_refuses_further_payments(client, seller):
    user, invoice = seller
    assert _pay(client, user, invoice, "100.00").status_code == 201
    refused = _pay(client, user, invoice, "1.00")
    assert refused.status_code == 422 and "already paid" in refused.json()["detail"][0]["msg"]


@pytest.mark.parametrize("amount", ["0", "-5.00", "1.001", "abc"])
def test_bad_amounts_are_refused_per_field(client, seller, amount):
    user, invoice = seller
    response = _pay(client, user, invoice, amount)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "amount"


def test_another_tenants_invoice_answers_404(client, seller, session):
    _, invoice = seller
    stranger = make_user(session, tenant="Obcy")
    assert _pay(client, stranger, invoice, "10.00").status_code == 404


def test_payment_rows_and_the_issued_invoice_stay_immutable(client, seller, session):
    user, invoice = seller
    assert _pay(client, user, invoice, "10.00").status_code == 201
    with pytest.raises(sa.exc.DBAPIError, match="insert-only"), session.begin_nested():
        session.connection().execute(sa.text("UPDATE invoice_payments SET amount = 1"))
    session.rollback()
    with pytest.raises(sa.exc.DBAPIError, match="cannot be edited"), session.begin_nested():
        session.connection().execute(
            sa.text("UPDATE invoices SET total_gross = 1 WHERE id = :id"), {"id": invoice.id}
        )


def test_auto_mark_as_paid_records_the_outstanding_amount_as_a_payment(session, client):
    from invoicehub.auth.accounts import default_company

    user = make_user(session, tenant="Sklep Allegro")
    company = default_company(session, user.tenant_id)
    assert company is not None
    import uuid

    invoice = create_invoice(session, allegro_draft(company, uuid.uuid4(), "order-9"))
    session.commit()
    assert _pay(client, user, invoice, "1.00").status_code == 201
    mark_invoice_paid(session, user.tenant_id, invoice.id, paid_at(), "Allegro Pay")
    session.commit()
    body = client.get(f"/invoices/{invoice.id}/payments", headers=bearer(user)).json()
    assert body["status"] == "paid" and body["outstanding"] == "0.00"
    assert sorted(p["source"] for p in body["payments"]) == ["allegro", "manual"]
    assert body["paid"] == body["due"]
