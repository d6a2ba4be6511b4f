"""Session and invoice statuses, invoice lists and UPO downloads (GET /v2/sessions/...)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from invoicehub.emulator.ksef.clock import iso
from invoicehub.emulator.ksef.guards import own_session, require_grant, state_of
from invoicehub.emulator.ksef.processing import is_accepted, visible_status
from invoicehub.emulator.ksef.responses import bad_request, ok
from invoicehub.emulator.ksef.routes_upo_links import (
    UPO_LINK_TTL,
    invoice_upo_link,
    session_upo_link,
)
from invoicehub.emulator.ksef.sessions import session_status
from invoicehub.emulator.ksef.state import InvoiceRecord, Session
from invoicehub.emulator.ksef.upo import build_upo
from invoicehub.integrations.ksef.crypto import sha256_b64


def invoice_json(request: Request, record: InvoiceRecord, now: float) -> dict[str, Any]:
    code, description, details = visible_status(record, now)
    status: dict[str, Any] = {"code": code, "description": description}
    if details:
        status["details"] = details
    if code == 440 and record.extensions:
        status["extensions"] = record.extensions
    body: dict[str, Any] = {
        "ordinalNumber": record.ordinal,
        "referenceNumber": record.reference,
        "invoiceHash": record.invoice_hash or sha256_b64(b""),
        "invoicingDate": iso(record.received_at),
        "invoicingMode": "Offline" if record.offline else "Online",
        "status": status,
    }
    if record.invoice_number:
        body["invoiceNumber"] = record.invoice_number[:256]
    if record.file_name:
        body["invoiceFileName"] = record.file_name
    if is_accepted(record, now):
        upo_link = invoice_upo_link(request, record.session.reference, record.reference, now)
        body |= {
            "ksefNumber": record.ksef_number,
            "acquisitionDate": iso(record.ready_at),
            "permanentStorageDate": iso(record.ready_at),
            "upoDownloadUrl": upo_link,
            "upoDownloadUrlExpirationDate": iso(now + UPO_LINK_TTL),
        }
    return body


async def session_status_view(request: Request) -> Response:
    state = state_of(request)
    grant = require_grant(request, "access")
    with state.lock:
        now = state.clock.now()
        session = own_session(state, grant, request.path_params["referenceNumber"])
        code, description, details = session_status(session, now)
        status: dict[str, Any] = {"code": code, "description": description}
        if details:
            status["details"] = details
        ready = [r for r in session.invoices if now >= r.ready_at]
        body: dict[str, Any] = {
            "status": status,
            "dateCreated": iso(session.created_at),
            "dateUpdated": iso(max(session.updated_at, session.created_at)),
            "validUntil": iso(session.valid_until),
            "invoiceCount": len(session.invoices),
            "successfulInvoiceCount": sum(1 for r in ready if r.code == 200),
            "failedInvoiceCount": sum(1 for r in ready if r.code >= 400),
        }
        if code == 200:
            session.upo_reference = session.upo_reference or state.new_ref("EU")
            body["upo"] = {
                "pages": [
                    {
                        "referenceNumber": session.upo_reference,
                        "downloadUrl": session_upo_link(
                            request, session.reference, session.upo_reference, now
                        ),
                        "downloadUrlExpirationDate": iso(now + UPO_LINK_TTL),
                    }
                ]
            }
    return ok(body)


def _page(request: Request, records: list[InvoiceRecord], now: float) -> dict[str, Any]:
    state = state_of(request)
    try:
        size = int(request.query_params.get("pageSize", "10"))
        start = int(request.headers.get("x-continuation-token") or "0")
    except ValueError as exc:
        raise bad_request(now, "pageSize i x-continuation-token muszą być liczbami.") from exc
    if not 10 <= size <= 1000 or start < 0:
        raise bad_request(state.clock.now(), "pageSize musi mieścić się w zakresie 10-1000.")
    chunk = records[start : start + size]
    body: dict[str, Any] = {"invoices": [invoice_json(request, r, now) for r in chunk]}
    if start + size < len(records):
        body["continuationToken"] = str(start + size)
    return body


async def session_invoices(request: Request) -> Response:
    state = state_of(request)
    grant = require_grant(request, "access")
    with state.lock:
        now = state.clock.now()
        session = own_session(state, grant, request.path_params["referenceNumber"])
        return ok(_page(request, list(session.invoices), now))


async def failed_invoices(request: Request) -> Response:
    state = state_of(request)
    grant = require_grant(request, "access")
    with state.lock:
        now = state.clock.now()
        session = own_session(state, grant, request.path_params["referenceNumber"])
        failed = [r for r in session.invoices if now >= r.ready_at and r.code >= 400]
        return ok(_page(request, failed, now))


def _record(request: Request, session: Session, now: float, **match: str) -> InvoiceRecord:
    for record in session.invoices:
        if all(getattr(record, name) == value for name, value in match.items()):
            return record
    raise bad_request(now, f"Faktura {next(iter(match.values()))} nie istnieje w tej sesji.")


async def invoice_status(request: Request) -> Response:
    state = state_of(request)
    grant = require_grant(request, "access")
    with state.lock:
        now = state.clock.now()
        session = own_session(state, grant, request.path_params["referenceNumber"])
        record = _record(request, session, now, reference=request.path_params["invoiceRef"])
        return ok(invoice_json(request, record, now))


def _xml(document: bytes) -> Response:
    headers = {"x-ms-meta-hash": sha256_b64(document)}
    return Response(document, media_type="application/xml", headers=headers)


async def invoice_upo(request: Request) -> Response:
    state = state_of(request)
    grant = require_grant(request, "access")
    with state.lock:
        now = state.clock.now()
        session = own_session(state, grant, request.path_params["referenceNumber"])
        if "ksefNumber" in request.path_params:
            record = _record(request, session, now, ksef_number=request.path_params["ksefNumber"])
        else:
            record = _record(request, session, now, reference=request.path_params["invoiceRef"])
        if not is_accepted(record, now):
            raise bad_request(now, "UPO jest dostępne tylko dla przyjętej faktury.")
        return _xml(build_upo(session, [record]))


async def session_upo(request: Request) -> Response:
    state = state_of(request)
    grant = require_grant(request, "access")
    with state.lock:
        now = state.clock.now()
        session = own_session(state, grant, request.path_params["referenceNumber"])
        if session.upo_reference != request.path_params["upoRef"]:
            raise bad_request(now, "UPO o podanym numerze nie istnieje.")
        accepted = [r for r in session.invoices if is_accepted(r, now)]
        return _xml(build_upo(session, accepted, page=True))


BASE = "/v2/sessions/{referenceNumber}"
routes = [
    Route(BASE, session_status_view, methods=["GET"]),
    Route(f"{BASE}/invoices", session_invoices, methods=["GET"]),
    Route(f"{BASE}/invoices/failed", failed_invoices, methods=["GET"]),
    Route(f"{BASE}/invoices/ksef/{{ksefNumber}}/upo", invoice_upo, methods=["GET"]),
    Route(f"{BASE}/invoices/{{invoiceRef}}/upo", invoice_upo, methods=["GET"]),
    Route(f"{BASE}/invoices/{{invoiceRef}}", invoice_status, methods=["GET"]),
    Route(f"{BASE}/upo/{{upoRef}}", session_upo, methods=["GET"]),
]
