"""Shared request plumbing: the state, the bearer token, JSON bodies, sessions of the caller."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from starlette.requests import Request

from invoicehub.emulator.ksef.responses import bad_request, unauthorized
from invoicehub.emulator.ksef.state import Grant, KsefState, Session


def state_of(request: Request) -> KsefState:
    state: KsefState = request.app.state.ksef
    return state


def bearer_of(authorization: str | None) -> str | None:
    if authorization and authorization[:7].lower() == "bearer ":
        return authorization[7:].strip() or None
    return None


def require_grant(request: Request, kind: str) -> Grant:
    state = state_of(request)
    grant = state.bearer(bearer_of(request.headers.get("authorization")), kind)
    if grant is None:
        raise unauthorized(state.clock.now(), request.url.path)
    return grant


async def json_body(request: Request) -> dict[str, Any]:
    state = state_of(request)
    try:
        body = json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request(state.clock.now(), "Nieprawidłowy JSON.", [str(exc)]) from exc
    if not isinstance(body, dict):
        raise bad_request(state.clock.now(), "Oczekiwano obiektu JSON.")
    return body


def field(state: KsefState, body: dict[str, Any], name: str, kind: type) -> Any:
    value = body.get(name)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise bad_request(state.clock.now(), f"Pole '{name}' jest wymagane ({kind.__name__}).")
    return value


def b64(state: KsefState, value: Any, name: str) -> bytes:
    try:
        if not isinstance(value, str):
            raise ValueError(name)
        return base64.b64decode(value, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise bad_request(state.clock.now(), f"Pole '{name}' musi być w Base64.") from exc


def own_session(state: KsefState, grant: Grant, reference: str, kind: str | None = None) -> Session:
    """The caller's session `reference`; someone else's looks exactly like a missing one."""
    session = state.sessions.get(reference)
    if session is None or session.nip != grant.nip or (kind and session.kind != kind):
        raise bad_request(state.clock.now(), f"Sesja o numerze {reference} nie istnieje.")
    return session


def absolute(request: Request, path: str) -> str:
    return str(request.base_url).rstrip("/") + path
