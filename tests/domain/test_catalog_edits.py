"""A seller's edits of products and customers: tenant-scoped, validated per field, audited,
and kept by later syncs."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import Session, select

from invoicehub.auth.accounts import principal_of
from invoicehub.auth.tokens import Principal
from invoicehub.domain.customers import (
    CustomerDraft,
    CustomerEdit,
    update_customer,
    upsert_customer,
    upsert_customers,
)
from invoicehub.domain.edits import EditRefused, RowNotFound, parse_edit
from invoicehub.domain.products import (
    ProductDraft,
    ProductEdit,
    update_product,
    upsert_product,
    upsert_products,
)
from invoicehub.models import AuditEvent, Customer, Product
from tests.domain.factories import make_nip
from tests.factories import make_user

NIP = "7740001454"
PRODUCT_EDIT = {
    "name": "Kubek 330 ml",
    "sku": "KUB-330",
    "unit": "szt.",
    "vat_rate": "8",
    "gross_price": "39,90",
}
CUSTOMER_EDIT = {
    "name": "Zażółć Sp. z o.o.",
    "nip": "PL 774-000-14-54",
    "email": "biuro@zazolc.pl",
    "street": "ul. Piotrkowska 100",
    "postal_code": "90-001",
    "city": "Łódź",
    "country_code": "pl",
}


def seller(session: Session) -> Principal:
    return principal_of(make_user(session))


def allegro_offer(session: Session, principal: Principal, **draft: Any) -> Product:
    fields: dict[str, Any] = {"name": "Kubek", "source": "allegro", "external_id": "offer-1"}
    product, _ = upsert_product(session, principal.tenant_id, ProductDraft(**{**fields, **draft}))
    session.commit()
    return product


def allegro_buyer(session: Session, principal: Principal) -> Customer:
    draft = CustomerDraft(name="Jan", source="allegro", external_id="buyer-1", city="Kraków")
    customer, _ = upsert_customer(session, principal.tenant_id, draft)
    session.commit()
    return customer


def edit_product(session: Session, principal: Principal, product_id: object, **changes: Any):
    product = update_product(
        session, principal, str(product_id), parse_edit(ProductEdit, {**PRODUCT_EDIT, **changes})
    )
    session.commit()
    return product


def edit_customer(session: Session, principal: Principal, customer_id: object, **changes: Any):
    edit = parse_edit(CustomerEdit, {**CUSTOMER_EDIT, **changes})
    customer = update_customer(session, principal, str(customer_id), edit)
    session.commit()
    return customer


def stored(session: Session, model: type, row_id: uuid.UUID) -> dict[str, Any]:
    session.expire_all()
    row = session.get(model, row_id)
    assert row is not None
    return row.model_dump()


def audit_rows(session: Session, action: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_seller_edits_a_product_and_the_edit_is_audited(session: Session):
    principal = seller(session)
    product = allegro_offer(session, principal, vat_rate="23", gross_price=Decimal("49.99"))
    edit_product(session, principal, product.id)
    row = stored(session, Product, product.id)
    assert (row["name"], row["sku"], row["unit"], row["vat_rate"]) == (
        "Kubek 330 ml",
        "KUB-330",
        "szt.",
        "8",
    )
    assert row["gross_price"] == Decimal("39.90") and row["edited_at"] is not None
    (audit,) = audit_rows(session, "product.update")
    assert audit.tenant_id == principal.tenant_id and audit.user_id == principal.user_id
    assert audit.target_id == str(product.id)
    assert (audit.before["vat_rate"], audit.after["vat_rate"]) == ("23", "8")
    assert (audit.before["gross_price"], audit.after["gross_price"]) == ("49.99", "39.90")


def test_another_tenants_or_a_missing_product_is_not_found(session: Session):
    owner, stranger = seller(session), seller(session)
    product = allegro_offer(session, owner)
    before = stored(session, Product, product.id)
    for product_id in (product.id, uuid.uuid4(), "not-a-uuid"):
        with pytest.raises(RowNotFound):
            edit_product(session, stranger, product_id)
        session.rollback()
    assert stored(session, Product, product.id) == before
    assert audit_rows(session, "product.update") == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "name is required"),
        ({"name": "x" * 301}, "name", "at most 300 characters"),
        ({"unit": ""}, "unit", "unit is required"),
        ({"vat_rate": "22"}, "vat_rate", "VAT rate must be one of 23, 8, 5, 0, zw"),
        ({"gross_price": "abc"}, "gross_price", "an amount like 49.99"),
        ({"gross_price": "-1"}, "gross_price", "cannot be negative"),
        ({"gross_price": "1.005"}, "gross_price", "at most 2 decimal places"),
        ({"gross_price": "1e12"}, "gross_price", "must not exceed"),
        ({"gross_price": 1e26}, "gross_price", "must not exceed"),
        ({"gross_price": True}, "gross_price", "an amount like 49.99"),
        ({"colour": "red"}, "colour", "Extra inputs are not permitted"),
    ],
)
def test_invalid_product_edits_are_refused_per_field(changes, field, message):
    with pytest.raises(EditRefused) as refused:
        parse_edit(ProductEdit, {**PRODUCT_EDIT, **changes})
    assert list(refused.value.errors) == [field]
    assert message in refused.value.errors[field]


def test_a_sku_another_product_holds_is_refused_and_nothing_changes(session: Session):
    principal = seller(session)
    allegro_offer(session, principal, external_id="offer-2", sku="TAKEN")
    product = allegro_offer(session, principal)
    before = stored(session, Product, product.id)
    with pytest.raises(EditRefused) as refused:
        edit_product(session, principal, product.id, sku="TAKEN", vat_rate="5")
    session.rollback()
    assert refused.value.errors == {"sku": "another product already has SKU TAKEN"}
    assert stored(session, Product, product.id) == before
    assert audit_rows(session, "product.update") == []


def test_a_later_sync_keeps_the_vat_rate_name_and_price_the_seller_set(session: Session):
    principal = seller(session)
    product = allegro_offer(session, principal, vat_rate="23")
    edit_product(session, principal, product.id, vat_rate="8")
    # The offer comes again in an order, with a stated rate and a new price and name.
    again = ProductDraft(
        name="Kubek (nowa nazwa)",
        vat_rate="23",
        gross_price=Decimal("59.99"),
        source="allegro",
        external_id="offer-1",
    )
    ((found, created),) = upsert_products(session, principal.tenant_id, [again])
    session.commit()
    assert found.id == product.id and not created
    row = stored(session, Product, product.id)
    assert (row["vat_rate"], row["name"], row["gross_price"]) == (
        "8",
        "Kubek 330 ml",
        Decimal("39.90"),
    )


def test_a_sync_still_refreshes_a_product_nobody_edited(session: Session):
    principal = seller(session)
    product = allegro_offer(session, principal, vat_rate="23")
    again = ProductDraft(name="Kubek 2", vat_rate="8", source="allegro", external_id="offer-1")
    upsert_products(session, principal.tenant_id, [again])
    session.commit()
    row = stored(session, Product, product.id)
    assert (row["vat_rate"], row["name"]) == ("8", "Kubek 2")


def test_an_upsert_by_sku_keeps_an_edited_product(session: Session):
    principal = seller(session)
    product, _ = upsert_product(session, principal.tenant_id, ProductDraft(name="A", sku="S-1"))
    session.commit()
    edit_product(session, principal, product.id, sku="S-1", vat_rate="5")
    upsert_product(session, principal.tenant_id, ProductDraft(name="B", sku="S-1", vat_rate="23"))
    session.commit()
    row = stored(session, Product, product.id)
    assert (row["name"], row["vat_rate"]) == ("Kubek 330 ml", "5")


def test_seller_edits_a_customer_and_a_nip_makes_it_a_company(session: Session):
    principal = seller(session)
    customer = allegro_buyer(session, principal)
    edit_customer(session, principal, customer.id)
    row = stored(session, Customer, customer.id)
    assert (row["name"], row["nip"], row["kind"], row["external_id"]) == (
        "Zażółć Sp. z o.o.",
        NIP,
        "company",
        None,
    )
    assert (row["postal_code"], row["country_code"], row["edited_at"] is not None) == (
        "90-001",
        "PL",
        True,
    )
    (audit,) = audit_rows(session, "customer.update")
    assert audit.before["city"] == "Kraków" and audit.after["city"] == "Łódź"
    assert audit.before["nip"] is None and audit.after["nip"] == NIP


def test_another_tenants_customer_is_not_found_and_stays_unchanged(session: Session):
    owner, stranger = seller(session), seller(session)
    customer = allegro_buyer(session, owner)
    before = stored(session, Customer, customer.id)
    with pytest.raises(RowNotFound):
        edit_customer(session, stranger, customer.id)
    session.rollback()
    assert stored(session, Customer, customer.id) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"nip": "1234567890"}, "nip", "invalid NIP 1234567890: the checksum does not match"),
        ({"nip": "12345"}, "nip", "a NIP has 10 digits"),
        ({"name": ""}, "name", "name is required"),
        ({"email": "jan@"}, "email", "name@example.com"),
        ({"postal_code": "90001"}, "postal_code", "00-950"),
        ({"country_code": "POL"}, "country_code", "two letters"),
    ],
)
def test_invalid_customer_edits_are_refused_per_field(changes, field, message):
    with pytest.raises(EditRefused) as refused:
        parse_edit(CustomerEdit, {**CUSTOMER_EDIT, **changes})
    assert list(refused.value.errors) == [field]
    assert message in refused.value.errors[field]


def test_a_foreign_postal_code_is_not_held_to_the_polish_shape():
    edit = parse_edit(CustomerEdit, {**CUSTOMER_EDIT, "country_code": "DE", "postal_code": "10115"})
    assert (edit.country_code, edit.postal_code) == ("DE", "10115")


def test_a_nip_another_customer_holds_is_refused_and_nothing_changes(session: Session):
    principal = seller(session)
    upsert_customer(session, principal.tenant_id, CustomerDraft(name="Firma", nip=NIP))
    customer = allegro_buyer(session, principal)
    before = stored(session, Customer, customer.id)
    with pytest.raises(EditRefused) as refused:
        edit_customer(session, principal, customer.id)
    session.rollback()
    assert refused.value.errors == {"nip": f"another customer already has NIP {NIP}"}
    assert stored(session, Customer, customer.id) == before


def test_a_later_sync_keeps_the_customer_data_the_seller_set(session: Session):
    principal = seller(session)
    customer = allegro_buyer(session, principal)
    edit_customer(session, principal, customer.id, nip=None, name="Jan Kowalski")
    nip_customer, _ = upsert_customer(
        session, principal.tenant_id, CustomerDraft(name="Firma", nip=make_nip(5))
    )
    session.commit()
    edit_customer(session, principal, nip_customer.id, nip=make_nip(5), name="Firma S.A.")
    repeat = [
        CustomerDraft(name="Jan K.", source="allegro", external_id="buyer-1", email="new@x.pl"),
        CustomerDraft(name="Firma", nip=make_nip(5), city="Gdańsk"),
    ]
    ((person, _), (company, _)) = upsert_customers(session, principal.tenant_id, repeat)
    session.commit()
    assert (person.id, company.id) == (customer.id, nip_customer.id)
    person_row = stored(session, Customer, customer.id)
    assert (person_row["name"], person_row["email"]) == ("Jan Kowalski", "biuro@zazolc.pl")
    company_row = stored(session, Customer, nip_customer.id)
    assert (company_row["name"], company_row["city"]) == ("Firma S.A.", "Łódź")
