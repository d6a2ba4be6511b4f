"""A seller edits a product's VAT rate in its dialog and sees it in the list; an invalid NIP on a
customer is shown on its field and nothing is stored."""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import Page, expect
from sqlmodel import Session

from invoicehub.components.catalog_dialogs import REFUSED
from invoicehub.domain.customers import CustomerDraft, upsert_customer
from invoicehub.domain.products import ProductDraft, upsert_product
from invoicehub.models import Customer, Product
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_integrations_journey import choose
from tests.factories import make_user

PASSWORD = "correct-horse-battery"
expect.set_options(timeout=15_000)


def test_seller_edits_a_product_rate_and_an_invalid_nip_is_refused(page: Page, session: Session):
    user = make_user(session, language="en", password=PASSWORD)
    draft = ProductDraft(
        name="Kubek", vat_rate="23", gross_price=Decimal("49.99"), source="allegro", external_id="1"
    )
    product, _ = upsert_product(session, user.tenant_id, draft)
    customer, _ = upsert_customer(
        session, user.tenant_id, CustomerDraft(name="Jan Kowalski", city="Kraków")
    )
    session.commit()
    sign_in(page, user.email, PASSWORD)

    page.goto("/products")
    products = page.get_by_role("region", name="Products").locator("tbody tr")
    expect(products).to_have_count(1)
    expect(products.first).to_contain_text("23%")
    page.get_by_role("button", name="Edit Kubek").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Gross price (PLN)")).to_have_value("49.99")
    choose(page, "product-vat_rate", "8%")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_text("Saved.")).to_be_visible()
    screenshot(page, "product-edit-dialog")
    dialog.get_by_role("button", name="Close").click()
    expect(products.first).to_contain_text("8%")
    session.expire_all()
    stored = session.get(Product, product.id)
    assert stored is not None and stored.vat_rate == "8" and stored.edited_at is not None

    page.goto("/customers")
    page.get_by_role("button", name="Edit Jan Kowalski").click()
    dialog.get_by_label("NIP").fill("1234567890")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_have_text(
        "This NIP is not valid: its check digit does not match."
    )
    expect(dialog.get_by_text(REFUSED)).to_be_visible()
    screenshot(page, "customer-edit-invalid-nip")
    dialog.get_by_role("button", name="Close").click()
    customers = page.get_by_role("region", name="Customers").locator("tbody tr")
    expect(customers.first).to_contain_text("Person")
    session.expire_all()
    unchanged = session.get(Customer, customer.id)
    assert unchanged is not None and unchanged.nip is None and unchanged.edited_at is None
