"""The control API under /__emulator/: not Allegro, plain JSON, for tests, demos and benchmarks.

GET    /__emulator/health                          200 {"status": "ok"}
POST   /__emulator/reset                           forget everything; config back to defaults
POST   /__emulator/sellers                         {login, email?, companyName?, nip?, firstName?,
                                                    lastName?} -> seller (numeric id; same login
                                                    = same seller, given fields updated)
GET    /__emulator/sellers                         {"sellers": [...]}
POST   /__emulator/sellers/{login}/orders          {"checkoutForms": [CheckoutForm...]} -> {"ids",
                                                    "orders": [{id, revision, updatedAt}]}; a known
                                                    id is an update (new revision and updatedAt);
                                                    one journal event per form from its status
POST   /__emulator/sellers/{login}/orders/generate {count, seed, anchor?, days?} -> {count, ids}
POST   /__emulator/sellers/{login}/events          {checkoutFormId, type} -> {id} (e.g. duplicates)
POST   /__emulator/sellers/{login}/revoke          kill the seller's access and refresh tokens
GET    /__emulator/sellers/{login}/invoices        uploaded files: orderId, invoiceId,
                                                    invoiceNumber, fileName, size, sha256
GET    /__emulator/sellers/{login}/invoices/{invoiceId}/file   the uploaded PDF
POST   /__emulator/oauth/approve                   {authUrl, login} -> {redirectUrl}
POST   /__emulator/faults                          {pathPattern, status?, delayMs?, count?=1,
                                                    retryAfter?, body?, method?} (see faults.py)
POST   /__emulator/orders/{checkoutFormId}/faults  {status?=404, count?=1, body?}: the next
                                                    `count` GETs of that checkout form fail
GET    /__emulator/faults, DELETE /__emulator/faults
GET|POST /__emulator/config                        {accessTokenTtl?, refreshTokenTtl?, codeTtl?,
                                                    refreshGraceSeconds?, rateLimitPerMinute?,
                                                    rateLimitBlockSeconds?, invoiceScanSeconds?,
                                                    rejectInvoiceWhenNotRequired?}
GET|DELETE /__emulator/stats                       {tokenCalls{grant}, apiCalls{"GET /path"},
                                                    responses{status}}; DELETE zeroes them
POST   /__emulator/clock                           {advanceSeconds} moves the emulator's clock on
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from invoicehub.emulator.events import EVENT_TYPES
from invoicehub.emulator.faults import Fault
from invoicehub.emulator.generator import generate_orders
from invoicehub.emulator.guards import get_state, json_object
from invoicehub.emulator.responses import control_error, control_json
from invoicehub.emulator.routes_oauth import approve, parse_authorize
from invoicehub.emulator.state import EmulatorState, Seller
from invoicehub.emulator.timeutil import parse_ts

MAX_GENERATE = 100_000
_SELLER_FIELDS = {
    "email": "email",
    "companyName": "company_name",
    "nip": "nip",
    "firstName": "first_name",
    "lastName": "last_name",
}


async def _body(request: Request) -> dict[str, Any] | None:
    raw = await request.body()
    return {} if not raw.strip() else json_object(raw)


def _seller(state: EmulatorState, request: Request) -> Seller | Response:
    seller = state.sellers.get(request.path_params["login"])
    return seller if seller is not None else control_error("unknown seller", 404)


async def health(request: Request) -> Response:
    return control_json({"status": "ok"})


async def reset(request: Request) -> Response:
    get_state(request).reset()
    return control_json({"status": "reset"})


async def create_seller(request: Request) -> Response:
    body = await _body(request)
    login = (body or {}).get("login")
    if not isinstance(login, str) or not login.strip():
        return control_error("login is required")
    details = {attr: body.get(key) for key, attr in _SELLER_FIELDS.items() if body and key in body}
    state = get_state(request)
    with state.lock:
        seller = state.upsert_seller(login.strip(), **details)
        return control_json(seller.as_json())


async def list_sellers(request: Request) -> Response:
    state = get_state(request)
    with state.lock:
        return control_json({"sellers": [s.as_json() for s in state.sellers.values()]})


async def post_orders(request: Request) -> Response:
    body = await _body(request)
    forms = (body or {}).get("checkoutForms")
    if not isinstance(forms, list) or not all(isinstance(f, dict) for f in forms):
        return control_error("checkoutForms must be a list of CheckoutForm objects")
    state = get_state(request)
    with state.lock:
        seller = _seller(state, request)
        if isinstance(seller, Response):
            return seller
        try:
            stored = state.store_orders(seller, forms)
        except (KeyError, TypeError, ValueError) as exc:
            return control_error(f"invalid checkout form: {exc}")
        return control_json(
            {
                "ids": [o.id for o in stored],
                "orders": [
                    {"id": o.id, "revision": o.data["revision"], "updatedAt": o.data["updatedAt"]}
                    for o in stored
                ],
            }
        )


async def generate(request: Request) -> Response:
    body = await _body(request) or {}
    count, seed, days = body.get("count", 10), body.get("seed", 0), body.get("days", 30)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (count, seed, days)):
        return control_error("count, seed and days must be integers")
    if not 0 <= count <= MAX_GENERATE or days < 1:
        return control_error(f"count must be 0..{MAX_GENERATE} and days at least 1")
    state = get_state(request)
    try:
        anchor = (
            parse_ts(body["anchor"]) if body.get("anchor") else float(int(state.now()) // 60 * 60)
        )
    except (TypeError, ValueError):
        return control_error("anchor must be an ISO-8601 date-time")
    with state.lock:
        seller = _seller(state, request)
        if isinstance(seller, Response):
            return seller
        batch = generate_orders(seller.login, count, seed, anchor, days)
        for offer_id, offer in batch.offers.items():
            seller.book.offers.setdefault(offer_id, offer)
        stored = state.store_orders(seller, batch.forms, batch.lifecycle)
        return control_json({"count": len(stored), "ids": [o.id for o in stored]})


async def append_event(request: Request) -> Response:
    body = await _body(request) or {}
    event_type = body.get("type")
    if event_type not in EVENT_TYPES:
        return control_error(f"type must be one of {', '.join(sorted(EVENT_TYPES))}")
    state = get_state(request)
    with state.lock:
        seller = _seller(state, request)
        if isinstance(seller, Response):
            return seller
        order = seller.book.orders.get(str(body.get("checkoutFormId")))
        if order is None:
            return control_error("unknown checkoutFormId", 404)
        state.append_event(seller, str(event_type), order.data, state.now())
        latest = seller.events.latest()
        return control_json({"id": str(latest.id) if latest else None})


async def approve_authorization(request: Request) -> Response:
    body = await _body(request) or {}
    auth_url, login = body.get("authUrl"), body.get("login")
    if not isinstance(auth_url, str) or not isinstance(login, str):
        return control_error("authUrl and login are required")
    state = get_state(request)
    auth = parse_authorize(state, parse_qsl(urlsplit(auth_url).query, keep_blank_values=True))
    if isinstance(auth, str):
        return control_error(auth)
    redirect_url = approve(state, auth, login)
    if redirect_url is None:
        return control_error("unknown seller", 404)
    return control_json({"redirectUrl": redirect_url})


async def add_fault(request: Request) -> Response:
    body = await _body(request)
    try:
        fault = Fault.from_json(body or {})
    except (TypeError, ValueError) as exc:
        return control_error(str(exc))
    state = get_state(request)
    with state.lock:
        state.faults.faults.append(fault)
        return control_json({"faults": [f.as_json() for f in state.faults.faults]}, 201)


async def add_order_fault(request: Request) -> Response:
    body = await _body(request)
    try:
        fault = Fault.for_order(request.path_params["checkoutFormId"], body or {})
    except (TypeError, ValueError) as exc:
        return control_error(str(exc))
    state = get_state(request)
    with state.lock:
        state.faults.faults.append(fault)
        return control_json({"faults": [f.as_json() for f in state.faults.faults]}, 201)


async def list_faults(request: Request) -> Response:
    state = get_state(request)
    with state.lock:
        return control_json({"faults": [f.as_json() for f in state.faults.faults]})


async def clear_faults(request: Request) -> Response:
    state = get_state(request)
    with state.lock:
        state.faults.faults.clear()
    return control_json({"faults": []})


async def revoke(request: Request) -> Response:
    state = get_state(request)
    with state.lock:
        seller = _seller(state, request)
        if isinstance(seller, Response):
            return seller
        return control_json({"revoked": state.tokens.revoke_seller(seller.id)})


async def seller_invoices(request: Request) -> Response:
    state = get_state(request)
    with state.lock:
        seller = _seller(state, request)
        if isinstance(seller, Response):
            return seller
        files = [
            {
                "orderId": record.order_id,
                "invoiceId": record.id,
                "invoiceNumber": record.invoice_number,
                "fileName": record.file_name,
                "size": len(record.content),
                "sha256": record.sha256,
            }
            for records in seller.book.invoices.values()
            for record in records
            if record.content is not None
        ]
        return control_json({"invoices": files})


async def invoice_file(request: Request) -> Response:
    state = get_state(request)
    with state.lock:
        seller = _seller(state, request)
        if isinstance(seller, Response):
            return seller
        for records in seller.book.invoices.values():
            for record in records:
                if record.id == request.path_params["invoiceId"] and record.content is not None:
                    return Response(record.content, media_type="application/pdf")
    return control_error("no uploaded file for this invoice id", 404)


async def config(request: Request) -> Response:
    state = get_state(request)
    if request.method == "POST":
        body = await _body(request)
        if body is None:
            return control_error("the body must be a JSON object")
        with state.lock:
            try:
                state.config.update(body)
            except ValueError as exc:
                return control_error(str(exc))
    with state.lock:
        return control_json(state.config.as_dict())


async def stats(request: Request) -> Response:
    state = get_state(request)
    with state.lock:
        if request.method == "DELETE":
            state.stats.token_calls.clear()
            state.stats.api_calls.clear()
            state.stats.responses.clear()
        return control_json(state.stats.as_json())


async def clock(request: Request) -> Response:
    """Move the emulator's clock forward (token, code and grace expiry without sleeping)."""
    body = await _body(request) or {}
    advance = body.get("advanceSeconds", 0)
    if not isinstance(advance, int | float) or isinstance(advance, bool) or advance < 0:
        return control_error("advanceSeconds must be a non-negative number")
    state = get_state(request)
    with state.lock:
        state.clock_offset += float(advance)
        return control_json({"offsetSeconds": state.clock_offset, "now": state.now()})


