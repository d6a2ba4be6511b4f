"""Browser sessions: an HttpOnly cookie set by the API after the Reflex login handler succeeds.

Reflex event handlers run over a websocket and cannot set HttpOnly cookies, so a successful
login stores a single-use, 30-second ticket in Redis naming the user (never a session token)
and sends the browser to `/api/v1/auth/session/{ticket}`, which opens the session, sets the
cookie and redirects to the app.

Reflex keeps the websocket's request headers, cookie included, in its state in Redis. The web
process therefore rewrites the session cookie to its one-way hash before Reflex sees it
(`hash_session_cookies`): Reflex handlers look the session up by that hash, which is what the
database stores, and a hash read from Redis opens no session (every cookie is hashed again).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from http.cookies import SimpleCookie
from typing import cast
from urllib.parse import urlsplit

from invoicehub.redis_conn import get_redis

SESSION_COOKIE = "ih_session"
TICKET_TTL_SECONDS = 30
_SESSION_COOKIE_VALUE = re.compile(rb"(?:^|(?<=;))(\s*" + SESSION_COOKIE.encode() + rb"=)([^;]*)")


def session_token_hash(token: str) -> str:
    """What the database stores for a session token, and all Reflex ever sees of it."""
    return hashlib.sha256(token.encode()).hexdigest()


def hash_session_cookies(cookie_header: bytes) -> bytes:
    """The Cookie header with the session cookie's value replaced by its hash."""

    def hashed(match: re.Match[bytes]) -> bytes:
        raw = match.group(2).strip().strip(b'"').decode("latin-1")
        return match.group(1) + session_token_hash(raw).encode() if raw else match.group(0)

    return _SESSION_COOKIE_VALUE.sub(hashed, cookie_header)


def issue_login_ticket(user_id: uuid.UUID) -> str:
    ticket = secrets.token_urlsafe(24)
    get_redis().set(f"login-ticket:{ticket}", str(user_id), ex=TICKET_TTL_SECONDS)
    return ticket


def redeem_login_ticket(ticket: str) -> uuid.UUID | None:
    value = cast(bytes | None, get_redis().getdel(f"login-ticket:{ticket}"))
    return uuid.UUID(value.decode()) if value is not None else None


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


def is_same_site(*, origin: str, referer: str, host: str, allowed_origins: list[str]) -> bool:
    """An unsafe browser request must name this host (or an allowed origin) in Origin or Referer.

    The CSRF check of every cookie-authenticated unsafe request (SameSite=Lax still sends the
    cookie on a top-level GET, and Origin is absent from some same-site requests).
    """
    source = origin or referer
    if not source:
        return False
    parts = urlsplit(source)
    return parts.netloc == host or f"{parts.scheme}://{parts.netloc}" in allowed_origins
