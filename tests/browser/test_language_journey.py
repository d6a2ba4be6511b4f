"""The interface in Polish by default and in English on request, in a real Chromium.

A Polish seller signs in, lands on the settings, opens the invoices: every text is Polish,
`<html lang="pl">`, dates read dd.mm.rrrr and amounts `1 234,56 zł`; choosing English on the
Profile tab switches the interface (and `<html lang>`) and survives a reload.
"""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Page, expect
from sqlmodel import Session

from invoicehub.auth.accounts import default_company
from invoicehub.models import Role
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_integrations_journey import choose
from tests.domain.factories import buyer, issue_invoice, line
from tests.factories import make_integration, make_user

PASSWORD = "correct-horse-battery"
expect.set_options(timeout=15_000)
# English words a Polish page must not show (the brand "Invoice-HUB" is not one of them).
ENGLISH_WORDS = (
    "Invoices",
    "Customers",
    "Products",
    "Settings",
    "Profile",
    "Company",
    "Integrations",
    "Search",
    "Source",
    "Issued",
    "Clear",
    "Save",
    "Loading",
    "Total",
    "Number",
    "Buyer",
    "Gross",
    "Paid",
    "Password",
    "Language",
    "Sign",
    "never",
    "page",
)
ENGLISH = re.compile(r"\b(" + "|".join(ENGLISH_WORDS) + r")\b")


def english_leftovers(page: Page) -> list[str]:
    text = page.locator("body").inner_text()
    return sorted(set(ENGLISH.findall(text.replace("Invoice-HUB", ""))))


def one_h1_and_landmarks(page: Page) -> None:
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("header")).to_have_count(1)
    expect(page.locator("header nav")).to_have_count(1)
    expect(page.locator("main")).to_have_count(1)


