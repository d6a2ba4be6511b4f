"""Sign-in, the guard, and the Company tab in a real Chromium."""

from __future__ import annotations

from playwright.sync_api import Page, WebSocketRoute, expect
from sqlmodel import Session, select

from invoicehub.models import Company
from tests.browser.conftest import screenshot, sign_in
from tests.factories import make_user

PASSWORD = "correct-horse-battery"


def test_anonymous_visitor_is_sent_to_login(page: Page):
    page.goto("/settings")
    page.wait_for_url("**/login**")
    expect(page.get_by_role("button", name="Zaloguj się")).to_be_visible()


def test_wrong_password_shows_one_generic_message(page: Page, session: Session):
    user = make_user(session, language="en")
    page.goto("/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Hasło").fill("wrong-password")
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page.get_by_text("Nieprawidłowy e-mail lub hasło.")).to_be_visible()


class HeldEventSocket:
    """Relays the page's Reflex event socket, holding the backend's answers until released."""

    def __init__(self) -> None:
        self.route: WebSocketRoute | None = None
        self.held: list[str | bytes] = []
        self.holding = True

    def attach(self, ws: WebSocketRoute) -> None:
        self.route = ws
        ws.connect_to_server().on_message(self.from_server)

    def from_server(self, message: str | bytes) -> None:
        if self.holding or self.held:
            self.held.append(message)
        elif self.route is not None:
            self.route.send(message)

    def wait_for_answers(self, page: Page, timeout_s: float = 15) -> None:
        """Until the backend has answered (its answers held), however slow the machine."""
        for _ in range(int(timeout_s * 10)):
            if self.held:
                page.wait_for_timeout(500)  # and a moment for the rest of them
                return
            page.wait_for_timeout(100)
        raise AssertionError("the page never opened its event socket")

    def release(self) -> None:
        assert self.route is not None and self.held, "the page never opened its event socket"
        self.holding = False
        while self.held:
            self.route.send(self.held.pop(0))


def test_sign_in_waits_until_the_page_has_loaded(page: Page, session: Session):
    """A sign-in sent before the page's on_load ran would have its error cleared by it."""
    user = make_user(session, language="en")
    socket = HeldEventSocket()
    page.route_web_socket("**/_event/**", socket.attach)
    page.goto("/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Hasło").fill("wrong-password")
    socket.wait_for_answers(page)
    sign_in = page.get_by_role("button", name="Zaloguj się")
    expect(sign_in).to_be_disabled()

    socket.release()
    expect(sign_in).to_be_enabled()
    sign_in.click()
    expect(page.get_by_text("Nieprawidłowy e-mail lub hasło.")).to_be_visible()


def test_user_edits_company_and_an_invalid_nip_is_refused(page: Page, session: Session):
    user = make_user(session, language="en", password=PASSWORD)
    stored_nip = session.exec(select(Company).where(Company.tenant_id == user.tenant_id)).one().nip
    sign_in(page, user.email, PASSWORD)
    page.get_by_role("tab", name="Company").click()
    page.locator("#company-city").fill("Kraków")
    page.locator("#company-postal_code").fill("30-001")
    page.locator("#company-vat_exemption_basis").fill("art. 113 ust. 1 ustawy o VAT")
    page.get_by_role("button", name="Save company").click()
    expect(page.get_by_text("Company saved.")).to_be_visible()

    page.locator("#company-nip").fill("5252674797")
    page.get_by_role("button", name="Save company").click()
    expect(page.locator("#company-nip-error")).to_have_text(
        "This NIP is not valid: its check digit does not match."
    )
    expect(page.locator("#company-nip")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#company-nip")).to_have_attribute("aria-describedby", "company-nip-error")
    screenshot(page, "company-invalid-nip-1280")

    session.expire_all()
    company = session.exec(select(Company).where(Company.tenant_id == user.tenant_id)).one()
    assert company.nip == stored_nip and company.city == "Kraków"
    assert company.vat_exemption_basis == "art. 113 ust. 1 ustawy o VAT"

    page.reload()
    page.get_by_role("tab", name="Company").click()
    expect(page.locator("#company-city")).to_have_value("Kraków")
    expect(page.locator("#company-nip")).to_have_value(stored_nip)


def test_signed_in_user_can_sign_out(page: Page, session: Session):
    user = make_user(session, language="en", password=PASSWORD)
    sign_in(page, user.email, PASSWORD)
    page.get_by_role("button", name="User menu").click()
    page.get_by_role("menuitem", name="Sign out").click()
    page.wait_for_url("**/login**")
    page.goto("/settings")
    page.wait_for_url("**/login**")


def test_settings_page_fits_a_375px_screen(page: Page, session: Session):
    user = make_user(session, language="en", password=PASSWORD)
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, user.email, PASSWORD)
    page.get_by_role("tab", name="Company").click()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    screenshot(page, "settings-company-375")
    assert overflow <= 0


def test_an_incomplete_company_shows_invoicing_blocked_until_its_address_is_saved(
    page: Page, session: Session
):
    user = make_user(session, language="en", complete_company=False)
    sign_in(page, user.email, PASSWORD)
    page.goto("/settings?tab=integrations")
    expect(page.locator("#company-incomplete-warning")).to_contain_text("street")
    page.locator("#complete-company").click()
    banner = page.locator("#invoicing-blocked")
    expect(banner).to_contain_text("street, postal code, city")
    screenshot(page, "company-incomplete-1280")

    page.locator("#company-street").fill("ul. Długa 5")
    page.locator("#company-postal_code").fill("80-831")
    page.locator("#company-city").fill("Gdańsk")
    page.locator("#save-company").click()
    expect(banner).to_have_count(0)
    company = session.exec(select(Company).where(Company.tenant_id == user.tenant_id)).one()
    session.refresh(company)
    assert (company.street, company.postal_code, company.city) == (
        "ul. Długa 5",
        "80-831",
        "Gdańsk",
    )
