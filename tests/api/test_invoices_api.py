"""Invoice, customer and product endpoints: shapes, filters, paging, tenant scoping, PDF."""

from __future__ import annotations

import io
import uuid
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session

from invoicehub.api.app import create_api
from invoicehub.auth.accounts import default_company
from invoicehub.documents.formatting import pdf_filename
from invoicehub.domain.customers import CustomerDraft, upsert_customer
from invoicehub.domain.invoices import create_invoice, mark_invoice_paid
from invoicehub.domain.products import ProductDraft, upsert_product
from invoicehub.models import Company, Invoice, User
from tests.domain.factories import allegro_draft, buyer, invoice_draft, line, paid_at
from tests.factories import bearer, make_user

INTEGRATION = uuid.UUID("11111111-2222-4333-8444-555555555555")


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_api())


def _company(session: Session, user: User) -> Company:
    company = default_company(session, user.tenant_id)
    assert company is not None
    company.street, company.city, company.postal_code = "ul. Długa 5", "Gdańsk", "80-001"
    company.bank_account = "61109010140000071219812874"
    session.add(company)
    session.commit()
    return company


@pytest.fixture
def seller(session: Session) -> tuple[User, Company, list[Invoice]]:
    """A seller with three invoices: manual (October), Allegro paid, Allegro issued."""
    user = make_user(session, tenant="Sklep Żółw Sp. z o.o.")
    company = _company(session, user)
    october = date(2026, 10, 15)
    invoices = [
        create_invoice(
            session,
            invoice_draft(
                company,
                issue_date=october,
                sale_date=october,
                lines=[line("Kubek", "2", "49.99", "23"), line("Książka", "1", "39.90", "5")],
            ),
        ),
        create_invoice(session, allegro_draft(company, INTEGRATION, "order-1")),
        create_invoice(
            session,
            allegro_draft(company, INTEGRATION, "order-2", buyer=buyer(name="Jan Nowak", nip=None)),
        ),
    ]
    mark_invoice_paid(session, user.tenant_id, invoices[1].id, paid_at(), "Allegro Pay")
    session.commit()
    return user, company, invoices


def test_list_gives_items_and_total_with_money_as_strings(client: TestClient, seller):
    user, _, invoices = seller
    response = client.get("/invoices", headers=bearer(user))
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 3 and body["page"] == 1 and body["pageSize"] == 20
    assert [item["id"] for item in body["items"]] == [str(i.id) for i in reversed(invoices)]
    october = body["items"][-1]
    assert october == {
        "id": str(invoices[0].id),
        "number": "FV/2026/10/1",
        "status": "issued",
        "issueDate": "2026-10-15",
        "saleDate": "2026-10-15",
        "dueDate": "2026-10-29",
        "buyerName": "Zażółć Gęślą Jaźń Sp. z o.o.",
        "buyerNip": "7740001454",
        "totalNet": "119.28",
        "totalVat": "20.60",
        "totalGross": "139.88",
        "currency": "PLN",
        "paidAt": None,
        "source": {"type": "manual", "integrationId": None, "externalOrderId": None},
        "kind": "invoice",
        "correctsInvoiceId": None,
        "ksefStatus": "not_sent",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"integrationId": str(INTEGRATION)}, [2, 1]),
        ({"externalOrderId": "order-1"}, [1]),
        ({"status": "paid"}, [1]),
        ({"status": "issued"}, [2, 0]),
        ({"source": "manual"}, [0]),
        ({"from": "2026-11-01"}, [2, 1]),
        ({"to": "2026-10-31"}, [0]),
        ({"from": "2026-10-15", "to": "2026-10-15"}, [0]),
        ({"search": "nowak"}, [2]),
        ({"search": "FV/2026/11/1"}, [1]),
        ({"search": "7740001454"}, [1, 0]),
        ({"ksefStatus": "not_sent"}, [2, 1, 0]),
        ({"ksefStatus": "accepted"}, []),
    ],
)
def test_list_filters(client: TestClient, seller, query, expected):
    user, _, invoices = seller
    body = client.get("/invoices", params=query, headers=bearer(user)).json()
    assert [item["id"] for item in body["items"]] == [str(invoices[i].id) for i in expected]
    assert body["total"] == len(expected)


