"""Invoices, Customers and Products pages in a real Chromium: search, filters, pages, empty
states, the invoice detail with totals per rate and its PDF, and buyer data shown as text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from playwright.sync_api import Page, expect
from sqlmodel import Session

from invoicehub.auth.accounts import default_company
from invoicehub.domain.customers import CustomerDraft, upsert_customer
from invoicehub.domain.invoices import mark_invoice_paid
from invoicehub.domain.products import ProductDraft, upsert_product
from invoicehub.models import Company, Invoice, User
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_integrations_journey import choose
from tests.domain.factories import buyer, issue_invoice, line, paid_at
from tests.factories import make_user

PASSWORD = "correct-horse-battery"
# The machine may be shared with other test runs: give the UI time before calling it broken.
expect.set_options(timeout=15_000)
XSS = "<img src=x onerror=alert(1)>"


def company_of(session: Session, user: User) -> Company:
    company = default_company(session, user.tenant_id)
    assert company is not None
    company.street, company.city, company.postal_code = "ul. Długa 5", "Gdańsk", "80-001"
    session.add(company)
    session.commit()
    return company


def rows(page: Page, region: str):
    return page.get_by_role("region", name=region).locator("tbody tr")


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_invoice_list_searches_filters_and_pages(page: Page, session: Session):
    user = make_user(session, language="en", password=PASSWORD)
    sign_in(page, user.email, PASSWORD)
    page.goto("/invoices")
    expect(page.get_by_text("No invoices found")).to_be_visible()

    company = company_of(session, user)
    issued = [
        issue_invoice(session, company, buyer=buyer(name=f"Kupiec {n:02d}", nip=None))
        for n in range(22)
    ]
    old = issue_invoice(
        session, company, buyer=buyer(name="Stary Klient"), issue_date=date(2026, 1, 15)
    )
    mark_invoice_paid(session, user.tenant_id, issued[0].id, paid_at())
    session.commit()

    page.reload()
    expect(page.get_by_text("Total: 23 · page 1 of 2")).to_be_visible()
    expect(rows(page, "Invoices")).to_have_count(20)
    page.get_by_role("button", name="Next page").click()
    expect(page.get_by_text("Total: 23 · page 2 of 2")).to_be_visible()
    expect(rows(page, "Invoices")).to_have_count(3)

    page.get_by_label("Search").fill("Kupiec 07")
    expect(rows(page, "Invoices")).to_have_count(1)
    expect(rows(page, "Invoices")).to_contain_text(issued[7].number)
    page.get_by_label("Search").fill("")
    expect(page.get_by_text("Total: 23 · page 1 of 2")).to_be_visible()

    choose(page, "invoice-status", "Paid")
    expect(rows(page, "Invoices")).to_have_count(1)
    expect(rows(page, "Invoices")).to_contain_text(issued[0].number)
    choose(page, "invoice-status", "All statuses")
    choose(page, "invoice-source", "Allegro")
    expect(page.get_by_text("No invoices found")).to_be_visible()
    choose(page, "invoice-source", "All sources")

    page.get_by_label("Issued to").fill("01.02.2026")
    expect(rows(page, "Invoices")).to_have_count(1)
    expect(rows(page, "Invoices")).to_contain_text(old.number)
    page.get_by_role("button", name="Clear").click()
    expect(page.get_by_text("Total: 23 · page 1 of 2")).to_be_visible()
    screenshot(page, "invoices-1280")

    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "invoices-375")
    assert no_horizontal_scroll(page)


def test_invoice_detail_shows_lines_totals_per_rate_buyer_and_downloads_the_pdf(
    page: Page, session: Session
):
    user = make_user(session, language="en", password=PASSWORD)
    company = company_of(session, user)
    invoice: Invoice = issue_invoice(
        session,
        company,
        lines=[line("Kubek ceramiczny", "2", "49.99", "23"), line("Książka", "1", "30.00", "5")],
        buyer=buyer(name="Zażółć Gęślą Jaźń Sp. z o.o."),
    )
    sign_in(page, user.email, PASSWORD)
    page.goto("/invoices")
    page.get_by_role("link", name=invoice.number).click()
    expect(page.locator("#invoice-number")).to_have_text(invoice.number)
    expect(page.locator("#buyer-name")).to_have_text("Zażółć Gęślą Jaźń Sp. z o.o.")
    expect(page.locator("#buyer-card")).to_contain_text("NIP 7740001454")
    expect(page.locator("#seller-card")).to_contain_text("ul. Długa 5")
    lines = rows(page, "Invoice lines")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("Kubek ceramiczny")
    expect(lines.nth(0)).to_contain_text("99,98\xa0zł")
    totals = rows(page, "Totals per VAT rate")
    expect(totals).to_have_count(3)  # 23%, 5% and the total
    expect(totals.nth(0)).to_contain_text("23%")
    expect(totals.nth(1)).to_contain_text("5%")
    expect(page.locator("#invoice-gross")).to_have_text("129,98\xa0zł")
    assert invoice.total_gross == Decimal("129.98")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    path = download.path()
    assert path is not None and path.read_bytes()[:5] == b"%PDF-"
    screenshot(page, "invoice-detail-mixed-rates-1280")

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    expect(page.locator("#invoice-number")).to_have_text(invoice.number)
    screenshot(page, "invoice-detail-375")
    assert no_horizontal_scroll(page)


def test_another_tenants_invoice_is_not_found(page: Page, session: Session):
    other = issue_invoice(session, company_of(session, make_user(session, language="en")))
    user = make_user(session, language="en", password=PASSWORD)
    sign_in(page, user.email, PASSWORD)
    page.goto(f"/invoices/{other.id}")
    expect(page.get_by_text("Invoice not found")).to_be_visible()
    expect(page.get_by_text(other.number)).to_have_count(0)


def test_buyer_markup_is_shown_literally_and_never_runs(page: Page, session: Session):
    user = make_user(session, language="en", password=PASSWORD)
    company = company_of(session, user)
    invoice = issue_invoice(session, company, buyer=buyer(name=XSS, nip=None, city=XSS))
    upsert_customer(session, user.tenant_id, CustomerDraft(name=XSS, city="Opole"))
    session.commit()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, user.email, PASSWORD)

    page.goto("/invoices")
    expect(rows(page, "Invoices")).to_contain_text(XSS)
    page.get_by_role("link", name=invoice.number).click()
    expect(page.locator("#buyer-name")).to_have_text(XSS)
    page.goto("/customers")
    expect(rows(page, "Customers")).to_contain_text(XSS)
    assert page.locator("main img").count() == 0 and dialogs == []


def test_customers_and_products_search_page_and_show_empty_states(page: Page, session: Session):
    user = make_user(session, language="en", password=PASSWORD)
    for n in range(25):
        upsert_customer(
            session, user.tenant_id, CustomerDraft(name=f"Klient {n:02d}", city="Poznań")
        )
    upsert_product(
        session,
        user.tenant_id,
        ProductDraft(name="Kubek", sku="KUB-1", vat_rate="23", gross_price=Decimal("49.99")),
    )
    session.commit()
    sign_in(page, user.email, PASSWORD)

    page.get_by_role("link", name="Customers").click()
    expect(page.get_by_text("Total: 25 · page 1 of 2")).to_be_visible()
    expect(rows(page, "Customers")).to_have_count(20)
    page.get_by_role("button", name="Next page").click()
    expect(rows(page, "Customers")).to_have_count(5)
    page.get_by_label("Search").fill("Klient 13")
    expect(rows(page, "Customers")).to_have_count(1)
    page.get_by_label("Search").fill("nikt taki")
    expect(page.get_by_text("No customers found")).to_be_visible()
    screenshot(page, "customers-empty-search-1280")

    page.get_by_role("link", name="Products").click()
    expect(rows(page, "Products")).to_have_count(1)
    expect(rows(page, "Products")).to_contain_text("KUB-1")
    expect(rows(page, "Products")).to_contain_text("49,99\xa0zł")
    page.get_by_label("Search").fill("herbata")
    expect(page.get_by_text("No products found")).to_be_visible()

    page.set_viewport_size({"width": 375, "height": 800})
    page.get_by_label("Search").fill("")
    expect(page.locator(".list-card")).to_have_count(1)  # a phone shows cards (issue 13)
    expect(page.locator(".list-card")).to_contain_text("49,99")
    screenshot(page, "products-375")
    assert no_horizontal_scroll(page)
