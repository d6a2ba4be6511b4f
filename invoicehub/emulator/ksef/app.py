"""The KSeF emulator's ASGI application and its gate: outage, injected faults, rate limits."""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from invoicehub.emulator.ksef import (
    certificates,
    routes_auth,
    routes_batch,
    routes_control,
    routes_online,
    routes_qr,
    routes_status,
    routes_upo_links,
)
from invoicehub.emulator.ksef.guards import bearer_of
from invoicehub.emulator.ksef.limits import retry_after_header
from invoicehub.emulator.ksef.responses import (
    KsefHttpError,
    exception_response,
    too_many_requests,
)
from invoicehub.emulator.ksef.state import KsefState


class GateMiddleware:
    """Before any `/v2` or `/storage` call: an outage answers 503, an injected fault answers (or
    delays) as configured, and the rate limiter may answer 429 with Retry-After."""

    def __init__(self, app: ASGIApp, state: KsefState) -> None:
        self.app = app
        self.state = state

    def _verdict(self, scope: Scope) -> tuple[Response | None, float]:
        state, path, method = self.state, scope["path"], scope["method"]
        with state.lock:
            now = state.clock.now()
            if state.outage_until is not None and now < state.outage_until:
                wait = state.outage_until - now
                response = exception_response(now, 0, "Service Unavailable", ["Awaria KSeF."], 503)
                response.headers["Retry-After"] = retry_after_header(wait)
                return response, 0.0
            fault = state.faults.take(method, path)
            if fault is not None:
                return self._fault_response(fault, now), fault.delay_ms / 1000
            if not path.startswith("/v2/"):
                return None, 0.0
            headers = dict(scope["headers"])
            bearer = bearer_of(headers.get(b"authorization", b"").decode("latin-1"))
            context = state.context_of(bearer) or "-"
            ip = scope["client"][0] if scope.get("client") else "-"
            limited = state.limiter.check(context, ip, method, path, now)
        if limited is not None:
            return too_many_requests(limited, "Przekroczono limit żądań."), 0.0
        return None, 0.0

    @staticmethod
    def _fault_response(fault, now: float) -> Response | None:
        if fault.status is None:
            return None
        if fault.status == 429:
            return too_many_requests(float(fault.retry_after or 1), "Przekroczono limit żądań.")
        response = exception_response(now, 0, "Injected fault", None, fault.status)
        if fault.retry_after is not None:
            response.headers["Retry-After"] = str(fault.retry_after)
        return response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path.startswith(("/v2/", "/storage/")):
            response, delay = self._verdict(scope)
            if delay:
                await asyncio.sleep(delay)
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _ksef_error(request: Request, exc: Exception) -> Response:
    return exc.response if isinstance(exc, KsefHttpError) else Response(status_code=500)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    state: KsefState = request.app.state.ksef
    return exception_response(state.clock.now(), 0, f"HTTP {status}", None, status)


def create_app(state: KsefState | None = None) -> Starlette:
    state = state or KsefState()
    app = Starlette(
        routes=[
            *routes_auth.routes,
            *routes_online.routes,
            *routes_batch.routes,
            *routes_status.routes,
            *routes_upo_links.routes,
            *routes_qr.routes,
            *certificates.routes,
            *routes_control.routes,
        ],
        exception_handlers={
            KsefHttpError: _ksef_error,
            HTTPException: _http_error,
            Exception: _http_error,
        },
    )
    app.state.ksef = state
    app.add_middleware(GateMiddleware, state=state)
    return app