def test_list_pages(client: TestClient, seller):
    user, _, _ = seller
    first = client.get("/invoices", params={"pageSize": 2}, headers=bearer(user)).json()
    second = client.get("/invoices", params={"pageSize": 2, "page": 2}, headers=bearer(user))
    assert [i["number"] for i in first["items"]] == ["FV/2026/11/2", "FV/2026/11/1"]
    assert [i["number"] for i in second.json()["items"]] == ["FV/2026/10/1"]
    assert first["total"] == second.json()["total"] == 3


@pytest.mark.parametrize(
    "query",
    [
        {"status": "cancelled"},
        {"pageSize": 101},
        {"page": 0},
        {"integrationId": "not-a-uuid"},
        {"from": "28.11.2026"},
        {"search": "a\x00b"},
        {"search": "x" * 101},
    ],
)
def test_list_refuses_bad_parameters_with_422(client: TestClient, seller, query):
    user, _, _ = seller
    assert client.get("/invoices", params=query, headers=bearer(user)).status_code == 422


def test_detail_has_seller_buyer_lines_totals_and_source(client: TestClient, seller):
    user, company, invoices = seller
    body = client.get(f"/invoices/{invoices[1].id}", headers=bearer(user)).json()
    assert body["number"] == "FV/2026/11/1"
    assert (body["status"], body["paymentMethod"]) == ("paid", "Allegro Pay")
    assert body["paidAt"].startswith("2026-11-28T12:00:00")
    assert (body["issueDate"], body["saleDate"], body["dueDate"]) == (
        "2026-11-28",
        "2026-11-28",
        "2026-12-12",
    )
    assert body["templateId"] == "00000000-0000-4000-8000-000000000001"
    assert body["seller"] == {
        "name": "Sklep Żółw Sp. z o.o.",
        "nip": company.nip,
        "street": "ul. Długa 5",
        "city": "Gdańsk",
        "postalCode": "80-001",
        "countryCode": "PL",
        "bankAccount": "61109010140000071219812874",
        "vatExemptionBasis": "",
    }
    assert body["buyer"] == {
        "name": "Zażółć Gęślą Jaźń Sp. z o.o.",
        "nip": "7740001454",
        "street": "ul. Piotrkowska 100",
        "city": "Łódź",
        "postalCode": "90-001",
        "countryCode": "PL",
    }
    assert body["lines"][0] == {
        "position": 1,
        "name": "Kubek ceramiczny",
        "quantity": "1",
        "unit": "szt.",
        "unitGross": "49.99",
        "vatRate": "23",
        "net": "40.64",
        "vat": "9.35",
        "gross": "49.99",
    }
    assert body["totals"] == {
        "net": "50.40",
        "vat": "11.59",
        "gross": "61.99",
        "byRate": [{"rate": "23", "net": "50.40", "vat": "11.59", "gross": "61.99"}],
    }
    assert body["source"] == {
        "type": "allegro",
        "integrationId": str(INTEGRATION),
        "externalOrderId": "order-1",
    }


def test_detail_lists_a_total_per_rate(client: TestClient, seller):
    user, _, invoices = seller
    totals = client.get(f"/invoices/{invoices[0].id}", headers=bearer(user)).json()["totals"]
    assert totals["byRate"] == [
        {"rate": "23", "net": "81.28", "vat": "18.70", "gross": "99.98"},
        {"rate": "5", "net": "38.00", "vat": "1.90", "gross": "39.90"},
    ]


def test_pdf_download_is_a_named_pdf_of_the_invoice(client: TestClient, seller):
    user, _, invoices = seller
    response = client.get(f"/invoices/{invoices[1].id}/pdf", headers=bearer(user))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        'attachment; filename="Faktura_FV-2026-11-1.pdf"'
    )
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Nr FV/2026/11/1" in text and "Zapłacono: 61,99 PLN" in text


@pytest.mark.parametrize(
    ("number", "filename"),
    [
        ("FV/2026/11/7", "Faktura_FV-2026-11-7.pdf"),
        ('A"B\r\nC/1', "Faktura_A-B-C-1.pdf"),
        ("Ż/1", "Faktura_1.pdf"),
        ("///", "Faktura_bez-numeru.pdf"),
    ],
)
def test_pdf_filename_is_plain_ascii(number, filename):
    assert pdf_filename(number) == filename


