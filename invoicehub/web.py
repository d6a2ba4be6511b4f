"""The ASGI pieces around Reflex: /api/v1, /admin/rq (admins only), security headers, and the
session cookie hashed before Reflex sees it."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.applications import Starlette
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Mount, Route

from invoicehub.api.app import API_PREFIX, create_api
from invoicehub.api.limits import BodySizeLimit
from invoicehub.auth.browser import hash_session_cookies

Scope = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]
]

SECURITY_HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"same-origin",
    b"content-security-policy": (
        b"default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
        b"style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        b"connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
}


def mounted_apps() -> Starlette:
    """/api/v1 and /admin/rq on their own (the tests' app; the web process uses `around`)."""
    return Starlette(routes=_routes())


def around(reflex_app: ASGIApp) -> ASGIApp:
    """Reflex's api_transformer: our mounts first, every other path to Reflex.

    A plain callable, not a Starlette instance, on purpose: Reflex wraps a Starlette transformer
    in a second CORS middleware (its top-level app already has one), which doubled `Vary:
    Origin` and cost every API request another middleware pass.
    """
    # Reflex's own HTTP paths (its /_upload too, which the app never uses) get the API's 413.
    reflex = BodySizeLimit(hashed_session_cookie(reflex_app))
    return Starlette(routes=[*_routes(), Mount("", app=reflex)])


def hashed_session_cookie(app: ASGIApp) -> ASGIApp:
    """Hand Reflex the session cookie's hash, never the cookie itself.

    Reflex stores the websocket's request headers in its state in Redis; the hash stored there
    is what the database holds too, and opens no session (every cookie that arrives is hashed).
    """

    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket") and scope.get("headers"):
            scope = dict(scope)
            scope["headers"] = [
                (name, hash_session_cookies(value) if name.lower() == b"cookie" else value)
                for name, value in scope["headers"]
            ]
        await app(scope, receive, send)

    return wrapped


def api_mount() -> Mount:
    """/api/v1 for every path under it: Starlette's mount pattern (`.*`) stops at a newline, so
    a path with `%0A` in an id went to Reflex and got its plain-text 404 instead of the API's
    JSON answer."""
    mount = Mount(API_PREFIX, app=create_api())
    mount.path_regex = re.compile(mount.path_regex.pattern, re.DOTALL)
    return mount


def _routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = [
        api_mount(),
        Route("/admin/rq", lambda _: RedirectResponse("/admin/rq/", status_code=308)),
    ]
    try:
        from invoicehub.rq_dashboard import create_rq_dashboard
    except ModuleNotFoundError:
        pass
    else:
        routes.append(Mount("/admin/rq", app=create_rq_dashboard()))
    return routes


def security_headers(app: ASGIApp) -> ASGIApp:
    """Add browser-safety headers to every HTTP response the web process sends."""

    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS.items() if k not in present]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped
