"""Public keys and KSeF-token authentication:
challenge -> ksef-token -> status -> redeem -> refresh."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from invoicehub.emulator.ksef.clock import iso
from invoicehub.emulator.ksef.guards import b64, field, json_body, require_grant, state_of
from invoicehub.emulator.ksef.responses import bad_request, ok
from invoicehub.emulator.ksef.state import (
    ACCESS_TOKEN_TTL,
    AUTH_TOKEN_TTL,
    CHALLENGE_TTL,
    REFRESH_TOKEN_TTL,
    AuthOperation,
    Challenge,
    KsefState,
)
from invoicehub.integrations.ksef.crypto import rsa_oaep_decrypt

_NIP = re.compile(r"^[1-9]((\d[1-9])|([1-9]\d))\d{7}$")
BAD_TOKEN = "Uwierzytelnianie zakończone niepowodzeniem z powodu błędnego tokenu"


async def public_keys(request: Request) -> Response:
    state = state_of(request)
    return ok([cert.as_json() for cert in state.keys.certificates])


async def challenge(request: Request) -> Response:
    state = state_of(request)
    with state.lock:
        now = state.clock.now()
        item = Challenge(state.new_ref("CR"), int(now * 1000), now + CHALLENGE_TTL)
        state.challenges[item.value] = item
    client_ip = request.client.host if request.client else "127.0.0.1"
    return ok(
        {
            "challenge": item.value,
            "timestamp": iso(item.timestamp_ms / 1000),
            "timestampMs": item.timestamp_ms,
            "clientIp": client_ip,
        }
    )


def _check_token(state: KsefState, value: str, encrypted: bytes, nip: str) -> tuple[int, str, str]:
    """(code, detail, token reference) of one ksef-token attempt; 200 when it authenticates."""
    now = state.clock.now()
    item = state.challenges.get(value)
    if item is None or item.used or item.expires_at <= now:
        return 450, "Nieprawidłowe wyzwanie autoryzacyjne", ""
    item.used = True
    try:
        token, _, stamp = (
            rsa_oaep_decrypt(state.keys.private_key, encrypted).decode().rpartition("|")
        )
    except ValueError:
        return 450, "Nieprawidłowy token", ""
    known = state.tokens.get(token)
    if known is None:
        return 450, "Nieprawidłowy token", ""
    if stamp != str(item.timestamp_ms):
        return 450, "Nieprawidłowy czas tokena", ""
    if known.nip != nip:
        return 415, "Brak przypisanych uprawnień", ""
    return 200, "", known.reference


async def ksef_token(request: Request) -> Response:
    state = state_of(request)
    body = await json_body(request)
    value = field(state, body, "challenge", str)
    context = field(state, body, "contextIdentifier", dict)
    encrypted = b64(state, body.get("encryptedToken"), "encryptedToken")
    if context.get("type") != "Nip" or not _NIP.match(str(context.get("value", ""))):
        raise bad_request(state.clock.now(), "contextIdentifier: obsługiwany jest typ Nip.")
    with state.lock:
        now = state.clock.now()
        code, detail, token_ref = _check_token(state, value, encrypted, context["value"])
        description = {
            200: "Uwierzytelnianie zakończone sukcesem",
            415: "Uwierzytelnianie zakończone niepowodzeniem",
            450: BAD_TOKEN,
        }[code]
        operation = AuthOperation(
            reference=state.new_ref("AU"),
            nip=context["value"],
            started_at=now,
            ready_at=now + state.processing_delay,
            code=code,
            description=description,
            details=[detail] if detail else [],
            auth_token="",
            auth_token_valid_until=0.0,
            token_reference=token_ref or None,
        )
        operation.auth_token, operation.auth_token_valid_until = state.grant(
            "auth", operation, AUTH_TOKEN_TTL
        )
        state.operations[operation.reference] = operation
    token_info = {
        "token": operation.auth_token,
        "validUntil": iso(operation.auth_token_valid_until),
    }
    return ok({"referenceNumber": operation.reference, "authenticationToken": token_info}, 202)


async def auth_status(request: Request) -> Response:
    state = state_of(request)
    grant = require_grant(request, "auth")
    operation = grant.operation
    if operation.reference != request.path_params["referenceNumber"]:
        raise bad_request(state.clock.now(), "Nieznany numer referencyjny uwierzytelnienia.")
    with state.lock:
        pending = state.clock.now() < operation.ready_at
    status: dict[str, object] = (
        {"code": 100, "description": "Uwierzytelnianie w toku"}
        if pending
        else {"code": operation.code, "description": operation.description}
    )
    if not pending and operation.details:
        status["details"] = operation.details
    return ok(
        {
            "startDate": iso(operation.started_at),
            "authenticationMethod": "Token",
            "authenticationMethodInfo": {
                "category": "Token",
                "code": "token.ksef",
                "displayName": "Token KSeF",
            },
            "status": status,
            "isTokenRedeemed": operation.redeemed,
            "lastTokenRefreshDate": iso(operation.last_refresh) if operation.last_refresh else None,
            "refreshTokenValidUntil": (
                iso(operation.refresh_valid_until) if operation.refresh_valid_until else None
            ),
        }
    )


async def redeem(request: Request) -> Response:
    state = state_of(request)
    grant = require_grant(request, "auth")
    operation = grant.operation
    with state.lock:
        now = state.clock.now()
        if now < operation.ready_at or operation.code != 200:
            raise bad_request(now, "Uwierzytelnianie nie zakończyło się sukcesem.")
        if operation.redeemed:
            raise bad_request(now, "Tokeny zostały już pobrane.")
        operation.redeemed = True
        access, access_until = state.grant("access", operation, ACCESS_TOKEN_TTL)
        refresh, refresh_until = state.grant("refresh", operation, REFRESH_TOKEN_TTL)
        operation.refresh_valid_until = refresh_until
    return ok(
        {
            "accessToken": {"token": access, "validUntil": iso(access_until)},
            "refreshToken": {"token": refresh, "validUntil": iso(refresh_until)},
        }
    )


async def refresh(request: Request) -> Response:
    state = state_of(request)
    grant = require_grant(request, "refresh")
    with state.lock:
        access, access_until = state.grant("access", grant.operation, ACCESS_TOKEN_TTL)
        grant.operation.last_refresh = state.clock.now()
    return ok({"accessToken": {"token": access, "validUntil": iso(access_until)}})


routes = [
    Route("/v2/security/public-key-certificates", public_keys, methods=["GET"]),
    Route("/v2/auth/challenge", challenge, methods=["POST"]),
    Route("/v2/auth/ksef-token", ksef_token, methods=["POST"]),
    Route("/v2/auth/token/redeem", redeem, methods=["POST"]),
    Route("/v2/auth/token/refresh", refresh, methods=["POST"]),
    Route("/v2/auth/{referenceNumber}", auth_status, methods=["GET"]),
]
