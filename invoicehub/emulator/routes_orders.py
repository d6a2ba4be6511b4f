"""Read-only Allegro resources: /me, checkout forms, the order event journal, product offers."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from invoicehub.emulator.config import MAX_PAGE_WINDOW
from invoicehub.emulator.events import EVENT_TYPES
from invoicehub.emulator.guards import ApiContext, api_endpoint, query_int
from invoicehub.emulator.orders import SORT_KEYS, STATUSES, OrderQuery, Range
from invoicehub.emulator.responses import allegro_error, allegro_json, validation_error
from invoicehub.emulator.timeutil import format_ts, parse_ts

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
LIST_PATH = "/order/checkout-forms"
EVENTS_PATH = "/order/events"
MAX_FORMS_LIMIT = 100
MAX_EVENTS_LIMIT = 1000
DEFAULT_EVENTS_LIMIT = 100


@api_endpoint("/me", "profile:read")
async def me(request: Request, ctx: ApiContext) -> Response:
    seller = ctx.seller
    return allegro_json(
        {
            "id": seller.id,
            "login": seller.login,
            "firstName": seller.first_name,
            "lastName": seller.last_name,
            "email": seller.email,
            "baseMarketplace": {"id": "allegro-pl"},
            "company": {"name": seller.company_name, "taxId": seller.nip},
            "features": [],
        }
    )


def _range(request: Request, field: str) -> Range | str:
    bounds: list[float | None] = []
    for suffix in ("gte", "lte"):
        raw = request.query_params.get(f"{field}.{suffix}")
        if raw is None:
            bounds.append(None)
            continue
        try:
            bounds.append(parse_ts(raw))
        except ValueError:
            return f"Invalid date-time value of parameter {field}.{suffix}: {raw}"
    return bounds[0], bounds[1]


def _order_query(request: Request) -> OrderQuery | str:
    statuses = frozenset(request.query_params.getlist("status"))
    if not statuses <= STATUSES:
        return f"Invalid status value: {', '.join(sorted(statuses - STATUSES))}"
    sort = request.query_params.get("sort") or "-lineItems.boughtAt"
    if sort not in SORT_KEYS:
        return f"Invalid sort value: {sort}"
    bought = _range(request, "lineItems.boughtAt")
    updated = _range(request, "updatedAt")
    if isinstance(bought, str):
        return bought
    if isinstance(updated, str):
        return updated
    return OrderQuery(statuses=statuses, bought=bought, updated=updated, sort=sort)


@api_endpoint("/order/checkout-forms", "orders:read")
async def list_checkout_forms(request: Request, ctx: ApiContext) -> Response:
    offset = query_int(request, "offset", 0)
    limit = query_int(request, "limit", MAX_FORMS_LIMIT)
    if offset is None or limit is None:
        return validation_error("offset and limit must be integers", LIST_PATH, 400)
    if offset < 0 or not 1 <= limit <= MAX_FORMS_LIMIT:
        return validation_error(
            f"limit must be between 1 and {MAX_FORMS_LIMIT}, offset must not be negative",
            LIST_PATH,
        )
    if offset + limit > MAX_PAGE_WINDOW:
        return allegro_error(
            422,
            "VALIDATION_ERROR",
            f"Offset and limit parameters exceed maximal result size of {MAX_PAGE_WINDOW} items",
            path=LIST_PATH,
            null_user_message=True,
        )
    query = _order_query(request)
    if isinstance(query, str):
        return validation_error(query, LIST_PATH, 400)
    with ctx.state.lock:
        raws, total = ctx.seller.book.page(query, offset, limit)
    body = b'{"checkoutForms":[%s],"count":%d,"totalCount":%d}' % (
        b",".join(raws),
        len(raws),
        total,
    )
    return allegro_json(body)


@api_endpoint("/order/checkout-forms/{id}", "orders:read")
async def get_checkout_form(request: Request, ctx: ApiContext) -> Response:
    form_id = request.path_params["id"]
    path = f"{LIST_PATH}/{form_id}"
    if not UUID_RE.match(form_id):
        return validation_error(f"Checkout form id {form_id} is not a valid UUID", path)
    with ctx.state.lock:
        order = ctx.seller.book.orders.get(form_id) or ctx.seller.book.orders.get(form_id.lower())
    if order is None:
        message = f"Checkout form {form_id} not found"
        return allegro_error(404, "CheckoutFormNotFoundException", message, path=path)
    return allegro_json(order.raw)


@api_endpoint("/order/events", "orders:read")
async def list_order_events(request: Request, ctx: ApiContext) -> Response:
    limit = query_int(request, "limit", DEFAULT_EVENTS_LIMIT)
    if limit is None or not 1 <= limit <= MAX_EVENTS_LIMIT:
        return validation_error(f"limit must be between 1 and {MAX_EVENTS_LIMIT}", EVENTS_PATH)
    raw_from = request.query_params.get("from")
    if raw_from is not None and not raw_from.isdigit():
        return validation_error(f"Invalid event id in parameter from: {raw_from}", EVENTS_PATH)
    types = frozenset(request.query_params.getlist("type"))
    if not types <= EVENT_TYPES:
        unknown = ", ".join(sorted(types - EVENT_TYPES))
        return validation_error(f"Invalid event type: {unknown}", EVENTS_PATH)
    from_id = int(raw_from) if raw_from else None
    with ctx.state.lock:
        raws = ctx.seller.events.after(from_id, types or None, limit)
    return allegro_json(b'{"events":[%s]}' % b",".join(raws))


@api_endpoint("/order/event-stats", "orders:read")
async def order_event_stats(request: Request, ctx: ApiContext) -> Response:
    with ctx.state.lock:
        latest = ctx.seller.events.latest()
    if latest is None:
        return allegro_json({"latestEvent": None})
    return allegro_json(
        {"latestEvent": {"id": str(latest.id), "occurredAt": format_ts(latest.occurred_at)}}
    )


@api_endpoint("/sale/product-offers/{offerId}", "sale:offers:read")
async def get_product_offer(request: Request, ctx: ApiContext) -> Response:
    offer_id = request.path_params["offerId"]
    path = f"/sale/product-offers/{offer_id}"
    if not offer_id.isdigit():
        return validation_error(f"Invalid offer ID format: {offer_id}", path, 400)
    with ctx.state.lock:
        offer = ctx.seller.book.offers.get(offer_id)
    if offer is None:
        return allegro_error(404, "NOT_FOUND", f"Offer {offer_id} not found", path=path)
    return allegro_json(offer)


routes = [
    Route("/me", me, methods=["GET"]),
    Route("/order/checkout-forms", list_checkout_forms, methods=["GET"]),
    Route("/order/checkout-forms/{id}", get_checkout_form, methods=["GET"]),
    Route("/order/events", list_order_events, methods=["GET"]),
    Route("/order/event-stats", order_event_stats, methods=["GET"]),
    Route("/sale/product-offers/{offerId}", get_product_offer, methods=["GET"]),
]
