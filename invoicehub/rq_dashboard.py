"""rq-dashboard at /admin/rq, for platform admins only.

rq-dashboard has no authentication of its own, and it can requeue, delete and empty jobs. The
ASGI guard below reads the browser's HttpOnly session cookie on every request: no session sends
the browser to the login page, a session of a non-admin gets 403. The dashboard's buttons POST
from its own pages, so a state-changing request (and its one state-changing GET) must also come
from this site (Origin or Referer): SameSite=Lax still sends the cookie on a top-level GET.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from html import escape
from typing import Any

from a2wsgi import WSGIMiddleware
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import PlainTextResponse, RedirectResponse

from invoicehub.auth.accounts import user_for_session
from invoicehub.auth.browser import is_same_site, session_token_from_cookie_header
from invoicehub.db import get_engine
from invoicehub.models import Role
from invoicehub.settings import get_settings

DASHBOARD_PATH = "/admin/rq/"
LOGIN_REDIRECT = f"/login?next={DASHBOARD_PATH}"
# rq-dashboard speaks English only, so its link back does too.
BACK_TO_APP = "← Back to Invoice-HUB"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
STATE_CHANGING_GET = "/requeue/"  # rq-dashboard requeues a queue's failed jobs on a plain GET

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


def _role_of_session(cookie_header: str) -> Role | None:
    """The role of the signed-in browser user, None without a valid session."""
    token = session_token_from_cookie_header(cookie_header)
    if not token:
        return None
    with Session(get_engine()) as session:
        user = user_for_session(session, token)
        return Role(user.role) if user is not None else None


def _same_site(scope: Scope) -> bool:
    """An unsafe request must name this host (or an allowed origin) in Origin or Referer."""
    return is_same_site(
        origin=_header(scope, b"origin"),
        referer=_header(scope, b"referer"),
        host=_header(scope, b"host"),
        allowed_origins=get_settings().allowed_origins,
    )


def _changes_state(scope: Scope) -> bool:
    return scope["method"] not in SAFE_METHODS or STATE_CHANGING_GET in scope["path"]


class AdminOnly:
    """Let only platform admins with a browser session through to `app`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # no websockets or lifespan for the dashboard
            return
        role = await run_in_threadpool(_role_of_session, _header(scope, b"cookie"))
        if role is None:
            response: Any = RedirectResponse(LOGIN_REDIRECT, status_code=303)
        elif role is not Role.ADMIN:
            response = PlainTextResponse("administrator role required", status_code=403)
        elif _changes_state(scope) and not _same_site(scope):
            response = PlainTextResponse("cross-site request refused", status_code=403)
        else:
            await self.app(scope, receive, send)
            return
        response.headers["Cache-Control"] = "no-store"
        await response(scope, receive, send)


BACK_LINK = (
    '<nav class="container" aria-label="Invoice-HUB"><a id="back-to-app" href="/admin/allegro">'
    f"{escape(BACK_TO_APP)}</a></nav>"
)
_BODY_TAG = re.compile(r"<body[^>]*>", re.IGNORECASE)


def add_back_link(response: Any) -> Any:
    """Put a link back to the app at the top of every dashboard page (rq-dashboard has none)."""
    if response.mimetype != "text/html" or response.direct_passthrough:
        return response
    html = response.get_data(as_text=True)
    found = _BODY_TAG.search(html)
    if found is not None:
        response.set_data(html[: found.end()] + BACK_LINK + html[found.end() :])
    return response


def create_rq_dashboard() -> ASGIApp:
    """rq-dashboard's Flask app on our Redis, behind the admin guard (mount it at /admin/rq)."""
    from rq_dashboard.cli import make_flask_app
    from rq_dashboard.web import setup_rq_connection

    flask_app = make_flask_app(config=None, username=None, password=None, url_prefix="")
    flask_app.config["RQ_DASHBOARD_REDIS_URL"] = get_settings().redis_url
    setup_rq_connection(flask_app)
    flask_app.after_request(add_back_link)
    return AdminOnly(WSGIMiddleware(flask_app))  # type: ignore[arg-type]
