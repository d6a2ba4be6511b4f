"""A seller's notifications from the navbar bell: unread count, the list, mark read."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from invoicehub.activity import notify
from invoicehub.models import Audience, Notification
from tests.browser.conftest import screenshot, sign_in
from tests.factories import make_user

PASSWORD = "correct-horse-battery"


def test_a_seller_reads_their_notifications_from_the_bell(page: Page, session: Session):
    seller = make_user(session, language="en", password=PASSWORD)
    other = make_user(session, language="en")
    for title, tenant_id, audience in (
        ("Allegro account shop_one needs to be connected again", seller.tenant_id, Audience.USER),
        ("Allegro account shop_one disabled after 5 failed syncs", seller.tenant_id, Audience.USER),
        ("Another shop's problem", other.tenant_id, Audience.USER),
        ("For the platform admin", seller.tenant_id, Audience.ADMIN),
    ):
        notify(session, kind="test", title=title, tenant_id=tenant_id, audience=audience)
    session.commit()

    sign_in(page, seller.email, PASSWORD)
    bell = page.get_by_role("button", name="Notifications")
    expect(bell).to_contain_text("2")
    bell.click()
    panel = page.get_by_role("dialog", name="Notifications")
    expect(panel).to_contain_text("needs to be connected again")
    expect(panel).to_contain_text("disabled after 5 failed syncs")
    expect(panel).not_to_contain_text("Another shop")
    expect(panel).not_to_contain_text("platform admin")
    screenshot(page, "notifications-bell-1280")

    panel.get_by_role("button", name="Mark read: Allegro account shop_one needs").click()
    expect(bell).to_contain_text("1")
    panel.get_by_role("button", name="Mark all read").click()
    expect(bell).not_to_contain_text("1")
    session.expire_all()
    unread = session.exec(select(Notification.title).where(Notification.read_at == None)).all()  # noqa: E711
    assert set(unread) == {"Another shop's problem", "For the platform admin"}
