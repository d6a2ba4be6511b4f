"""The admin's Allegro dashboard in a real Chromium: numbers equal to the database, the settings
dialog, syncs, enable/disable, notifications, the queues; sellers cannot get in."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import text
from sqlmodel import Session, select

from invoicehub.activity import notify
from invoicehub.components.display import when
from invoicehub.models import AllegroIntegration, Audience, Notification, Role, SyncRun
from invoicehub.models.base import utcnow
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_integrations_journey import choose, record_timing
from tests.factories import make_integration, make_user
from tests.support.services import analyze

PASSWORD = "correct-horse-battery"
# The machine may be shared with other test runs: give the UI time before calling it broken.
expect.set_options(timeout=15_000)
BULK = 10_000
FIRST_RENDER_TARGET_S = 1.5
SUMMARY_SQL = """
SELECT count(*),
       count(*) FILTER (WHERE status = 'active'),
       count(*) FILTER (WHERE sync_error_count > 0 OR status IN ('needs_reauth', 'disabled')),
       max(last_sync_at)
FROM allegro_integrations
"""
BULK_SQL = """
INSERT INTO allegro_integrations
  (id, tenant_id, user_id, allegro_user_id, allegro_login, status,
   last_sync_at, sync_error_count, last_sync_error, next_sync_at)
SELECT gen_random_uuid(), u.tenant_id, u.id, 'bulk-' || g, 'bulk_seller_' || lpad(g::text, 5, '0'),
       CASE WHEN g % 50 = 0 THEN 'needs_reauth' WHEN g % 97 = 0 THEN 'disabled' ELSE 'active' END,
       CASE WHEN g % 10 = 0 THEN NULL ELSE now() - make_interval(mins => g) END,
       CASE WHEN g % 33 = 0 THEN 1 + g % 4 ELSE 0 END,
       CASE WHEN g % 33 = 0 THEN 'Allegro answered 503 Service Unavailable' END,
       NULL  -- not due: no worker of another test may start syncing them mid-measurement
FROM generate_series(1, :n) AS g
JOIN (SELECT id, tenant_id, row_number() OVER (ORDER BY email) - 1 AS k FROM users
      WHERE role = 'user') AS u ON u.k = g % :users
