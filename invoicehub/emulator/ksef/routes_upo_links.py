"""Pre-signed UPO download links, as KSeF gives them (`upoDownloadUrl`, `upo.pages[].downloadUrl`).

The official API documents these links as fetched without the access token, not rate limited,
valid until `...ExpirationDate`, answering the UPO with its SHA-256 in `x-ms-meta-hash`. The
emulator signs the path and expiry with a secret of its own (HMAC-SHA256), so a link cannot be
forged or extended, and checks the expiry on the emulator's clock.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from invoicehub.emulator.ksef.guards import absolute, state_of
from invoicehub.emulator.ksef.processing import is_accepted
from invoicehub.emulator.ksef.responses import bad_request
from invoicehub.emulator.ksef.state import KsefState
from invoicehub.emulator.ksef.upo import build_upo
from invoicehub.integrations.ksef.crypto import sha256_b64

UPO_LINK_TTL = 3 * 24 * 3600
_SECRET = secrets.token_bytes(32)  # per emulator process: links die with it, as with a reset


def _signature(path: str, expires: int) -> str:
    return hmac.new(_SECRET, f"{path}|{expires}".encode(), hashlib.sha256).hexdigest()


def signed_link(request: Request, path: str, now: float) -> str:
    expires = int(now + UPO_LINK_TTL)
    query = urlencode({"exp": expires, "sig": _signature(path, expires)})
    return absolute(request, f"{path}?{query}")


def invoice_upo_link(request: Request, session_ref: str, invoice_ref: str, now: float) -> str:
    return signed_link(request, f"/storage/upo/{session_ref}/invoices/{invoice_ref}", now)


def session_upo_link(request: Request, session_ref: str, upo_ref: str, now: float) -> str:
    return signed_link(request, f"/storage/upo/{session_ref}/pages/{upo_ref}", now)


def _valid(request: Request, now: float) -> bool:
    try:
        expires = int(request.query_params.get("exp", ""))
    except ValueError:
        expires = 0
    given = request.query_params.get("sig", "")
    return hmac.compare_digest(given, _signature(request.url.path, expires)) and now <= expires


def _signed_storage(
    document: Callable[[Request, KsefState, float], bytes],
) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint answering `document` (request, emulator state, now) to a valid link.

    Storage answers a bad or stale signature with 403, not with KSeF's error body; the UPO comes
    with its SHA-256 in `x-ms-meta-hash`.
    """

    async def endpoint(request: Request) -> Response:
        state = state_of(request)
        with state.lock:
            now = state.clock.now()
            if not _valid(request, now):
                return Response("link invalid or expired", status_code=403)
            body = document(request, state, now)
        return Response(
            body, media_type="application/xml", headers={"x-ms-meta-hash": sha256_b64(body)}
        )

    return endpoint


def _invoice_upo(request: Request, state: KsefState, now: float) -> bytes:
    session = state.sessions.get(request.path_params["sessionRef"])
    records = [
        r
        for r in (session.invoices if session else [])
        if r.reference == request.path_params["invoiceRef"] and is_accepted(r, now)
    ]
    if session is None or not records:
        raise bad_request(now, "UPO nie istnieje.")
    return build_upo(session, records)


def _session_upo(request: Request, state: KsefState, now: float) -> bytes:
    session = state.sessions.get(request.path_params["sessionRef"])
    if session is None or session.upo_reference != request.path_params["upoRef"]:
        raise bad_request(now, "UPO nie istnieje.")
    accepted = [r for r in session.invoices if is_accepted(r, now)]
    return build_upo(session, accepted, page=True)


routes = [
    Route(
        "/storage/upo/{sessionRef}/invoices/{invoiceRef}",
        _signed_storage(_invoice_upo),
        methods=["GET"],
    ),
    Route(
        "/storage/upo/{sessionRef}/pages/{upoRef}",
        _signed_storage(_session_upo),
        methods=["GET"],
    ),
]
