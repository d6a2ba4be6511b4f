"""Online (interactive) sessions: open, send one encrypted invoice at a time, close."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from invoicehub.emulator.ksef import processing
from invoicehub.emulator.ksef.clock import iso
from invoicehub.emulator.ksef.guards import (
    b64,
    field,
    json_body,
    own_session,
    require_grant,
    state_of,
)
from invoicehub.emulator.ksef.responses import bad_request, ok
from invoicehub.emulator.ksef.sessions import expire, new_session
from invoicehub.emulator.ksef.state import MAX_INVOICES_PER_SESSION, ONLINE_SESSION_TTL
from invoicehub.integrations.ksef.crypto import aes_cbc_decrypt, sha256_b64


async def open_online(request: Request) -> Response:
    state = state_of(request)
    grant = require_grant(request, "access")
    body = await json_body(request)
    with state.lock:
        session = new_session(state, grant, body, "online", ONLINE_SESSION_TTL)
    return ok({"referenceNumber": session.reference, "validUntil": iso(session.valid_until)}, 201)


async def send_invoice(request: Request) -> Response:
    state = state_of(request)
    grant = require_grant(request, "access")
    body = await json_body(request)
    invoice_hash = field(state, body, "invoiceHash", str)
    invoice_size = field(state, body, "invoiceSize", int)
    encrypted_hash = field(state, body, "encryptedInvoiceHash", str)
    encrypted_size = field(state, body, "encryptedInvoiceSize", int)
    content = b64(state, body.get("encryptedInvoiceContent"), "encryptedInvoiceContent")
    with state.lock:
        now = state.clock.now()
        session = own_session(state, grant, request.path_params["referenceNumber"], "online")
        expire(session, now)
        if session.closed_at is not None:
            raise bad_request(now, f"Sesja {session.reference} jest zamknięta.")
        if session.key is None:
            raise bad_request(now, "Błąd odszyfrowania dostarczonego klucza sesji.")
        if len(session.invoices) >= MAX_INVOICES_PER_SESSION:
            raise bad_request(now, "Przekroczony limit faktur w sesji (10 000).")
        if len(content) != encrypted_size or sha256_b64(content) != encrypted_hash:
            raise bad_request(
                now, "Skrót lub rozmiar zaszyfrowanej faktury nie zgadza się z treścią."
            )
        try:
            xml = aes_cbc_decrypt(session.key, session.iv, content)
        except ValueError:
            record = processing.failed(state, session, invoice_hash, 435, ["Błąd odszyfrowania."])
            return ok({"referenceNumber": record.reference}, 202)
        if len(xml) != invoice_size or sha256_b64(xml) != invoice_hash:
            detail = "Skrót lub rozmiar faktury nie zgadza się z odszyfrowaną treścią."
            record = processing.failed(state, session, invoice_hash, 430, [detail])
        else:
            offline = bool(body.get("offlineMode", False))
            record = processing.receive(state, session, xml, offline=offline)
    return ok({"referenceNumber": record.reference}, 202)


async def close_online(request: Request) -> Response:
    state = state_of(request)
    grant = require_grant(request, "access")
    with state.lock:
        now = state.clock.now()
        session = own_session(state, grant, request.path_params["referenceNumber"], "online")
        expire(session, now)
        if session.closed_at is not None:
            raise bad_request(now, f"Sesja {session.reference} jest już zamknięta.")
        session.closed_at, session.updated_at = now, now
        session.ready_at = now + state.processing_delay
    return Response(status_code=204)


routes = [
    Route("/v2/sessions/online", open_online, methods=["POST"]),
    Route("/v2/sessions/online/{referenceNumber}/invoices", send_invoice, methods=["POST"]),
    Route("/v2/sessions/online/{referenceNumber}/close", close_online, methods=["POST"]),
]