"""


def expect_summary_equals_database(page: Page, session: Session) -> None:
    total, active, errors, last_sync = session.execute(text(SUMMARY_SQL)).one()
    expect(page.locator("#summary-total")).to_have_text(str(total))
    expect(page.locator("#summary-active")).to_have_text(str(active))
    expect(page.locator("#summary-errors")).to_have_text(str(errors))
    expect(page.locator("#summary-last-sync")).to_have_text(when(last_sync))


def timed(page: Page, action: Callable[[], None], condition: str) -> float:
    """Milliseconds from `action` until the JS `condition` holds (checked every frame)."""
    started = time.perf_counter()
    action()
    page.wait_for_function(f"() => {condition}")
    return (time.perf_counter() - started) * 1000


def integrations_rows(page: Page):
    return page.get_by_role("region", name="Integrations").locator("tbody tr")


def test_admin_dashboard_matches_the_database_and_its_actions_apply(page: Page, session: Session):
    admin = make_user(session, language="en", role=Role.ADMIN, password=PASSWORD)
    seller = make_user(session, language="en")
    healthy = make_integration(session, seller)
    failing = make_integration(session, seller)
    paused = make_integration(session, make_user(session, language="en"))
    healthy.last_sync_at = utcnow() - timedelta(minutes=5)
    failing.sync_error_count, failing.last_sync_error = 2, "Allegro answered 503 twice"
    paused.status = "disabled"
    session.add_all([healthy, failing, paused])
    notify(session, kind="sync.failed", title="Sync of a seller failed", audience=Audience.ADMIN)
    session.commit()

    sign_in(page, admin.email, PASSWORD)
    page.get_by_role("link", name="Allegro admin").click()
    page.wait_for_url("**/admin/allegro**")
    expect_summary_equals_database(page, session)
    expect(integrations_rows(page)).to_have_count(3)

    # Search, filter.
    page.get_by_label("Search").fill(str(failing.allegro_login))
    expect(integrations_rows(page)).to_have_count(1)
    expect(integrations_rows(page)).to_contain_text(str(failing.allegro_login))
    page.get_by_label("Search").fill("")
    choose(page, "admin-status", "With errors")
    expect(integrations_rows(page)).to_have_count(2)
    choose(page, "admin-status", "All statuses")
    expect(integrations_rows(page)).to_have_count(3)

    # The settings dialog edits every option with the seller's validation.
    page.get_by_role("button", name=f"Settings of {healthy.allegro_login}").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"Settings of {healthy.allegro_login}")
    dialog.get_by_label("Mark invoices as paid").click()
    choose(page, "admin-syncFrequencyMinutes", "Every 2 hours")
    choose(page, "admin-defaultVatRate", "zw (exempt)")
    dialog.get_by_role("button", name="Save settings").click()
    expect(dialog.get_by_text("Settings saved.")).to_be_visible()
    screenshot(page, "admin-settings-dialog-1280")
    session.expire_all()
    stored = session.get(AllegroIntegration, healthy.id).settings  # type: ignore[union-attr]
    assert stored is not None and stored["autoMarkAsPaid"] is True
    assert stored["syncFrequencyMinutes"] == 120 and stored["defaultVatRate"] == "zw"
    dialog.get_by_role("button", name="Close").click()
    expect(page.get_by_role("dialog")).to_have_count(0)

    # A sync is queued (no worker here: the run waits in the queue), enable and disable apply.
    page.get_by_role("button", name=f"Sync {healthy.allegro_login}").click()
    expect(page.get_by_text(f"Sync queued for {healthy.allegro_login}.")).to_be_visible()
    run = session.exec(select(SyncRun)).one()
    assert run.integration_id == healthy.id and run.trigger == "admin"
    expect(page.locator("#queue-glance")).to_contain_text("Waiting: 1")
    page.get_by_role("button", name=f"Enable {paused.allegro_login}").click()
    expect(page.get_by_text(f"{paused.allegro_login} enabled.")).to_be_visible()
    session.expire_all()
    assert session.get(AllegroIntegration, paused.id).status == "active"  # type: ignore[union-attr]
    # Issue 13: the table fits 1280 px (no sideways scroll) with every action visible.
    table_box = page.get_by_role("region", name="Integrations")
    assert table_box.evaluate("box => box.scrollWidth - box.clientWidth") <= 0
    for button in page.get_by_role("button", name=f"Disable {healthy.allegro_login}").all():
        expect(button).to_be_in_viewport()
    # Disable asks first, with a reason the seller will read.
    page.get_by_role("button", name=f"Disable {paused.allegro_login}").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Disable", exact=True).click()
    expect(dialog.get_by_role("alert")).to_contain_text("Give the reason")
    dialog.get_by_label("Reason (shown to the seller)").fill("Podejrzane zamówienia")
    dialog.get_by_role("button", name="Disable", exact=True).click()
    expect(page.get_by_text(f"{paused.allegro_login} disabled.")).to_be_visible()
    screenshot(page, "admin-disabled-with-reason-1280")
    paused_row = integrations_rows(page).filter(has_text=paused.allegro_login or "")
    expect(paused_row).to_contain_text("by an admin")
    session.expire_all()
    held = session.get(AllegroIntegration, paused.id)
    assert held is not None and held.status == "disabled" and held.admin_disabled_at is not None
    assert held.admin_disabled_reason == "Podejrzane zamówienia"
    expect_summary_equals_database(page, session)

    # Notifications: unread count, mark read.
    expect(page.locator("#unread-count")).to_have_text("Unread: 1")
    page.get_by_role("button", name="Mark read: Sync of a seller failed").click()
    expect(page.locator("#unread-count")).to_have_text("Unread: 0")
    session.expire_all()
    admin_feed = select(Notification).where(Notification.audience == Audience.ADMIN.value)
    assert session.exec(admin_feed).one().read_at is not None
    told = session.exec(select(Notification.title).where(Notification.user_id == paused.user_id))
    assert sorted(told) == [
        f"Allegro account {paused.allegro_login} disabled by the platform administrator",
        f"Allegro account {paused.allegro_login} enabled again by the platform administrator",
    ]
    screenshot(page, "admin-dashboard-1280")

    # A phone: one card per integration instead of the table, no sideways scroll of the page or
    # of a box, every action of a card on screen, and Disable works from the card.
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    cards = page.locator(".admin-integration-card")
    expect(cards).to_have_count(3)
    expect(page.get_by_role("region", name="Integrations")).to_be_hidden()
    screenshot(page, "admin-dashboard-375")
    assert page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
    # The job queues too: a short card each, no table scrolled inside its box.
    expect(page.locator(".admin-queue-card").first).to_be_visible()
    expect(page.locator(".admin-queue-card").first).to_contain_text("Waiting")
    assert (
        page.evaluate(
            "[...document.querySelectorAll('main *')].filter(e => e.offsetParent"
            " && e.scrollWidth > e.clientWidth + 1"
            " && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX)).length"
        )
        == 0
    )
    login = str(healthy.allegro_login)
    card = cards.filter(has=page.get_by_text(login, exact=True))
    expect(card).to_contain_text(seller.email)
    for button in card.get_by_role("button").all():
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    card.get_by_role("button", name=f"Disable {login}").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Reason (shown to the seller)").fill("Test na telefonie")
    dialog.get_by_role("button", name="Disable", exact=True).click()
    expect(page.get_by_text(f"{login} disabled.")).to_be_visible()
    expect(card).to_contain_text("by an admin")
    expect(card.get_by_role("button", name=f"Enable {login}")).to_be_visible()
    screenshot(page, "admin-disabled-from-card-375")
    session.expire_all()
    phone_held = session.get(AllegroIntegration, healthy.id)
    assert phone_held is not None and phone_held.admin_disabled_reason == "Test na telefonie"
    assert page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Open queue dashboard").click()
    page.wait_for_url("**/admin/rq/**")
    expect(page.locator("body")).to_contain_text("sync")
    screenshot(page, "admin-rq-dashboard-1280")
    page.locator("#back-to-app").click()
    page.wait_for_url(re.compile(r"/admin/allegro/?$"))
    expect(integrations_rows(page)).to_have_count(3)


def test_seller_cannot_reach_the_admin_pages(page: Page, session: Session):
    seller = make_user(session, language="en", password=PASSWORD)
    make_integration(session, seller)
    sign_in(page, seller.email, PASSWORD)
    expect(page.get_by_role("link", name="Allegro admin")).to_have_count(0)
    page.goto("/admin/allegro")
    page.wait_for_url("**/settings**")
    expect(page.get_by_text("Allegro integrations")).to_have_count(0)
    response = page.goto("/admin/rq/")
    assert response is not None and response.status == 403


def test_admin_dashboard_first_render_with_10000_integrations(page: Page, session: Session):
    admin = make_user(session, language="en", role=Role.ADMIN, password=PASSWORD)
    sellers = [make_user(session, language="en") for _ in range(5)]
    session.execute(text(BULK_SQL), {"n": BULK, "users": len(sellers)})
    session.commit()
    # A live database has planner statistics; right after a bulk insert into a table the test
    # run truncated, it has none and may pick plans no production table would get.
    analyze("allegro_integrations", "users", "tenants")
    assert session.scalar(text("SELECT count(*) FROM allegro_integrations")) == BULK
    sign_in(page, admin.email, PASSWORD)  # the app's scripts are cached, as for a returning admin

    started = time.perf_counter()
    page.goto("/admin/allegro", wait_until="commit")
    rendered_at_ms = page.wait_for_function(
        f"""() => document.querySelector('#summary-total')?.innerText === '{BULK}'
              && document.querySelectorAll('[aria-label=Integrations] tbody tr').length === 25
              && performance.now()"""
    ).json_value()
    wall_s = time.perf_counter() - started
    expect_summary_equals_database(page, session)

    next_page_ms = timed(
        page,
        lambda: page.get_by_role("button", name="Next page").click(),
        f"document.body.innerText.includes('Total: {BULK} · page 2 of 400')",
    )
    search_ms = timed(  # includes the search box's 300 ms debounce
        page,
        lambda: page.get_by_label("Search").fill("bulk_seller_09999"),
        "document.querySelectorAll('[aria-label=Integrations] tbody tr').length === 1",
    )
    record_timing(
        "admin_first_render_10000_integrations_s",
        f"{wall_s:.2f} s wall, {rendered_at_ms / 1000:.2f} s from navigation start in the browser "
        f"(target < {FIRST_RENDER_TARGET_S} s); next page {next_page_ms:.0f} ms, "
        f"search {search_ms:.0f} ms incl. 300 ms debounce",
    )
    screenshot(page, "admin-dashboard-10000-1280")  # the timing is recorded; bench/ judges it
