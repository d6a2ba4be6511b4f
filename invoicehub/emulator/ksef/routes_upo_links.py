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
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from invoicehub.emulator.ksef.guards import absolute, state_of
from invoicehub.emulator.ksef.processing import is_accepted
from invoicehub.emulator.ksef.responses import bad_request
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


def _checked(request: Request, now: float) -> None:
    try:
        expires = int(request.query_params.get("exp", ""))
    except ValueError:
        expires = 0
    given = request.query_params.get("sig", "")
    if not hmac.compare_digest(given, _signature(request.url.path, expires)) or now > expires:
        # Storage answers a bad or stale signature with 403, not with KSeF's error body.
        raise _Forbidden()


class _Forbidden(Exception):
    pass


def _xml(document: bytes) -> Response:
    return Response(
        document, media_type="application/xml", headers={"x-ms-meta-hash": sha256_b64(document)}
    )


async def invoice_upo(request: Request) -> Response:
    state = state_of(request)
    with state.lock:
        now = state.clock.now()
        try:
            _checked(request, now)
        except _Forbidden:
            return Response("link invalid or expired", status_code=403)
        session = state.sessions.get(request.path_params["sessionRef"])
        records = [
            r
            for r in (session.invoices if session else [])
            if r.reference == request.path_params["invoiceRef"] and is_accepted(r, now)
        ]
        if session is None or not records:
            raise bad_request(now, "UPO nie istnieje.")
        return _xml(build_upo(session, records))


async def session_upo(request: Request) -> Response:
    state = state_of(request)
    with state.lock:
        now = state.clock.now()
        try:
            _checked(request, now)
        except _Forbidden:
            return Response("link invalid or expired", status_code=403)
        session = state.sessions.get(request.path_params["sessionRef"])
        if session is None or session.upo_reference != request.path_params["upoRef"]:
            raise bad_request(now, "UPO nie istnieje.")
        accepted = [r for r in session.invoices if is_accepted(r, now)]
        return _xml(build_upo(session, accepted, page=True))


routes = [
    Route("/storage/upo/{sessionRef}/invoices/{invoiceRef}", invoice_upo, methods=["GET"]),
    Route("/storage/upo/{sessionRef}/pages/{upoRef}", session_upo, methods=["GET"]),
]
