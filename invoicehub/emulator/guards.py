"""What every Allegro API call passes before its handler: stats, faults, token, limit, Accept."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from invoicehub.emulator.config import ALLEGRO_MEDIA_TYPE
from invoicehub.emulator.faults import Fault
from invoicehub.emulator.responses import (
    allegro_error,
    allegro_json,
    api_unauthorized,
    not_acceptable,
    not_found,
    oauth_error,
    too_many_requests,
    validation_error,
)
from invoicehub.emulator.state import EmulatorState, Seller
from invoicehub.emulator.tokens import TokenError, TokenFamily

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class ApiContext:
    state: EmulatorState
    seller: Seller
    family: TokenFamily


ApiHandler = Callable[[Request, ApiContext], Awaitable[Response]]


def get_state(request: Request) -> EmulatorState:
    state: EmulatorState = request.app.state.emulator
    return state


def fault_response(fault: Fault, path: str, *, oauth: bool) -> Response:
    """The body a faulted call answers with: given explicitly, else what Allegro would send."""
    status = fault.status or 500
    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
    if fault.body is not None:
        media = "application/json" if oauth else ALLEGRO_MEDIA_TYPE
        response = allegro_json(fault.body, status, headers)
        response.headers["content-type"] = media
        return response
    if status == 429:
        return too_many_requests(fault.retry_after)
    if oauth and status == 400:
        return oauth_error(400, "invalid_grant", "Invalid grant (injected by the emulator)")
    if oauth and status == 401:
        return oauth_error(401, "Unauthorized", "Unauthorized")
    if status == 401:
        return api_unauthorized("invalid_token", "Access token expired (injected by the emulator)")
    if status == 404:
        return not_found(path)
    if status in (400, 422):
        return validation_error("Invalid request (injected by the emulator)", path, status)
    if status >= 500:
        code = "ServiceUnavailableException" if status == 503 else "InternalServerErrorException"
        response = allegro_error(status, code, "Internal error (injected by the emulator)")
    else:
        response = allegro_error(status, "InjectedFault", f"HTTP {status} (injected)", path=path)
    if headers:
        response.headers.update(headers)
    return response


async def apply_fault(state: EmulatorState, request: Request, *, oauth: bool) -> Response | None:
    with state.lock:
        fault = state.faults.take(request.method, request.url.path)
    if fault is None:
        return None
    if fault.delay_ms:
        await asyncio.sleep(fault.delay_ms / 1000)
    if fault.status is None:
        return None
    return fault_response(fault, request.url.path, oauth=oauth)


def accepts_allegro_json(request: Request, media_type: str = ALLEGRO_MEDIA_TYPE) -> bool:
    accept = request.headers.get("accept", "")
    return any(part.split(";")[0].strip() == media_type for part in accept.split(","))


def _authenticate(state: EmulatorState, request: Request) -> ApiContext | Response:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return api_unauthorized(
            "unauthorized", "Full authentication is required to access this resource"
        )
    token = token.strip()
    result = state.tokens.authenticate(token, state.now())
    if result is TokenError.MALFORMED:
        return api_unauthorized("invalid_token", "Cannot convert access token to JSON")
    if isinstance(result, TokenError):
        return api_unauthorized("invalid_token", f"Access token expired: {token}")
    seller = state.sellers_by_id.get(result.seller_id)
    if seller is None:  # the seller was removed by a reset the token outlived
        return api_unauthorized("invalid_token", f"Access token expired: {token}")
    return ApiContext(state, seller, result)


def api_endpoint(
    template: str, scope: str, media_type: str = ALLEGRO_MEDIA_TYPE
) -> Callable[[ApiHandler], Endpoint]:
    """Wrap a handler of `METHOD /path/{template}` requiring `scope` (e.g. `orders:read`) and
    an Accept of `media_type` (beta resources use Allegro's beta media type)."""

    def decorate(handler: ApiHandler) -> Endpoint:
        @wraps(handler)
        async def endpoint(request: Request) -> Response:
            state = get_state(request)
            with state.lock:
                state.stats.api_calls[f"{request.method} {template}"] += 1
            faulted = await apply_fault(state, request, oauth=False)
            if faulted is not None:
                return faulted
            with state.lock:
                context = _authenticate(state, request)
                if isinstance(context, Response):
                    return context
                config = state.config
                wait = state.rate_limiter.check(
                    context.family.client_id,
                    state.now(),
                    config.rateLimitPerMinute,
                    config.rateLimitBlockSeconds,
                )
            if wait is not None:
                return too_many_requests(wait)
            if not accepts_allegro_json(request, media_type):
                return not_acceptable()
            if f"allegro:api:{scope}" not in context.family.scopes:
                return allegro_error(
                    403,
                    "AccessDenied",
                    f"Access is denied: the token lacks the allegro:api:{scope} scope",
                    user_message="Brak uprawnień.",
                )
            return await handler(request, context)

        return endpoint

    return decorate


def query_int(request: Request, name: str, default: int) -> int | None:
    """An integer query parameter, the default when absent, None when not an integer."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        return None


def json_object(raw: bytes) -> dict[str, Any] | None:
    """A JSON object from a request body, None when the body is not one."""
    try:
        data = json.loads(raw or b"null")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
