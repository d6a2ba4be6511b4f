"""KSeF in a real Chromium: the Company tab's KSeF section keeps the token write-only; the
invoice page sends an invoice to KSeF and the list shows and filters its KSeF status."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from invoicehub.models import KsefConnection
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_integrations_journey import choose
from tests.browser.test_invoices_pages import PASSWORD, company_of, rows
from tests.domain.factories import issue_invoice
from tests.factories import make_user

expect.set_options(timeout=15_000)
TOKEN = "20261202-EC-0123456789-ABCDEF0123-45|nip-1234563218|0123456789abcdef"


def test_seller_sets_a_ksef_token_and_sends_an_invoice_to_ksef(page: Page, session: Session):
    user = make_user(session, language="en", password=PASSWORD)
    company = company_of(session, user)
    invoice = issue_invoice(session, company)
    other = issue_invoice(session, company)
    sign_in(page, user.email, PASSWORD)

    page.goto("/settings?tab=company")
    section = page.locator("#ksef-settings")
    expect(section.locator("#ksef-token-set")).to_have_text("no token")
    page.locator("#ksef-token").fill(TOKEN)
    page.get_by_label("Send invoices to KSeF automatically after a sync").click()
    page.locator("#ksef-save").click()
    expect(section.get_by_text("KSeF settings saved.")).to_be_visible()
    expect(section.locator("#ksef-token-set")).to_have_text("token set")
    expect(page.locator("#ksef-token")).to_have_value("")
    assert TOKEN not in page.content()
    session.expire_all()
    stored = session.exec(select(KsefConnection)).one()
    assert stored.auto_send and stored.token_encrypted and TOKEN not in stored.token_encrypted

    page.goto(f"/invoices/{invoice.id}")
    ksef = page.locator("#ksef-section")
    expect(ksef.locator("#ksef-status")).to_have_text("Not sent")
    ksef.get_by_role("button", name="Send to KSeF").click()
    expect(ksef.locator("#ksef-status")).to_have_text("Queued")
    screenshot(page, "ksef-invoice-queued")

    page.goto("/invoices")
    expect(rows(page, "Invoices")).to_have_count(2)
    choose(page, "invoice-ksef", "Queued")
    expect(rows(page, "Invoices")).to_have_count(1)
    expect(rows(page, "Invoices")).to_contain_text(invoice.number)
    choose(page, "invoice-ksef", "Not sent")
    expect(rows(page, "Invoices")).to_contain_text(other.number)
