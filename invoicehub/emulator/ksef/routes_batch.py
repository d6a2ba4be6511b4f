"""Batch sessions: open with the package declaration, PUT each encrypted part, close."""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from invoicehub.emulator.ksef.batch import process_batch
from invoicehub.emulator.ksef.guards import (
    absolute,
    field,
    json_body,
    own_session,
    require_grant,
    state_of,
)
from invoicehub.emulator.ksef.responses import bad_request, forbidden, ok
from invoicehub.emulator.ksef.sessions import new_session
from invoicehub.emulator.ksef.state import BATCH_PART_WINDOW, BatchPlan, KsefState

MAX_PART_BYTES = 100_000_000 + 16  # 100 MB before encryption, plus at most one padding block
MAX_PACKAGE_BYTES = 5_000_000_000


def _plan(state: KsefState, body: dict[str, object]) -> BatchPlan:
    now = state.clock.now()
    batch_file = field(state, body, "batchFile", dict)
    parts = batch_file.get("fileParts")
    size, digest = batch_file.get("fileSize"), batch_file.get("fileHash")
    if (
        not isinstance(size, int)
        or not 1 <= size <= MAX_PACKAGE_BYTES
        or not isinstance(digest, str)
    ):
        raise bad_request(now, "batchFile: fileSize (1 B - 5 GB) i fileHash są wymagane.")
    if not isinstance(parts, list) or not 1 <= len(parts) <= 50:
        raise bad_request(now, "batchFile.fileParts: od 1 do 50 części.")
    declared: dict[int, tuple[int, str]] = {}
    for part in parts:
        if not isinstance(part, dict):
            raise bad_request(now, "batchFile.fileParts: każda część to obiekt.")
        ordinal, part_size, part_hash = (
            part.get(k) for k in ("ordinalNumber", "fileSize", "fileHash")
        )
        if (
            not isinstance(ordinal, int)
            or not isinstance(part_size, int)
            or not isinstance(part_hash, str)
        ):
            raise bad_request(now, "Część paczki: ordinalNumber, fileSize i fileHash są wymagane.")
        if not 1 <= part_size <= MAX_PART_BYTES:
            raise bad_request(now, f"Część {ordinal}: rozmiar przekracza 100 MB.")
        declared[ordinal] = (part_size, part_hash)
    if sorted(declared) != list(range(1, len(parts) + 1)):
        raise bad_request(now, "Numery części muszą być kolejne od 1, bez powtórzeń.")
    return BatchPlan(size, digest, declared, upload_deadline=now + len(parts) * BATCH_PART_WINDOW)


async def open_batch(request: Request) -> Response:
    state = state_of(request)
    grant = require_grant(request, "access")
    body = await json_body(request)
    with state.lock:
        plan = _plan(state, body)
        session = new_session(state, grant, body, "batch", plan.upload_deadline - state.clock.now())
        session.batch = plan
    uploads = [
        {
            "ordinalNumber": ordinal,
            "method": "PUT",
            "url": absolute(
                request, f"/storage/batch/{session.reference}/{ordinal}?sig={plan.upload_secret}"
            ),
            "headers": {"x-ms-blob-type": "BlockBlob"},
        }
        for ordinal in sorted(plan.parts)
    ]
    return ok({"referenceNumber": session.reference, "partUploadRequests": uploads}, 201)


async def upload_part(request: Request) -> Response:
    """The pre-signed upload address: no bearer token, the `sig` in the URL is the credential."""
    state = state_of(request)
    data = await request.body()
    with state.lock:
        now = state.clock.now()
        session = state.sessions.get(request.path_params["referenceNumber"])
        plan = session.batch if session else None
        signature = request.query_params.get("sig", "")
        if (
            session is None
            or plan is None
            or not hmac.compare_digest(signature, plan.upload_secret)
        ):
            raise forbidden(now, request.url.path, "Nieprawidłowy adres wysyłki.", "invalid-url")
        ordinal = int(request.path_params["ordinal"])
        if ordinal not in plan.parts:
            raise bad_request(now, f"Część {ordinal} nie została zadeklarowana.")
        if session.closed_at is not None or now > plan.upload_deadline:
            raise forbidden(now, request.url.path, "Upłynął czas na zapis.", "upload-expired")
        plan.uploaded[ordinal] = data
        session.updated_at = now
    return Response(status_code=201)


async def close_batch(request: Request) -> Response:
    state = state_of(request)
    grant = require_grant(request, "access")
    with state.lock:
        now = state.clock.now()
        session = own_session(state, grant, request.path_params["referenceNumber"], "batch")
        plan = session.batch
        if session.closed_at is not None:
            raise bad_request(now, f"Sesja {session.reference} jest już zamknięta.")
        if plan and now > plan.upload_deadline:
            raise bad_request(now, "Sesja anulowana: przekroczono czas wysyłki.")
        session.closed_at, session.updated_at = now, now
        session.ready_at = now + state.processing_delay
        process_batch(state, session)
    return Response(status_code=204)


routes = [
    Route("/v2/sessions/batch", open_batch, methods=["POST"]),
    Route("/v2/sessions/batch/{referenceNumber}/close", close_batch, methods=["POST"]),
    Route("/storage/batch/{referenceNumber}/{ordinal:int}", upload_part, methods=["PUT"]),
]
