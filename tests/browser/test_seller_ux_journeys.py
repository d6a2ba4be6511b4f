"""Issue 13 in a real Chromium: plain-language errors, review rows with Retry, an honest
reconnect, the phone layout, the invoice page kept in the URL and the 404 page."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from invoicehub.auth.accounts import default_company, principal_of
from invoicehub.domain.customers import CustomerDraft, upsert_customer
from invoicehub.domain.plain_errors import PLAIN_ERRORS, FailureKind
from invoicehub.integrations.allegro.connection import oauth
from invoicehub.integrations.allegro.runs.requests import queue_run
from invoicehub.integrations.allegro.sync.pipeline import sync_integration
from invoicehub.models import AllegroIntegration, User
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_integrations_journey import new_seller, open_integrations
from tests.domain.factories import buyer, issue_invoice
from tests.factories import make_user
from tests.support.allegro import approve
from tests.sync.helpers import drain, ledger_states

PASSWORD = "correct-horse-battery"
expect.set_options(timeout=15_000)
RAW_MARKS = ("AuthError", "invalid_token", "401", "GET /", "Error:", "Traceback")
PHONE = {"width": 375, "height": 800}


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def connect_as(session: Session, emulator_url: str, user: User, login: str) -> AllegroIntegration:
    """Connect `login` for `user` through the real OAuth flow (code exchange, /me)."""
    principal = principal_of(user)
    with httpx.Client(base_url=emulator_url, timeout=30) as control:
        params = approve(control, oauth.start_authorization(principal), login)
    return oauth.complete_authorization(session, params["code"], params["state"], principal)


def strip_street(session: Session, user: User) -> None:
    company = default_company(session, user.tenant_id)
    assert company is not None
    company.street = ""
    session.add(company)
    session.commit()


@pytest.mark.parametrize("width", [1280, 375])
def test_revoked_token_is_explained_in_plain_words_never_as_a_raw_error(
    page: Page, session: Session, emulator_url: str, width: int
):
    user = make_user(session, password=PASSWORD, language="en")
    login = new_seller(emulator_url, orders=2)
    integration = connect_as(session, emulator_url, user, login)
    with httpx.Client(base_url=emulator_url, timeout=30) as control:
        control.post(f"/__emulator/sellers/{login}/revoke").raise_for_status()
    queue_run(session, integration, "manual")
    session.commit()
    drain(promote_scheduled=False)

    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, user.email, PASSWORD)
    open_integrations(page)
    plain = PLAIN_ERRORS[FailureKind.AUTH_REVOKED]
    # The recent run (a table row, or a card on a phone) and the seller's words for it.
    expect(page.get_by_text(plain.what).filter(visible=True).first).to_be_visible()
    expect(page.locator("#integration-errors")).to_have_text("1")  # the failure counted
    page.locator("#notifications-bell").click()
    expect(page.get_by_role("dialog").get_by_text(plain.what)).to_be_visible()
    text = page.locator("body").inner_text()
    assert not [mark for mark in RAW_MARKS if mark in text], text
    screenshot(page, f"revoked-token-plain-{width}")
    assert no_horizontal_scroll(page)


def test_review_row_shows_the_order_and_retry_reimports_it(
    page: Page, session: Session, emulator_url: str
):
    user = make_user(session, password=PASSWORD, language="en")
    login = new_seller(emulator_url, orders=8)
    integration = connect_as(session, emulator_url, user, login)
    strip_street(session, user)
    sync_integration(integration.id)
    held = sorted(k for k, v in ledger_states(integration.id).items() if v == "needs_review")
    assert len(held) >= 2
    company = default_company(session, user.tenant_id)
    company.street = "ul. Długa 5"  # type: ignore[union-attr]
    session.add(company)
    session.commit()

    sign_in(page, user.email, PASSWORD)
    open_integrations(page)
    cards = page.locator(".review-row")
    expect(cards).to_have_count(len(held))
    first = cards.first
    expect(first).to_contain_text(re.compile(r"\d,\d\d"))  # the amount
    expect(first).to_contain_text("company data incomplete")
    link = first.get_by_role("link", name="Open on Allegro")
    order_id = first.locator(".review-order").inner_text().strip()
    assert (link.get_attribute("href") or "").endswith("/" + order_id)
    screenshot(page, "review-rows-1280")

    first.get_by_role("button", name=re.compile("^Retry")).click()
    expect(page.get_by_text(f"Order {order_id} will be fetched")).to_be_visible()
    drain()  # the worker: fetches that one order again and invoices it
    expect(cards).to_have_count(len(held) - 1, timeout=30_000)
    states = ledger_states(integration.id)
    assert states[order_id] == "invoiced"
    assert sum(1 for form_id in held if states[form_id] == "needs_review") == len(held) - 1


def test_reconnecting_as_another_allegro_login_is_refused(
    page: Page, session: Session, emulator_url: str
):
    user = make_user(session, password=PASSWORD, language="en")
    own, other = new_seller(emulator_url, orders=1), new_seller(emulator_url, orders=1)
    integration = connect_as(session, emulator_url, user, own)
    integration.status = "needs_reauth"
    session.add(integration)
    session.commit()

    sign_in(page, user.email, PASSWORD)
    open_integrations(page)
    expect(page.locator("#settings-account")).to_contain_text(own)
    page.get_by_role("button", name="Reconnect").click()
    page.wait_for_url(f"{emulator_url}/auth/oauth/**")
    page.locator("select[name=login]").select_option(other)
    page.locator("#allow").click()
    page.wait_for_url("**/settings**")
    expect(page.get_by_text(f"You signed in to Allegro as {other}")).to_be_visible()
    expect(page.get_by_text("connected.")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/settings\?tab=integrations$"))  # no ?error= left
    screenshot(page, "reconnect-other-login-refused-1280")
    session.expire_all()
    rows = session.exec(select(AllegroIntegration)).all()
    assert [(r.allegro_login, r.status) for r in rows] == [(own, "needs_reauth")]


def test_phone_layout_has_a_menu_cards_and_no_sideways_scroll(page: Page, session: Session):
    user = make_user(session, password=PASSWORD, language="en")
    user.name = "Bartłomiej Konstanty Wierzbicki-Szczepańczyk z Długiej Nazwy Firmy"
    session.add(user)
    session.commit()
    company = default_company(session, user.tenant_id)
    assert company is not None
    long_buyer = "Przedsiębiorstwo Handlowo-Usługowe " * 4
    invoice = issue_invoice(session, company, buyer=buyer(name=long_buyer.strip(), nip=None))
    upsert_customer(
        session,
        user.tenant_id,
        CustomerDraft(name=long_buyer.strip(), email="bardzo.dlugi.adres." * 4 + "@example.pl"),
    )
    session.commit()

    page.set_viewport_size(PHONE)
    sign_in(page, user.email, PASSWORD)
    expect(page.get_by_role("tab", name="Profile")).to_be_visible()
    nav_link = page.get_by_role("link", name="Invoices", exact=True)
    expect(nav_link).to_be_hidden()  # folded into the menu button
    assert no_horizontal_scroll(page)
    page.get_by_role("button", name="Menu", exact=True).click()
    page.get_by_role("menuitem", name="Invoices").click()
    page.wait_for_url("**/invoices**")
    card = page.locator(".invoice-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(invoice.number)
    expect(card).to_contain_text("Issued")
    expect(card.get_by_role("link", name="Open", exact=True)).to_be_visible()
    screenshot(page, "invoices-cards-375")
    assert no_horizontal_scroll(page)
    page.goto("/customers")
    expect(page.locator(".list-card").first).to_contain_text(long_buyer[:20])  # a card, not a row
    for path in ("/customers", "/products", "/settings?tab=company", "/settings?tab=integrations"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1).last).to_be_visible()
        page.wait_for_timeout(300)  # let the loaded content lay out
        assert no_horizontal_scroll(page), path


def test_invoice_list_keeps_its_page_when_going_back(page: Page, session: Session):
    user = make_user(session, password=PASSWORD, language="en")
    company = default_company(session, user.tenant_id)
    assert company is not None
    for n in range(23):
        issue_invoice(session, company, buyer=buyer(name=f"Klient {n:02d}", nip=None))
    session.commit()
    sign_in(page, user.email, PASSWORD)
    page.goto("/invoices")
    page.get_by_role("button", name="Next page").click()
    expect(page.get_by_text("Total: 23 · page 2 of 2")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/invoices\?page=2$"))
    page.get_by_role("region", name="Invoices").get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/invoices/[0-9a-f-]{36}$"))
    page.go_back()
    expect(page.get_by_text("Total: 23 · page 2 of 2")).to_be_visible()


NOT_FOUND = {
    "pl": ("Nie znaleziono strony", "Ta strona nie istnieje", "Faktury"),
    "en": ("Page not found", "This page does not exist", "Invoices"),
}


@pytest.mark.parametrize("language", ["pl", "en", None])
def test_unknown_address_shows_a_404_page_with_the_navigation(
    browser: Browser, web_url: str, session: Session, language: str | None
):
    """The app's own 404 page, never Reflex's English "404: Page not found": in the signed-in
    user's language, Polish for a visitor (language None), with the navigation."""
    # The Polish seller on a phone (the menu), the English one at 1280 px (the links).
    viewport = PHONE if language == "pl" else {"width": 1280, "height": 900}
    context = browser.new_context(base_url=web_url, viewport=viewport)
    page = context.new_page()
    try:
        if language is not None:
            user = make_user(session, password=PASSWORD, language=language)
            sign_in(page, user.email, PASSWORD)
        heading, text, invoices = NOT_FOUND[language or "pl"]
        page.goto(f"/no-such-page-{uuid.uuid4().hex[:6]}")
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        expect(page.get_by_role("main")).to_contain_text(text)
        expect(page.locator("html")).to_have_attribute("lang", language or "pl")
        expect(page).to_have_title(re.compile(f"^{heading} · "))
        expect(page.get_by_text("404", exact=False)).to_have_count(0)
        screenshot(page, f"not-found-{language or 'visitor'}")
        if language is None:
            return
        assert no_horizontal_scroll(page)
        if language == "pl":
            page.locator("#phone-menu").click()
            page.get_by_role("menuitem", name=invoices).click()
        else:
            page.get_by_role("navigation").get_by_role("link", name=invoices).click()
        page.wait_for_url("**/invoices")
    finally:
        context.close()
