"""The emulator's ASGI application: Allegro OAuth + REST routes and the /__emulator control API."""

from __future__ import annotations

import uuid

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from invoicehub.emulator import (
    routes_control,
    routes_invoices,
    routes_oauth,
    routes_order_page,
    routes_orders,
    routes_refunds,
)
from invoicehub.emulator.responses import allegro_error, control_error, not_found
from invoicehub.emulator.state import ClientApp, EmulatorState


class TraceIdMiddleware:
    """Adds Allegro's `Trace-Id` header to every response and counts response statuses."""

    def __init__(self, app: ASGIApp, state: EmulatorState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        trace_id = uuid.uuid4().hex

        async def send_with_trace(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"trace-id", trace_id.encode()))
                message = {**message, "headers": headers}
                if not scope["path"].startswith("/__emulator/"):
                    with self.state.lock:
                        self.state.stats.responses[str(message["status"])] += 1
            await send(message)

        await self.app(scope, receive, send_with_trace)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if request.url.path.startswith("/__emulator/"):
        return control_error(f"HTTP {status}", status)
    if status == 404:
        return not_found(request.url.path)
    if status == 405:
        return allegro_error(405, "MethodNotAllowedException", "Method not allowed")
    return allegro_error(status, "InternalServerErrorException", "Internal server error")


def create_app(state: EmulatorState | None = None) -> Starlette:
    state = state or EmulatorState()
    app = Starlette(
        routes=[
            *routes_oauth.routes,
            *routes_orders.routes,
            *routes_invoices.routes,
            *routes_refunds.routes,
            *routes_control.routes,
            *routes_order_page.routes,
        ],
        exception_handlers={HTTPException: _http_error, Exception: _http_error},
    )
    app.state.emulator = state
    app.add_middleware(TraceIdMiddleware, state=state)
    return app


__all__ = ["ClientApp", "EmulatorState", "create_app"]