@pytest.mark.parametrize("suffix", ["", "/pdf"])
def test_another_tenants_invoice_answers_404(client: TestClient, session: Session, seller, suffix):
    _, _, invoices = seller
    stranger = make_user(session, tenant="Obca Firma")
    for invoice_id in (invoices[0].id, uuid.uuid4()):
        response = client.get(f"/invoices/{invoice_id}{suffix}", headers=bearer(stranger))
        assert response.status_code == 404
        assert response.json() == {"detail": "invoice not found"}
    body = client.get("/invoices", headers=bearer(stranger)).json()
    assert body == {"items": [], "total": 0, "page": 1, "pageSize": 20}


@pytest.mark.parametrize(
    "path",
    [
        "/invoices",
        f"/invoices/{uuid.uuid4()}",
        f"/invoices/{uuid.uuid4()}/pdf",
        "/customers",
        "/products",
    ],
)
def test_no_token_answers_401(client: TestClient, path):
    response = client.get(path)
    assert response.status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer not-a-jwt"}).status_code == 401


def test_customers_list_is_tenant_scoped_searchable_and_paged(client: TestClient, session: Session):
    user, other = make_user(session), make_user(session)
    for name in ("Anna Kowalska", "Jan Kowalski", "Zofia Nowak"):
        upsert_customer(session, user.tenant_id, CustomerDraft(name=name, city="Łódź"))
    upsert_customer(
        session,
        user.tenant_id,
        CustomerDraft(name="Firma", kind="company", nip="7740001454", source="allegro"),
    )
    upsert_customer(session, other.tenant_id, CustomerDraft(name="Obcy Kowalski"))
    session.commit()
    body = client.get(
        "/customers", params={"search": "kowal", "pageSize": 1, "page": 2}, headers=bearer(user)
    ).json()
    assert body["total"] == 2 and [c["name"] for c in body["items"]] == ["Jan Kowalski"]
    firma = client.get("/customers", params={"search": "7740"}, headers=bearer(user)).json()
    item = firma["items"][0]
    assert (item["kind"], item["nip"], item["source"], item["postalCode"]) == (
        "company",
        "7740001454",
        "allegro",
        "",
    )
    assert set(item) >= {"id", "email", "street", "city", "countryCode", "externalId", "createdAt"}


def test_products_list_gives_prices_and_rates_as_strings(client: TestClient, session: Session):
    user, other = make_user(session), make_user(session)
    upsert_product(
        session,
        user.tenant_id,
        ProductDraft(name="Kubek", sku="K-1", vat_rate="8", gross_price=Decimal("19.9")),
    )
    upsert_product(session, other.tenant_id, ProductDraft(name="Obcy kubek"))
    session.commit()
    body = client.get("/products", params={"search": "kubek"}, headers=bearer(user)).json()
    assert body["total"] == 1
    item = body["items"][0]
    assert (item["name"], item["sku"], item["vatRate"], item["grossPrice"], item["unit"]) == (
        "Kubek",
        "K-1",
        "8",
        "19.90",
        "szt.",
    )


def test_openapi_documents_models_and_401_404(client: TestClient):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    listing = paths["/invoices"]["get"]
    assert "401" in listing["responses"]
    assert listing["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/InvoicePage"
    }
    assert {p["name"] for p in listing["parameters"]} >= {
        "integrationId",
        "externalOrderId",
        "status",
        "source",
        "from",
        "to",
        "search",
        "page",
        "pageSize",
    }
    for path in ("/invoices/{invoice_id}", "/invoices/{invoice_id}/pdf"):
        assert {"200", "401", "404"} <= set(paths[path]["get"]["responses"])
    assert (
        "application/pdf"
        in paths["/invoices/{invoice_id}/pdf"]["get"]["responses"]["200"]["content"]
    )
    schemas = spec["components"]["schemas"]
    assert {"InvoiceDetail", "InvoiceSummary", "CustomerPage", "ProductPage"} <= set(schemas)
    assert schemas["InvoiceLineOut"]["properties"]["unitGross"]["type"] == "string"


def test_an_id_with_a_newline_still_gets_the_apis_json_answer(api: TestClient, session: Session):
    """Starlette's mount pattern stopped at %0A: such paths got the web app's plain-text 404."""
    user = make_user(session)
    response = api.get("/invoices/7%0Ab", headers=bearer(user))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/json"
