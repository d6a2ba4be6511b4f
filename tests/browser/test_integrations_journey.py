"""The seller's Integrations tab in a real Chromium: connect through the emulator's consent page,
change settings, sync with a real worker, open the invoices it made."""

from __future__ import annotations

import json
import os
import re
import signal
import statistics
import subprocess
import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, col, select

from invoicehub.models import AllegroIntegration, Invoice, InvoiceTemplate, SyncRun
from tests.browser.conftest import ARTIFACTS, screenshot, sign_in
from tests.factories import make_integration, make_user
from tests.support.webapp import ROOT

PASSWORD = "correct-horse-battery"
# The machine may be shared with other test runs: give the UI time before calling it broken.
expect.set_options(timeout=15_000)
SAVE_SAMPLES = 5
SAVE_TARGET_MS = 300
TIMINGS_FILE = ARTIFACTS / "ui_timings.txt"
FIXTURES = ROOT / "tests" / "fixtures" / "allegro"
XSS = "<img src=x onerror=alert(1)>"

# Resolves with the milliseconds from the click on #save-settings to "Settings saved." on screen.
SAVE_TIMER_JS = """() => {
  window.__saveMs = new Promise((resolve) => {
    let clickedAt = null;
    document.querySelector('#save-settings').addEventListener(
      'click', () => { clickedAt = performance.now(); }, {once: true, capture: true});
    const observer = new MutationObserver(() => {
      if (clickedAt !== null && document.body.innerText.includes('Settings saved.')) {
        observer.disconnect();
        resolve(performance.now() - clickedAt);
      }
    });
    observer.observe(document.body, {childList: true, subtree: true, characterData: true});
  });
}"""


def record_timing(name: str, line: str) -> None:
    """Print a UI timing and keep it (one line per name) in test-artifacts/ui_timings.txt."""
    print(f"\n[ui-timing] {name}: {line}")
    TIMINGS_FILE.parent.mkdir(parents=True, exist_ok=True)
    lines = TIMINGS_FILE.read_text().splitlines() if TIMINGS_FILE.exists() else []
    lines = [row for row in lines if not row.startswith(f"{name}:")] + [f"{name}: {line}"]
    TIMINGS_FILE.write_text("\n".join(sorted(lines)) + "\n")


@pytest.fixture
def worker(emulator_url: str) -> Iterator[subprocess.Popen[bytes]]:
    """A real RQ worker process (and its scheduler child) on the test database and Redis."""
    log = (ARTIFACTS / "worker.log").open("ab")
    env = {**os.environ, "INVOICEHUB_EMULATOR_URL": emulator_url, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/python"), "-m", "worker.main", "worker"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the scheduler child goes with it
    )
    yield proc
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
            break
        except (ProcessLookupError, subprocess.TimeoutExpired):
            continue
    log.close()


def new_seller(emulator_url: str, orders: int) -> str:
    login = f"sklep_{uuid.uuid4().hex[:8]}"
    with httpx.Client(base_url=emulator_url, timeout=30) as control:
        control.post("/__emulator/sellers", json={"login": login}).raise_for_status()
        control.post(
            f"/__emulator/sellers/{login}/orders/generate", json={"count": orders, "seed": 11}
        ).raise_for_status()
    return login


def post_order_with_markup(emulator_url: str, login: str) -> None:
    """A paid order whose buyer and offer names are HTML: the UI must show them as text."""
    form = json.loads((FIXTURES / "checkout_form__natural_person.json").read_text())
    form["id"] = str(uuid.uuid4())
    form.pop("updatedAt"), form.pop("revision")
    first, last = XSS.split(" ", 1)
    form["buyer"].update(firstName=first, lastName=last)
    form["invoice"]["address"]["naturalPerson"] = {"firstName": first, "lastName": last}
    form["lineItems"][0]["offer"]["name"] = "<b>Kabel</b> HDMI"
    with httpx.Client(base_url=emulator_url, timeout=30) as control:
        control.post(
            f"/__emulator/sellers/{login}/orders", json={"checkoutForms": [form]}
        ).raise_for_status()


def open_integrations(page: Page) -> None:
    """Open the Integrations tab as a user does, once the page's on_load chain has run.

    SettingsState.load sets the tab from the URL; a tab clicked before it ran is switched back,
    so the click waits until the Profile form shows the loaded name.
    """
    if "tab=integrations" not in page.url:
        expect(page.locator("#name")).not_to_have_value("")
        page.get_by_role("tab", name="Integrations").click()
    loaded = page.locator("#integration-select").or_(
        page.get_by_text("No Allegro account connected")
    )
    expect(loaded).to_be_visible()


