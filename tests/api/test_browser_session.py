"""The browser session: logout is a same-site POST, the login ticket carries no session token,
and Reflex is handed only the session cookie's hash (scorecard row 17, with the browser test
`test_redis_holds_no_session_cookie_after_sign_in_and_page_loads`)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from invoicehub.auth.accounts import open_session, user_for_session, user_for_session_hash
from invoicehub.auth.browser import session_token_hash
from invoicehub.models import UserSession
from invoicehub.redis_conn import get_redis
from invoicehub.state.auth import AuthState
from invoicehub.web import hashed_session_cookie
from tests.factories import make_user
from tests.state.conftest import call, state_for

SITE = "http://127.0.0.1:8000"


def _sessions(session: Session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(UserSession)).one()


def _signed_in(api: TestClient, session: Session) -> str:
    token = open_session(session, make_user(session))
    session.commit()
    api.cookies.set("ih_session", token)
    return token


def test_logout_by_get_signs_nobody_out(api: TestClient, session: Session):
    _signed_in(api, session)
    response = api.get("/auth/logout", follow_redirects=False)
    assert response.status_code == 405 and _sessions(session) == 1


def test_logout_posted_from_another_site_is_refused(api: TestClient, session: Session):
    _signed_in(api, session)
    for headers in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/x"}, {}):
        response = api.post("/auth/logout", headers=headers, follow_redirects=False)
        assert response.status_code == 403, headers
    assert _sessions(session) == 1


def test_logout_posted_from_this_site_ends_the_session(api: TestClient, session: Session):
    token = _signed_in(api, session)
    response = api.post("/auth/logout", headers={"Origin": SITE}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert 'ih_session=""' in response.headers["set-cookie"]
    assert _sessions(session) == 0 and user_for_session(session, token) is None


def test_sign_in_puts_no_session_token_in_redis(api: TestClient, session: Session):
    user = make_user(session, password="correct-horse-battery")
    login_page = state_for(AuthState, None, "/login?next=/invoices")
    [navigation] = call(
        login_page, "login", {"email": user.email, "password": "correct-horse-battery"}
    )
    ticket_url = str(navigation.args[0][1]._var_value)  # window.location.assign("...")
    path = ticket_url.split('"')[1].removeprefix("/api/v1")
    [ticket_key] = get_redis().keys("login-ticket:*")
    assert get_redis().get(ticket_key) == str(user.id).encode()  # the user, not a session

    response = api.get(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/invoices"
    token = response.cookies["ih_session"]
    assert user_for_session(session, token) is not None
    assert get_redis().keys("login-ticket:*") == []
    again = api.get(path, follow_redirects=False)  # single use
    assert again.headers["location"] == "/login?error=expired"


def _reflex_sees(cookie: bytes, scope_type: str = "websocket") -> dict[bytes, bytes]:
    seen: dict[str, Any] = {}

    async def reflex(scope: Any, receive: Any, send: Any) -> None:
        seen.update(scope)

    scope = {"type": scope_type, "path": "/_event/", "headers": [(b"cookie", cookie)]}
    asyncio.run(hashed_session_cookie(reflex)(scope, None, None))
    return dict(seen["headers"])


def test_reflex_is_handed_the_session_cookies_hash_never_the_cookie(session: Session):
    token = open_session(session, make_user(session))
    session.commit()
    for scope_type in ("websocket", "http"):
        cookie = _reflex_sees(f"theme=dark; ih_session={token}; lang=pl".encode(), scope_type)[
            b"cookie"
        ]
        assert token.encode() not in cookie
        assert cookie == f"theme=dark; ih_session={session_token_hash(token)}; lang=pl".encode()
    assert user_for_session_hash(session, session_token_hash(token)) is not None


def test_a_hash_stolen_from_redis_opens_no_session(session: Session):
    """Replayed as a cookie it is hashed again, so it matches no session."""
    token = open_session(session, make_user(session))
    session.commit()
    stolen = session_token_hash(token)
    assert state_for(AuthState, token).principal() is not None
    assert state_for(AuthState, stolen).principal() is None
    assert user_for_session(session, stolen) is None