def test_a_polish_seller_reads_polish_dates_and_amounts_and_switches_to_english(
    page: Page, session: Session
):
    user = make_user(session, password=PASSWORD)  # Polish: the default
    company = default_company(session, user.tenant_id)
    assert company is not None
    invoice = issue_invoice(
        session,
        company,
        buyer=buyer(name="Hurtownia Zielona"),
        lines=[line("Regał dębowy", "1", "1234.56", "23")],
        issue_date=date(2026, 3, 5),
        sale_date=date(2026, 3, 5),
    )

    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("heading", name="Zaloguj się do Invoice-HUB")).to_be_visible()
    sign_in(page, user.email, PASSWORD)

    # The landing page: settings, Profile tab.
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ustawienia")
    expect(page.get_by_role("tab", name="Profil")).to_be_visible()
    expect(page.get_by_role("tab", name="Firma")).to_be_visible()
    expect(page.get_by_role("tab", name="Integracje")).to_be_visible()
    expect(page).to_have_title("Ustawienia · Invoice-HUB")
    expect(page.locator("#profile-language")).to_have_text("Polski")
    checklist = page.locator("#setup-checklist")
    expect(checklist).to_contain_text("Pierwsze kroki")
    expect(checklist).to_contain_text("Połącz konto Allegro")
    one_h1_and_landmarks(page)
    assert english_leftovers(page) == []

    page.get_by_role("tab", name="Firma").click()
    page.locator("#company-nip").fill("5252674797")
    page.get_by_role("button", name="Zapisz dane firmy").click()
    error = page.locator("#company-nip-error")
    expect(error).to_have_text("Ten NIP jest nieprawidłowy: cyfra kontrolna się nie zgadza.")
    expect(page.locator("#company-nip")).to_have_attribute("aria-invalid", "true")
    assert english_leftovers(page) == []
    screenshot(page, "company-pl-1280")

    page.get_by_role("link", name="Faktury").click()
    page.wait_for_url("**/invoices")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Faktury")
    expect(page).to_have_title("Faktury · Invoice-HUB")
    row = page.get_by_role("region", name="Faktury").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("05.03.2026")
    expect(row).to_contain_text(re.compile(r"1\s234,56\szł"))
    expect(row).to_contain_text("Wystawiona")
    expect(page.get_by_text("Razem: 1 · strona 1 z 1")).to_be_visible()
    one_h1_and_landmarks(page)
    assert english_leftovers(page) == []

    # Typed dates are Polish: dd.mm.rrrr; anything else is refused in Polish, the field marked.
    page.get_by_label("Wystawione od").fill("31.02.2026")
    expect(page.get_by_text("Wpisz daty w formacie dd.mm.rrrr, np. 05.03.2026.")).to_be_visible()
    expect(page.locator("#invoice-from")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Wystawione od").fill("06.03.2026")
    expect(page.get_by_text("Nie znaleziono faktur")).to_be_visible()
    page.get_by_label("Wystawione od").fill("05.03.2026")
    expect(row).to_have_count(1)
    screenshot(page, "invoices-pl-1280")

    row.get_by_role("link", name=invoice.number).click()
    expect(page.locator("#invoice-gross")).to_have_text(re.compile(r"^1\s234,56\szł$"))
    expect(page.get_by_text("Podsumowanie według stawek VAT")).to_be_visible()
    one_h1_and_landmarks(page)
    assert english_leftovers(page) == []

    for path, heading in (
        ("/customers", "Klienci"),
        ("/products", "Produkty"),
        ("/settings?tab=integrations", "Ustawienia"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.locator("main")).not_to_contain_text("Wczytywanie")
        one_h1_and_landmarks(page)
        assert english_leftovers(page) == [], path
    expect(page.get_by_text("Brak połączonego konta Allegro")).to_be_visible()

    # English on request: the Profile tab saves it, the page switches at once and stays so.
    page.goto("/settings?tab=profile")
    choose(page, "profile-language", "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    expect(page.get_by_role("tab", name="Company")).to_be_visible()
    expect(page.get_by_text("Language saved.")).to_be_visible()
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("tab", name="Profile")).to_be_visible()
    # The guided setup (seller-ux texts) follows the language too.
    expect(checklist).to_contain_text("First steps")
    expect(checklist).to_contain_text("Connect an Allegro account")
    expect(checklist).to_contain_text("to do")
    expect(checklist).not_to_contain_text("Pierwsze kroki")
    page.get_by_role("link", name="Invoices").click()
    page.wait_for_url("**/invoices")
    expect(page.get_by_role("heading", level=1)).to_have_text("Invoices")
    expect(page).to_have_title("Invoices · Invoice-HUB")
    english_row = page.get_by_role("region", name="Invoices").locator("tbody tr")
    expect(english_row).to_contain_text("Issued")
    expect(english_row).to_contain_text(re.compile(r"1\s234,56\szł"))  # the Polish form stays
    screenshot(page, "invoices-en-1280")

    session.refresh(user)
    assert user.language == "en"


def test_the_admin_dashboard_reads_polish_and_keyboard_focus_is_visible(
    page: Page, session: Session
):
    admin = make_user(session, role=Role.ADMIN, password=PASSWORD)
    make_integration(session, make_user(session))
    sign_in(page, admin.email, PASSWORD)
    page.goto("/admin/allegro")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Integracje Allegro")
    rows = page.get_by_role("region", name="Integracje").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Aktywne")
    expect(page.locator("#queue-glance")).to_contain_text("Oczekujące:")
    one_h1_and_landmarks(page)
    assert english_leftovers(page) == []
    screenshot(page, "admin-pl-1280")

    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth]; })()"
    )
    assert outline[0] != "none" and outline[1] != "0px", outline


def test_polish_pages_fit_a_375px_screen(page: Page, session: Session):
    """Polish words run longer than English ones: the pages still never scroll sideways."""
    user = make_user(session, password=PASSWORD)
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, user.email, PASSWORD)
    for path, heading in (
        ("/settings?tab=company", "Ustawienia"),
        ("/settings?tab=integrations", "Ustawienia"),
        ("/invoices", "Faktury"),
        ("/customers", "Klienci"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.locator("main")).not_to_contain_text("Wczytywanie")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        screenshot(page, "pl-375" + path.replace("/", "-").replace("?", "-"))
        assert overflow <= 0, path