def choose(page: Page, control_id: str, option: str) -> None:
    page.locator(f"#{control_id}").click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(page.locator(f"#{control_id}")).to_have_text(option)


def measure_saves(page: Page) -> list[float]:
    """Toggle one switch and save, SAVE_SAMPLES times; ms from click to the success message."""
    switch = page.get_by_label("Invoice the shipping cost")
    samples = []
    for _ in range(SAVE_SAMPLES):
        switch.click()
        expect(page.get_by_text("Settings saved.")).to_have_count(0)
        page.evaluate(SAVE_TIMER_JS)
        page.locator("#save-settings").click()
        samples.append(float(page.evaluate("window.__saveMs")))
    return samples


def test_seller_connects_changes_settings_syncs_and_opens_invoices(
    page: Page, session: Session, emulator_url: str, worker: subprocess.Popen[bytes]
):
    user = make_user(session, language="en", password=PASSWORD)
    login = new_seller(emulator_url, orders=6)
    post_order_with_markup(emulator_url, login)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, user.email, PASSWORD)
    open_integrations(page)
    expect(page.get_by_text("No Allegro account connected")).to_be_visible()
    screenshot(page, "integrations-empty-1280")

    # Connect: a real navigation to the emulator's consent page and back through the callback.
    page.get_by_role("button", name="Connect Allegro account").click()
    page.wait_for_url(f"{emulator_url}/auth/oauth/**")
    page.locator("select[name=login]").select_option(login)
    page.locator("#allow").click()
    page.wait_for_url(re.compile(r".*/settings/?\?tab=integrations.*"))
    expect(page.get_by_text(f"Allegro account {login} connected.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/settings\?tab=integrations$"))  # shown once
    expect(page.locator("#integration-login")).to_have_text(login)
    expect(page.get_by_text("Active", exact=True)).to_be_visible()
    integration = session.exec(select(AllegroIntegration)).one()
    assert integration.allegro_login == login and integration.tenant_id == user.tenant_id

    # Settings: change, save, reload and see them again.
    page.get_by_label("Mark invoices as paid").click()
    choose(page, "allegro-syncFrequencyMinutes", "Every 15 minutes")
    choose(page, "allegro-defaultVatRate", "8%")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    samples = measure_saves(page)  # an even number of toggles would end where it began
    median = statistics.median(samples)
    record_timing(
        "save_settings_click_to_success_ms",
        f"median {median:.0f} ms of {[round(s) for s in samples]} (target < {SAVE_TARGET_MS} ms)",
    )
    session.expire_all()
    stored = session.get(AllegroIntegration, integration.id).settings  # type: ignore[union-attr]
    assert stored is not None
    assert stored["autoMarkAsPaid"] is True and stored["syncFrequencyMinutes"] == 15
    assert stored["defaultVatRate"] == 8 and stored["includeShipping"] is False  # 1 + 5 toggles

    page.reload()
    open_integrations(page)
    expect(page.get_by_label("Mark invoices as paid")).to_be_checked()
    expect(page.get_by_label("Invoice the shipping cost")).not_to_be_checked()
    expect(page.locator("#allegro-syncFrequencyMinutes")).to_have_text("Every 15 minutes")
    expect(page.locator("#allegro-defaultVatRate")).to_have_text("8%")

    # Manual sync: queued, then running, then done with its counts, polled live.
    page.get_by_label("Invoice the shipping cost").click()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    page.get_by_role("button", name="Manual sync").click()
    progress = page.locator("#sync-progress")
    expect(progress).to_contain_text(re.compile("Queued|Running|Done"))
    expect(progress).to_contain_text("Done.", timeout=90_000)
    run = session.exec(select(SyncRun)).one()
    invoices = session.exec(select(Invoice).where(Invoice.tenant_id == user.tenant_id)).all()
    assert run.status == "succeeded" and run.invoices_created == len(invoices) > 0
    expect(progress).to_contain_text(f"Orders fetched: {run.orders_fetched}")
    expect(progress).to_contain_text(f"invoices created: {run.invoices_created}")
    expect(page.locator("#integration-last-sync")).not_to_have_text("never")
    screenshot(page, "integrations-synced-1280")

    # The invoices the sync made.
    page.get_by_role("link", name="Invoices", exact=True).click()
    page.wait_for_url("**/invoices**")
    expect(page.get_by_role("region", name="Invoices").locator("tbody tr")).to_have_count(
        len(invoices)
    )
    table = page.get_by_role("region", name="Invoices")
    expect(table.get_by_text(XSS, exact=True)).to_be_visible()  # Allegro data shown as text
    assert page.locator("main img").count() == 0 and dialogs == []
    newest = max(invoices, key=lambda i: (i.issue_date, i.created_at))
    page.get_by_role("link", name=newest.number, exact=True).click()
    expect(page.locator("#invoice-number")).to_have_text(newest.number)
    expect(page.get_by_text("Allegro order", exact=True)).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PDF").click()
    pdf_path = download_info.value.path()
    assert pdf_path is not None and pdf_path.read_bytes()[:5] == b"%PDF-"
    screenshot(page, "invoice-detail-1280")

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/settings?tab=integrations")
    expect(page.locator("#integration-login")).to_have_text(login)
    screenshot(page, "integrations-375")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_refused_setting_is_shown_beside_the_field_and_the_stored_value_kept(
    page: Page, session: Session
):
    user = make_user(session, language="en", password=PASSWORD)
    integration = make_integration(session, user, settings={"syncFrequencyMinutes": 30})
    own = InvoiceTemplate(tenant_id=user.tenant_id, code="standard", name="Mój szablon")
    session.add(own)
    session.commit()
    sign_in(page, user.email, PASSWORD)
    open_integrations(page)
    expect(page.locator("#allegro-syncFrequencyMinutes")).to_have_text("Every 30 minutes")
    choose(page, "allegro-invoiceTemplateId", "Mój szablon")
    page.get_by_label("Mark invoices as paid").click()

    # The template is deleted while the form is open: the server refuses and stores nothing.
    session.delete(own)
    session.commit()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Choose one of your invoice templates.")).to_be_visible()
    expect(page.get_by_text("Settings not saved: check the marked fields.")).to_be_visible()
    expect(page.locator("#allegro-invoiceTemplateId")).to_have_text("Standard")
    expect(page.get_by_label("Mark invoices as paid")).not_to_be_checked()
    session.expire_all()
    assert session.get(AllegroIntegration, integration.id).settings == {  # type: ignore[union-attr]
        "syncFrequencyMinutes": 30
    }
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "integrations-refused-375")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_oauth_error_from_the_callback_is_shown_as_text(page: Page, session: Session):
    user = make_user(session, language="en", password=PASSWORD)
    sign_in(page, user.email, PASSWORD)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto("/settings?tab=integrations&error=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    expect(page.get_by_text("<img src=x onerror=alert(1)>")).to_be_visible()
    assert page.locator("main img").count() == 0 and dialogs == []


def test_needs_reauth_integration_offers_reconnect_and_disconnect_asks_first(
    page: Page, session: Session
):
    user = make_user(session, language="en", password=PASSWORD)
    integration = make_integration(session, user)
    integration.status, integration.sync_error_count = "needs_reauth", 0
    session.add(integration)
    session.commit()
    sign_in(page, user.email, PASSWORD)
    open_integrations(page)
    expect(page.get_by_text("Needs re-auth", exact=True)).to_be_visible()
    expect(page.get_by_text("Allegro no longer accepts the saved authorization.")).to_be_visible()
    expect(page.get_by_role("button", name="Reconnect")).to_be_visible()
    expect(page.get_by_role("button", name="Manual sync")).to_be_disabled()

    page.locator("#disconnect").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Disconnect this Allegro account?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)  # until it is gone, "Disconnect" also names its button
    session.expire_all()
    assert session.get(AllegroIntegration, integration.id).status == "needs_reauth"  # type: ignore[union-attr]

    page.locator("#disconnect").focus()  # by keyboard this time: Enter opens the dialog
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Disconnect").click()
    expect(page.get_by_text("Disconnected", exact=True)).to_be_visible()
    session.expire_all()
    stored = session.get(AllegroIntegration, integration.id)
    assert stored is not None and stored.status == "disconnected" and stored.access_token is None
    assert (
        session.exec(select(SyncRun).where(col(SyncRun.integration_id) == integration.id)).all()
        == []
    )
