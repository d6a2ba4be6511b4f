"""The control API under /__emulator/: tokens, what was received, faults, clock, reset, settings.

Answers are JSON; bad input gets 422 with `{"error": ...}`. Never exposed by real KSeF.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from invoicehub.emulator.faults import Fault
from invoicehub.emulator.ksef.clock import iso
from invoicehub.emulator.ksef.guards import state_of
from invoicehub.emulator.ksef.processing import visible_status

_NIP = re.compile(r"^[1-9]((\d[1-9])|([1-9]\d))\d{7}$")


def _error(message: str, status: int = 422) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def reset(request: Request) -> Response:
    state = state_of(request)
    with state.lock:
        state.reset()
        state.clock.reset()
    return JSONResponse({"status": "reset"})


async def tokens(request: Request) -> Response:
    """`{"nip"}` -> a KSeF token (with its reference number) that authenticates in that context."""
    state = state_of(request)
    try:
        nip = str((await _body(request)).get("nip", ""))
    except ValueError as exc:
        return _error(str(exc))
    if not _NIP.match(nip):
        return _error("nip must be a 10-digit NIP")
    with state.lock:
        token = state.issue_token(nip)
    return JSONResponse(
        {"token": token.token, "referenceNumber": token.reference, "nip": nip}, status_code=201
    )


async def invoices(request: Request) -> Response:
    """What the emulator received, oldest first (optionally only seller/context `nip`)."""
    state = state_of(request)
    nip = request.query_params.get("nip")
    with state.lock:
        now = state.clock.now()
        rows = []
        for record in state.invoices:
            if nip and nip not in (record.seller_nip, record.session.nip):
                continue
            code, description, details = visible_status(record, now)
            rows.append(
                {
                    "invoiceNumber": record.invoice_number,
                    "ksefNumber": record.ksef_number if code == 200 else None,
                    "statusCode": code,
                    "statusDescription": description,
                    "details": details,
                    "referenceNumber": record.reference,
                    "sessionReferenceNumber": record.session.reference,
                    "sellerNip": record.seller_nip,
                    "receivedAt": iso(record.received_at),
                    "xml": record.xml.decode("utf-8", errors="replace"),
                }
            )
    return JSONResponse({"invoices": rows})


async def faults(request: Request) -> Response:
    """POST adds a fault (Allegro emulator's shape) or an outage `{"outageSeconds": N}`;
    GET lists them; DELETE clears faults and the outage."""
    state = state_of(request)
    if request.method == "DELETE":
        with state.lock:
            state.faults.faults.clear()
            state.outage_until = None
        return JSONResponse({"faults": [], "outageUntil": None})
    if request.method == "POST":
        try:
            body = await _body(request)
            seconds = body.get("outageSeconds")
            with state.lock:
                if seconds is not None:
                    if not isinstance(seconds, int | float) or seconds <= 0:
                        raise ValueError("outageSeconds must be a positive number")
                    state.outage_until = state.clock.now() + float(seconds)
                else:
                    state.faults.faults.append(Fault.from_json(body))
        except (ValueError, TypeError) as exc:
            return _error(str(exc))
    with state.lock:
        until = state.outage_until
        listed = [fault.as_json() for fault in state.faults.faults]
    return JSONResponse({"faults": listed, "outageUntil": iso(until) if until else None})


async def clock(request: Request) -> Response:
    """POST `{"shiftSeconds": N}`, `{"set": "2026-02-01T10:00:00+00:00"}` and/or `{"frozen": bool}`
    (a frozen clock stands still until shifted, set or unfrozen); GET reads it."""
    state = state_of(request)
    if request.method == "POST":
        try:
            body = await _body(request)
            shift, frozen = body.get("shiftSeconds"), body.get("frozen")
            if not ({"set", "shiftSeconds", "frozen"} & body.keys()):
                raise ValueError("give shiftSeconds (number), set (ISO date-time) or frozen (bool)")
            if shift is not None and not isinstance(shift, int | float):
                raise ValueError("shiftSeconds must be a number")
            when = datetime.fromisoformat(str(body["set"])) if "set" in body else None
            with state.lock:
                if isinstance(frozen, bool):
                    state.clock.freeze(frozen)
                if when is not None:
                    state.clock.set(when)
                if shift is not None:
                    state.clock.shift(float(shift))
        except ValueError as exc:
            return _error(str(exc))
    with state.lock:
        frozen = state.clock.frozen_at is not None
        return JSONResponse({"now": iso(state.clock.now()), "frozen": frozen})


async def settings(request: Request) -> Response:
    """POST `{"processingDelayMs"?, "rateLimitScale"?}`; scale 10 = TEST environment limits."""
    state = state_of(request)
    if request.method == "POST":
        try:
            body = await _body(request)
            delay, scale = body.get("processingDelayMs"), body.get("rateLimitScale")
            if delay is not None and (not isinstance(delay, int) or delay < 0):
                raise ValueError("processingDelayMs must be a non-negative integer")
            if scale is not None and (not isinstance(scale, int | float) or scale <= 0):
                raise ValueError("rateLimitScale must be a positive number")
        except ValueError as exc:
            return _error(str(exc))
        with state.lock:
            if delay is not None:
                state.processing_delay = delay / 1000
            if scale is not None:
                state.limiter.scale = float(scale)
    return JSONResponse(state.settings_json())


routes = [
    Route("/__emulator/health", health, methods=["GET"]),
    Route("/__emulator/reset", reset, methods=["POST"]),
    Route("/__emulator/tokens", tokens, methods=["POST"]),
    Route("/__emulator/invoices", invoices, methods=["GET"]),
    Route("/__emulator/faults", faults, methods=["GET", "POST", "DELETE"]),
    Route("/__emulator/clock", clock, methods=["GET", "POST"]),
    Route("/__emulator/settings", settings, methods=["GET", "POST"]),
]
