"""Customer and product dedupe rules, and concurrent upserts ending with one row."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.db import get_engine
from invoicehub.domain.customer_queries import list_customers
from invoicehub.domain.customers import CustomerDraft, CustomerError, upsert_customer
from invoicehub.domain.products import (
    ProductDraft,
    ProductError,
    list_products,
    upsert_product,
    upsert_products,
)
from invoicehub.models import Customer, Product
from tests.domain.factories import make_company, make_nip

NIP = "7740001454"


def _count(session: Session, model: type) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_customer_with_nip_is_one_row_per_nip_and_keeps_the_newest_address(session: Session):
    tenant = make_company(session).tenant_id
    first, created = upsert_customer(
        session, tenant, CustomerDraft(name="Firma", kind="company", nip=NIP, city="Łódź")
    )
    again, created_again = upsert_customer(
        session,
        tenant,
        CustomerDraft(name="Firma S.A.", kind="company", nip="PL 774-000-14-54", city="Kraków"),
    )
    assert (created, created_again) == (True, False)
    assert again.id == first.id and (again.name, again.city) == ("Firma S.A.", "Kraków")
    assert _count(session, Customer) == 1


def test_customer_without_nip_is_one_row_per_source_and_external_id(session: Session):
    tenant = make_company(session).tenant_id
    draft = CustomerDraft(name="Jan", source="allegro", external_id="buyer-1", email="j@x.pl")
    first, _ = upsert_customer(session, tenant, draft)
    again, created = upsert_customer(
        session, tenant, CustomerDraft(name="Jan K.", source="allegro", external_id="buyer-1")
    )
    other, other_created = upsert_customer(
        session, tenant, CustomerDraft(name="Jan", source="manual", external_id="buyer-1")
    )
    assert again.id == first.id and not created and other_created and other.id != first.id
    assert again.email == "j@x.pl"  # an empty e-mail does not erase a known one


def test_one_allegro_account_buying_for_two_companies_gives_two_customers(session: Session):
    tenant = make_company(session).tenant_id
    person, _ = upsert_customer(
        session, tenant, CustomerDraft(name="Jan", source="allegro", external_id="b-1")
    )
    first_company, _ = upsert_customer(
        session,
        tenant,
        CustomerDraft(name="A", kind="company", nip=NIP, source="allegro", external_id="b-1"),
    )
    second_company, _ = upsert_customer(
        session,
        tenant,
        CustomerDraft(
            name="B", kind="company", nip=make_nip(3), source="allegro", external_id="b-1"
        ),
    )
    assert len({person.id, first_company.id, second_company.id}) == 3
    assert first_company.external_id is None  # a NIP customer does not claim the account id


def test_customer_without_any_key_is_always_new(session: Session):
    tenant = make_company(session).tenant_id
    upsert_customer(session, tenant, CustomerDraft(name="Anna"))
    upsert_customer(session, tenant, CustomerDraft(name="Anna"))
    assert _count(session, Customer) == 2


def test_customers_of_two_tenants_never_merge(session: Session):
    first, second = make_company(session).tenant_id, make_company(session).tenant_id
    a, _ = upsert_customer(session, first, CustomerDraft(name="X", kind="company", nip=NIP))
    b, created = upsert_customer(session, second, CustomerDraft(name="X", kind="company", nip=NIP))
    assert created and a.id != b.id


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        (CustomerDraft(name="X", nip="1234567890"), "invalid NIP"),
        (CustomerDraft(name=" "), "name is required"),
        (CustomerDraft(name="X", kind="robot"), "kind"),
        (CustomerDraft(name="X" * 301), "longer than 300"),
    ],
)
def test_invalid_customer_drafts_are_refused(session: Session, draft, message):
    tenant = make_company(session).tenant_id
    with pytest.raises(CustomerError, match=message):
        upsert_customer(session, tenant, draft)


def test_list_customers_searches_and_pages(session: Session):
    tenant = make_company(session).tenant_id
    for n in range(3):
        upsert_customer(session, tenant, CustomerDraft(name=f"Kowalski {n}", city="Łódź"))
    upsert_customer(session, tenant, CustomerDraft(name="Nowak", kind="company", nip=NIP))
    session.commit()
    items, total = list_customers(session, tenant, search="kowal", page=2, page_size=2)
    assert total == 3 and [c.name for c in items] == ["Kowalski 2"]
    assert [c.name for c in list_customers(session, tenant, search=NIP[:5])[0]] == ["Nowak"]


def test_product_is_one_row_per_external_id_and_refreshes_name_and_price(session: Session):
    tenant = make_company(session).tenant_id
    draft = ProductDraft(name="Kubek", source="allegro", external_id="offer-1", vat_rate="8")
    first, created = upsert_product(session, tenant, draft)
    again, created_again = upsert_product(
        session,
        tenant,
        ProductDraft(
            name="Kubek XL", source="allegro", external_id="offer-1", gross_price=Decimal("9.9")
        ),
    )
    assert (created, created_again) == (True, False) and again.id == first.id
    assert (again.name, again.gross_price) == ("Kubek XL", Decimal("9.90"))
    assert again.vat_rate == "8"  # no rate stated: the product keeps its own


def test_new_product_without_a_stated_rate_gets_the_default_rate(session: Session):
    tenant = make_company(session).tenant_id
    product, _ = upsert_product(
        session, tenant, ProductDraft(name="Książka", sku="B-1", default_vat_rate="5")
    )
    assert product.vat_rate == "5"
    stated, _ = upsert_product(
        session, tenant, ProductDraft(name="Książka", sku="B-1", vat_rate="8")
    )
    assert stated.id == product.id and stated.vat_rate == "8"


def test_product_without_external_id_is_one_row_per_sku(session: Session):
    tenant = make_company(session).tenant_id
    first, _ = upsert_product(session, tenant, ProductDraft(name="A", sku="SKU-1"))
    again, created = upsert_product(session, tenant, ProductDraft(name="B", sku=" SKU-1 "))
    assert again.id == first.id and not created and again.name == "B"


def test_two_offers_sharing_a_sku_are_two_products_and_only_one_keeps_the_sku(session: Session):
    tenant = make_company(session).tenant_id
    first, _ = upsert_product(
        session, tenant, ProductDraft(name="A", sku="S", source="allegro", external_id="1")
    )
    second, created = upsert_product(
        session, tenant, ProductDraft(name="B", sku="S", source="allegro", external_id="2")
    )
    assert created and second.id != first.id
    assert (first.sku, second.sku) == ("S", None)
    again, created_again = upsert_product(
        session, tenant, ProductDraft(name="B2", sku="S", source="allegro", external_id="2")
    )
    assert again.id == second.id and not created_again


def test_upsert_products_keeps_order_and_reuses_a_repeated_offer(session: Session):
    tenant = make_company(session).tenant_id
    known, _ = upsert_product(
        session, tenant, ProductDraft(name="Stary", source="allegro", external_id="o-1")
    )
    drafts = [
        ProductDraft(name="Nowy", sku="N", source="allegro", external_id="o-2"),
        ProductDraft(name="Stary v2", source="allegro", external_id="o-1"),
        ProductDraft(name="Nowy", sku="N", source="allegro", external_id="o-2"),
        ProductDraft(name="Bez klucza"),
    ]
    results = upsert_products(session, tenant, drafts)
    assert [created for _, created in results] == [True, False, False, True]
    assert results[1][0].id == known.id and results[1][0].name == "Stary v2"
    assert results[0][0].id == results[2][0].id
    assert _count(session, Product) == 3


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        (ProductDraft(name=""), "name is required"),
        (ProductDraft(name="X", vat_rate="7"), "VAT rate"),
        (ProductDraft(name="X", gross_price=Decimal("-1")), "non-negative"),
        (ProductDraft(name="X", unit="x" * 17), "unit is longer"),
    ],
)
def test_invalid_product_drafts_are_refused(session: Session, draft, message):
    tenant = make_company(session).tenant_id
    with pytest.raises(ProductError, match=message):
        upsert_product(session, tenant, draft)


def test_list_products_searches_name_and_sku(session: Session):
    tenant = make_company(session).tenant_id
    upsert_product(session, tenant, ProductDraft(name="Kubek", sku="KUB-1"))
    upsert_product(session, tenant, ProductDraft(name="Talerz", sku="TAL-1"))
    session.commit()
    assert [p.name for p in list_products(session, tenant, search="tal")[0]] == ["Talerz"]
    assert list_products(session, tenant)[1] == 2


def _concurrently(workers: int, action) -> list:
    start = threading.Barrier(workers)

    def run(_: int):
        with Session(get_engine(), expire_on_commit=False) as own:
            start.wait(timeout=30)
            result = action(own)
            own.commit()
            return result

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, range(workers)))


@pytest.mark.parametrize(
    "draft",
    [
        CustomerDraft(name="Firma", kind="company", nip=NIP),
        CustomerDraft(name="Jan", source="allegro", external_id="buyer-9"),
    ],
)
def test_concurrent_customer_upserts_give_one_row(session: Session, draft):
    tenant = make_company(session).tenant_id
    results = _concurrently(10, lambda own: upsert_customer(own, tenant, draft))
    assert len({customer.id for customer, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert _count(session, Customer) == 1


@pytest.mark.parametrize(
    "draft",
    [
        ProductDraft(name="Kubek", sku="S-1", source="allegro", external_id="offer-9"),
        ProductDraft(name="Kubek", source="allegro", external_id="offer-9"),
        ProductDraft(name="Kubek", sku="S-1"),
    ],
)
def test_concurrent_product_upserts_give_one_row(session: Session, draft):
    tenant = make_company(session).tenant_id
    results = _concurrently(10, lambda own: upsert_product(own, tenant, draft))
    assert len({product.id for product, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert _count(session, Product) == 1
