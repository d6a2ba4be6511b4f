"""Browser sessions: an HttpOnly cookie set by the API after the Reflex login handler succeeds.

Reflex event handlers run over a websocket and cannot set HttpOnly cookies, so a successful
login stores a single-use, 30-second ticket in Redis and sends the browser to
`/api/v1/auth/session/{ticket}`, which sets the cookie and redirects to the app.
"""

from __future__ import annotations

import secrets
from http.cookies import SimpleCookie
from typing import cast

from invoicehub.redis_conn import get_redis

SESSION_COOKIE = "ih_session"
TICKET_TTL_SECONDS = 30


def issue_login_ticket(session_token: str) -> str:
    ticket = secrets.token_urlsafe(24)
    get_redis().set(f"login-ticket:{ticket}", session_token, ex=TICKET_TTL_SECONDS)
    return ticket


def redeem_login_ticket(ticket: str) -> str | None:
    value = cast(bytes | None, get_redis().getdel(f"login-ticket:{ticket}"))
    return value.decode() if value is not None else None


def session_token_from_cookie_header(cookie_header: str) -> str:
    if not cookie_header:
        return ""
    jar = SimpleCookie()
    try:
        jar.load(cookie_header)
    except Exception:  # a malformed header is simply no session
        return ""
    morsel = jar.get(SESSION_COOKIE)
    return morsel.value if morsel else ""


def safe_next_path(path: str | None) -> str:
    """Only same-site absolute paths; anything else goes to the settings page."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/settings"
    return path
