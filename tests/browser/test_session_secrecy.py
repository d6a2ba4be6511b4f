"""No credential in clear outside its vault (scorecard row 17), and the OAuth callback bound to
the browser that started it (row 15), in a real Chromium against the real web process."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
from playwright.sync_api import Page, expect
from redis import Redis
from sqlmodel import Session, func, select

from invoicehub.auth.accounts import principal_of
from invoicehub.auth.browser import session_token_hash
from invoicehub.integrations.allegro.connection.oauth import start_authorization
from invoicehub.models import AllegroIntegration
from invoicehub.redis_conn import get_redis
from tests.browser.conftest import screenshot, sign_in
from tests.factories import make_user
from tests.support.allegro import approve

PASSWORD = "correct-horse-battery"
PAGES = ("/settings", "/settings?tab=integrations", "/invoices", "/customers", "/products")


def redis_contents(redis: Redis) -> Iterator[tuple[bytes, bytes]]:
    """Every key of the web app's Redis database with all it holds, whatever its type."""
    for key in redis.scan_iter(count=1000):
        kind = redis.type(key)
        values: list[bytes] = []
        if kind == b"string":
            values = [redis.get(key) or b""]
        elif kind == b"hash":
            values = [k + b"=" + v for k, v in redis.hgetall(key).items()]
        elif kind == b"list":
            values = redis.lrange(key, 0, -1)
        elif kind == b"set":
            values = list(redis.smembers(key))
        elif kind == b"zset":
            values = redis.zrange(key, 0, -1)
        elif kind == b"stream":
            values = [k + b"=" + v for _, e in redis.xrange(key) for k, v in e.items()]
        yield key, b"\n".join(values)


def test_redis_holds_no_session_cookie_after_sign_in_and_page_loads(page: Page, session: Session):
    user = make_user(session, language="en", password=PASSWORD)
    sign_in(page, user.email, PASSWORD)
    for path in PAGES:
        page.goto(path)
        expect(page.get_by_role("button", name="User menu")).to_be_visible()
    # Signed in over the socket, from the hash: the menu names the user.
    expect(page.get_by_role("button", name="User menu")).to_contain_text(user.name)
    [cookie] = [c["value"] for c in page.context.cookies() if c["name"] == "ih_session"]

    contents = dict(redis_contents(get_redis()))
    raw = cookie.encode()
    hits = [key for key, value in contents.items() if raw in key or raw in value]
    assert hits == [], f"the session cookie sits in clear under {hits}"
    # The scan does read Reflex's state: the hash it was handed instead is there.
    hashed = session_token_hash(cookie).encode()
    assert any(hashed in value for value in contents.values()), sorted(contents)[:20]


def test_a_callback_opened_in_a_browser_without_that_session_links_nothing(
    page: Page, session: Session, emulator_url: str
):
    """Mallory's authUrl, approved by a seller whose browser is not Mallory's session."""
    mallory = make_user(session, language="en")
    login = f"sklep_{uuid.uuid4().hex[:8]}"
    with httpx.Client(base_url=emulator_url, timeout=30) as control:
        control.post("/__emulator/sellers", json={"login": login}).raise_for_status()
        auth_url = start_authorization(
            principal_of(mallory), browser_session_hash=session_token_hash("mallorys-cookie")
        )
        params = approve(control, auth_url, login)
    victim = make_user(session, language="en", password=PASSWORD)
    sign_in(page, victim.email, PASSWORD)
    response = page.goto(f"/api/v1/allegro/auth/callback?{urlencode(params)}")
    assert response is not None and response.status == 400
    expect(page.get_by_role("heading", name="Allegro account not connected")).to_be_visible()
    expect(page.locator("#refusal")).to_contain_text("not started in this browser session")
    screenshot(page, "oauth-foreign-session-refused")
    session.expire_all()
    assert session.exec(select(func.count()).select_from(AllegroIntegration)).one() == 0
