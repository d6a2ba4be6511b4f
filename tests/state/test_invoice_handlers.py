"""Invoice, customer and product pages read only the signed-in tenant's rows."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session

from invoicehub.auth.accounts import default_company
from invoicehub.domain.customers import CustomerDraft, upsert_customer
from invoicehub.domain.products import ProductDraft, upsert_product
from invoicehub.models import User
from invoicehub.pages.customers import CustomersState
from invoicehub.pages.invoices_state import InvoiceDetailState, InvoicesState
from invoicehub.pages.products import ProductsState
from tests.domain.factories import buyer, issue_invoice
from tests.factories import make_user
from tests.state.conftest import call, redirects_to, session_token, state_for


def _invoice(session: Session, user: User, **buyer_fields: str):
    company = default_company(session, user.tenant_id)
    assert company is not None
    return issue_invoice(session, company, buyer=buyer(**buyer_fields))


def test_invoice_list_filters_and_pages_within_the_tenant(session: Session):
    seller = make_user(session, language="en")
    for n in range(23):
        _invoice(session, seller, name=f"Kupujący {n:02d}")
    _invoice(session, make_user(session, language="en"), name="Obcy klient")
    page = state_for(InvoicesState, session_token(session, seller), "/invoices")
    call(page, "load")
    assert page.total == 23 and len(page.items) == 20 and page.page_count == 2
    call(page, "next_page")
    assert page.page == 2 and len(page.items) == 3
    call(page, "set_search", "Kupujący 07")
    assert [row["buyer"] for row in page.items] == ["Kupujący 07"] and page.page == 1
    call(page, "set_search", "Obcy")
    assert page.items == []
    call(page, "clear_filters")
    call(page, "set_status", "paid")
    assert page.total == 0
    call(page, "set_status", "issued")
    call(page, "set_date_from", "2099-01-01")
    assert page.total == 0
    call(page, "set_date_from", "not-a-date")
    assert page.error == "Enter dates as dd.mm.yyyy, e.g. 05.03.2026."


def test_invoice_detail_of_another_tenant_is_not_found_and_its_pdf_is_refused(session: Session):
    owner = make_user(session, language="en")
    invoice = _invoice(session, owner, name="<img src=x onerror=alert(1)>")
    intruder = session_token(session, make_user(session, language="en"))
    detail = state_for(InvoiceDetailState, intruder, f"/invoices/{invoice.id}")
    call(detail, "load")
    assert detail.not_found and detail.invoice == {}
    assert call(detail, "download_pdf") == [] and detail.error == "This invoice does not exist."

    mine = state_for(InvoiceDetailState, session_token(session, owner), f"/invoices/{invoice.id}")
    call(mine, "load")
    assert mine.buyer["name"] == "<img src=x onerror=alert(1)>"  # kept as text, escaped by React
    assert [t["rate"] for t in mine.rate_totals] == ["23%"]
    [download] = call(mine, "download_pdf")
    assert "_download" in repr(download.handler.fn)


def test_anonymous_invoice_detail_redirects_to_login(session: Session):
    invoice = _invoice(session, make_user(session, language="en"))
    detail = state_for(InvoiceDetailState, None, f"/invoices/{invoice.id}")
    assert redirects_to(call(detail, "load")).startswith("/login")
    assert redirects_to(call(detail, "download_pdf")).startswith("/login")


def test_customer_and_product_lists_are_tenant_scoped(session: Session):
    seller = make_user(session, language="en")
    upsert_customer(session, seller.tenant_id, CustomerDraft(name="Mój Klient", city="Kraków"))
    upsert_product(
        session, seller.tenant_id, ProductDraft(name="Kubek", sku="K-1", gross_price=Decimal("10"))
    )
    session.commit()
    token = session_token(session, seller)
    customers = state_for(CustomersState, token, "/customers")
    call(customers, "load")
    assert [row["name"] for row in customers.items] == ["Mój Klient"]
    products = state_for(ProductsState, token, "/products")
    call(products, "load")
    assert [(row["sku"], row["price"]) for row in products.items] == [("K-1", "10,00\xa0zł")]

    other = state_for(
        CustomersState, session_token(session, make_user(session, language="en")), "/customers"
    )
    call(other, "load")
    assert other.items == [] and other.total == 0 and not other.loading
    call(customers, "set_search", "zzz-no-match")
    assert customers.items == [] and customers.page_count == 1