routes = [
    Route("/__emulator/health", health, methods=["GET"]),
    Route("/__emulator/reset", reset, methods=["POST"]),
    Route("/__emulator/sellers", create_seller, methods=["POST"]),
    Route("/__emulator/sellers", list_sellers, methods=["GET"]),
    Route("/__emulator/sellers/{login}/orders", post_orders, methods=["POST"]),
    Route("/__emulator/sellers/{login}/orders/generate", generate, methods=["POST"]),
    Route("/__emulator/sellers/{login}/events", append_event, methods=["POST"]),
    Route("/__emulator/sellers/{login}/revoke", revoke, methods=["POST"]),
    Route("/__emulator/sellers/{login}/invoices", seller_invoices, methods=["GET"]),
    Route("/__emulator/sellers/{login}/invoices/{invoiceId}/file", invoice_file, methods=["GET"]),
    Route("/__emulator/oauth/approve", approve_authorization, methods=["POST"]),
    Route("/__emulator/faults", add_fault, methods=["POST"]),
    Route("/__emulator/faults", list_faults, methods=["GET"]),
    Route("/__emulator/orders/{checkoutFormId}/faults", add_order_fault, methods=["POST"]),
    Route("/__emulator/faults", clear_faults, methods=["DELETE"]),
    Route("/__emulator/config", config, methods=["GET", "POST"]),
    Route("/__emulator/stats", stats, methods=["GET", "DELETE"]),
    Route("/__emulator/clock", clock, methods=["POST"]),
]
