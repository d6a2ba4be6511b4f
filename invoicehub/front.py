"""The web process's front door: /api/v1 straight to the API, every other path to Reflex.

Through Reflex, an API request crossed Reflex's top-level Starlette app (error and CORS
middlewares, its context middleware, a router over every backend route), then our
`api_transformer` Starlette app and its mount, before FastAPI saw it: most of the CPU an API
request cost. Here the API gets exactly what the web process adds around it and nothing else:
the browser-safety headers (`web.security_headers`), Reflex's CORS rule for the configured
origins, and the FastAPI app of `web.api_mount` (same path rule, same body limit inside it).
Pages, the websocket (`/_event`), `/admin/rq` and everything else still go through Reflex.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_base.config import get_config
from starlette.middleware.cors import CORSMiddleware

from invoicehub.api.app import API_PREFIX
from invoicehub.web import ASGIApp, Scope, api_mount, security_headers

API_PATH = API_PREFIX + "/"
ROUTED_SCOPES = frozenset({"http", "websocket"})


class InvoiceHubApp(rx.App):
    """Reflex's app, served behind `dispatch_by_path` (granian calls this factory)."""

    def __call__(self) -> ASGIApp:
        return dispatch_by_path(api=api_app(), site=super().__call__())


def api_app() -> ASGIApp:
    """The /api/v1 app with the headers and CORS rule every web response gets."""
    mount = api_mount()

    async def mounted(scope: Scope, receive: Any, send: Any) -> None:
        # The mount's own matching: root_path and the path it leaves to FastAPI, as in Reflex.
        _, child_scope = mount.matches(scope)
        await mount.app({**scope, **child_scope}, receive, send)

    return security_headers(_with_reflex_cors(mounted))


def _with_reflex_cors(app: ASGIApp) -> ASGIApp:
    # The same middleware and arguments as reflex.App._add_cors puts on its top-level app.
    return CORSMiddleware(
        app,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
        allow_origins=get_config().cors_allowed_origins,
    )


def dispatch_by_path(api: ASGIApp, site: ASGIApp) -> ASGIApp:
    """`api` for requests under /api/v1/, `site` (Reflex) for the rest and for lifespan."""

    async def front(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] in ROUTED_SCOPES and scope["path"].startswith(API_PATH):
            await api(scope, receive, send)
        else:
            await site(scope, receive, send)

    return front
