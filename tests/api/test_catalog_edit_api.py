"""PUT /products/{id} and /customers/{id}: the edited row, 404 across tenants, 422 per field,
401 without a token, and the audit row with before and after."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from invoicehub.domain.customers import CustomerDraft, upsert_customer
from invoicehub.domain.products import ProductDraft, upsert_product
from invoicehub.models import AuditEvent, Customer, Product, User
from tests.factories import bearer, make_user

PRODUCT = {
    "name": "Kubek 330 ml",
    "sku": "KUB-330",
    "unit": "szt.",
    "vatRate": "8",
    "grossPrice": "39.90",
}
CUSTOMER = {
    "name": "Zażółć Sp. z o.o.",
    "nip": "774-000-14-54",
    "email": "biuro@zazolc.pl",
    "street": "ul. Piotrkowska 100",
    "postalCode": "90-001",
    "city": "Łódź",
    "countryCode": "PL",
}


@pytest.fixture
def owner(session: Session) -> User:
    return make_user(session, tenant="Sklep Kubek")


@pytest.fixture
def product(session: Session, owner: User) -> Product:
    draft = ProductDraft(name="Kubek", source="allegro", external_id="offer-1", vat_rate="23")
    row, _ = upsert_product(session, owner.tenant_id, draft)
    session.commit()
    return row


@pytest.fixture
def customer(session: Session, owner: User) -> Customer:
    draft = CustomerDraft(name="Jan", source="allegro", external_id="buyer-1", city="Kraków")
    row, _ = upsert_customer(session, owner.tenant_id, draft)
    session.commit()
    return row


def audits(session: Session, action: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def reread(session: Session, model: type, row_id: uuid.UUID):
    session.expire_all()
    return session.get(model, row_id)


def test_put_product_answers_the_edited_product_and_audits_it(
    api: TestClient, session: Session, owner: User, product: Product
):
    response = api.put(f"/products/{product.id}", json=PRODUCT, headers=bearer(owner))
    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: body[k] for k in PRODUCT} == PRODUCT
    assert (body["id"], body["source"], body["externalId"]) == (
        str(product.id),
        "allegro",
        "offer-1",
    )
    stored = reread(session, Product, product.id)
    assert (stored.vat_rate, stored.gross_price) == ("8", Decimal("39.90"))
    (audit,) = audits(session, "product.update")
    assert (audit.user_id, audit.tenant_id) == (owner.id, owner.tenant_id)
    assert (audit.target_type, audit.target_id) == ("product", str(product.id))
    assert (audit.before["vat_rate"], audit.after["vat_rate"]) == ("23", "8")
    assert audit.ip


def test_put_customer_answers_the_edited_customer_and_audits_it(
    api: TestClient, session: Session, owner: User, customer: Customer
):
    response = api.put(f"/customers/{customer.id}", json=CUSTOMER, headers=bearer(owner))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["nip"], body["kind"], body["postalCode"], body["city"]) == (
        "7740001454",
        "company",
        "90-001",
        "Łódź",
    )
    (audit,) = audits(session, "customer.update")
    assert (audit.before["city"], audit.after["city"]) == ("Kraków", "Łódź")


@pytest.mark.parametrize("kind", ["products", "customers"])
def test_another_tenants_id_answers_404_and_changes_nothing(
    api: TestClient, session: Session, product: Product, customer: Customer, kind: str
):
    stranger = make_user(session, tenant="Obcy Sklep")
    row, body, model = (
        (product, PRODUCT, Product) if kind == "products" else (customer, CUSTOMER, Customer)
    )
    before = reread(session, model, row.id).model_dump()
    for row_id in (row.id, uuid.uuid4()):
        response = api.put(f"/{kind}/{row_id}", json=body, headers=bearer(stranger))
        assert response.status_code == 404
        assert response.json() == {"detail": f"{kind[:-1]} not found"}
    assert reread(session, model, row.id).model_dump() == before
    assert audits(session, f"{kind[:-1]}.update") == []
    assert len(audits(session, "api.denied")) == 2


@pytest.mark.parametrize(
    ("kind", "changes", "field", "message"),
    [
        ("products", {"vatRate": "22"}, "vatRate", "VAT rate must be one of 23, 8, 5, 0, zw"),
        ("products", {"grossPrice": "-5"}, "grossPrice", "gross price cannot be negative"),
        ("products", {"name": " "}, "name", "name is required"),
        ("customers", {"nip": "1234567890"}, "nip", "the checksum does not match"),
        ("customers", {"email": "biuro"}, "email", "name@example.com"),
        ("customers", {"postalCode": "90001"}, "postalCode", "00-950"),
    ],
)
def test_invalid_fields_answer_422_naming_the_field_and_change_nothing(
    api: TestClient,
    session: Session,
    owner: User,
    product: Product,
    customer: Customer,
    kind: str,
    changes: dict[str, str],
    field: str,
    message: str,
):
    row, body, model = (
        (product, PRODUCT, Product) if kind == "products" else (customer, CUSTOMER, Customer)
    )
    before = reread(session, model, row.id).model_dump()
    response = api.put(f"/{kind}/{row.id}", json={**body, **changes}, headers=bearer(owner))
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", field] and message in error["msg"]
    assert reread(session, model, row.id).model_dump() == before


def test_a_sku_another_product_holds_answers_409_on_sku(
    api: TestClient, session: Session, owner: User, product: Product
):
    upsert_product(session, owner.tenant_id, ProductDraft(name="Inny", sku="KUB-330"))
    session.commit()
    response = api.put(f"/products/{product.id}", json=PRODUCT, headers=bearer(owner))
    assert response.status_code == 409
    assert response.json()["detail"] == [
        {
            "loc": ["body", "sku"],
            "msg": "another product already has SKU KUB-330",
            "type": "value_error",
        }
    ]
    assert reread(session, Product, product.id).vat_rate == "23"


def test_a_nip_another_customer_holds_answers_409_on_nip(
    api: TestClient, session: Session, owner: User, customer: Customer
):
    upsert_customer(session, owner.tenant_id, CustomerDraft(name="Firma", nip="7740001454"))
    session.commit()
    response = api.put(f"/customers/{customer.id}", json=CUSTOMER, headers=bearer(owner))
    assert response.status_code == 409
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "nip"] and "already has NIP 7740001454" in error["msg"]
    assert reread(session, Customer, customer.id).nip is None


@pytest.mark.parametrize("kind", ["products", "customers"])
def test_put_without_a_token_answers_401(
    api: TestClient, product: Product, customer: Customer, kind: str
):
    row, body = (product, PRODUCT) if kind == "products" else (customer, CUSTOMER)
    response = api.put(f"/{kind}/{row.id}", json=body)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
