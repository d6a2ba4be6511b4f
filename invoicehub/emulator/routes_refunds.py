"""Refunds and customer returns: the Allegro resources and the control endpoints creating them.

GET  /payments/refunds                         filters id, payment.id, order.id, occurredAt.gte/lte,
                                               status; limit 1..100 (50), offset; oldest first
GET  /order/customer-returns                   (beta media type) filters customerReturnId, orderId,
                                               status, createdAt.gte/lte; limit 1..1000 (100)
GET  /order/customer-returns/{customerReturnId}
POST /__emulator/sellers/{login}/refunds       {"orderId","lineItems":[{"id","quantity"}]} or
                                               {"orderId","amount"} (+ reason?, status?) -> refund
POST /__emulator/sellers/{login}/customer-returns  {"orderId","items":[{"offerId","quantity"}],
                                               "status"?="FINISHED"} -> CustomerReturn
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from invoicehub.emulator.guards import ApiContext, api_endpoint, get_state, json_object, query_int
from invoicehub.emulator.refunds import RefundRefused, build_refund, build_return
from invoicehub.emulator.responses import (
    allegro_error,
    allegro_json,
    control_error,
    control_json,
    validation_error,
)
from invoicehub.emulator.timeutil import parse_ts

BETA_MEDIA_TYPE = "application/vnd.allegro.beta.v1+json"
REFUNDS_PATH = "/payments/refunds"
RETURNS_PATH = "/order/customer-returns"


def _page(request: Request, path: str, default: int, maximum: int) -> tuple[int, int] | Response:
    offset, limit = query_int(request, "offset", 0), query_int(request, "limit", default)
    if offset is None or limit is None:
        return validation_error("offset and limit must be integers", path, 400)
    if offset < 0 or not 1 <= limit <= maximum:
        return validation_error(
            f"limit must be between 1 and {maximum}, offset must not be negative", path
        )
    return offset, limit


def _time_filter(request: Request, field: str, path: str) -> Callable[[str], bool] | Response:
    bounds = []
    for suffix in ("gte", "lte"):
        raw = request.query_params.get(f"{field}.{suffix}")
        try:
            bounds.append(parse_ts(raw) if raw else None)
        except ValueError:
            return validation_error(f"{field}.{suffix} must be an ISO 8601 date-time", path, 400)
    low, high = bounds
    return lambda stamp: (
        (low is None or parse_ts(stamp) >= low) and (high is None or parse_ts(stamp) <= high)
    )


def _matches(request: Request, record: dict[str, Any], filters: dict[str, Any]) -> bool:
    for name, value_of in filters.items():
        wanted = request.query_params.getlist(name)
        if wanted and value_of(record) not in wanted:
            return False
    return True


_REFUND_FILTERS = {
    "id": lambda r: r["id"],
    "payment.id": lambda r: r["payment"]["id"],
    "order.id": lambda r: r["order"]["id"],
    "status": lambda r: r["status"],
}
_RETURN_FILTERS = {
    "customerReturnId": lambda r: r["id"],
    "orderId": lambda r: r["orderId"],
    "status": lambda r: r["status"],
}


@api_endpoint(REFUNDS_PATH, "payments:read")
async def list_refunds(request: Request, ctx: ApiContext) -> Response:
    page = _page(request, REFUNDS_PATH, 50, 100)
    when = _time_filter(request, "occurredAt", REFUNDS_PATH)
    if isinstance(page, Response) or isinstance(when, Response):
        return page if isinstance(page, Response) else when  # type: ignore[return-value]
    offset, limit = page
    with ctx.state.lock:
        found = [
            r
            for r in ctx.seller.book.refunds
            if _matches(request, r, _REFUND_FILTERS) and when(r["createdAt"])
        ]
    items = found[offset : offset + limit]
    return allegro_json({"refunds": items, "count": len(items), "totalCount": len(found)})


@api_endpoint(RETURNS_PATH, "orders:read", BETA_MEDIA_TYPE)
async def list_returns(request: Request, ctx: ApiContext) -> Response:
    page = _page(request, RETURNS_PATH, 100, 1000)
    when = _time_filter(request, "createdAt", RETURNS_PATH)
    if isinstance(page, Response) or isinstance(when, Response):
        return page if isinstance(page, Response) else when  # type: ignore[return-value]
    offset, limit = page
    with ctx.state.lock:
        found = [
            r
            for r in ctx.seller.book.returns.values()
            if _matches(request, r, _RETURN_FILTERS) and when(r["createdAt"])
        ]
    items = found[offset : offset + limit]
    return _beta_json({"customerReturns": items, "count": len(items)})


@api_endpoint(RETURNS_PATH + "/{customerReturnId}", "orders:read", BETA_MEDIA_TYPE)
async def get_return(request: Request, ctx: ApiContext) -> Response:
    return_id = request.path_params["customerReturnId"]
    with ctx.state.lock:
        found = ctx.seller.book.returns.get(return_id)
    if found is None:
        message = f"Customer return with id [{return_id}] not found"
        return allegro_error(404, "NOT_FOUND", message, path=f"{RETURNS_PATH}/{return_id}")
    return _beta_json(found)


def _beta_json(payload: Any) -> Response:
    response = allegro_json(payload)
    response.headers["content-type"] = BETA_MEDIA_TYPE
    return response


async def _control(request: Request) -> tuple[Any, Any, dict[str, Any]] | Response:
    state = get_state(request)
    seller = state.sellers.get(request.path_params["login"])
    if seller is None:
        return control_error("unknown seller", 404)
    body = json_object(await request.body())
    if body is None or not isinstance(body.get("orderId"), str):
        return control_error("a JSON object with orderId is required")
    order = seller.book.orders.get(body["orderId"])
    if order is None:
        return control_error(f"unknown order {body['orderId']}", 404)
    return state, seller, {"order": order, "body": body}


async def create_refund(request: Request) -> Response:
    found = await _control(request)
    if isinstance(found, Response):
        return found
    state, seller, parts = found
    with state.lock:
        try:
            refund = build_refund(parts["order"], parts["body"], seller.book.refunds, state.now())
        except RefundRefused as exc:
            return control_error(str(exc))
        seller.book.refunds.append(refund)
    return control_json(refund, 201)


async def create_customer_return(request: Request) -> Response:
    found = await _control(request)
    if isinstance(found, Response):
        return found
    state, seller, parts = found
    with state.lock:
        returns = seller.book.returns
        try:
            record = build_return(parts["order"], parts["body"], len(returns), state.now())
        except RefundRefused as exc:
            return control_error(str(exc))
        returns[record["id"]] = record
    return control_json(record, 201)


routes = [
    Route(REFUNDS_PATH, list_refunds, methods=["GET"]),
    Route(RETURNS_PATH, list_returns, methods=["GET"]),
    Route(RETURNS_PATH + "/{customerReturnId}", get_return, methods=["GET"]),
    Route("/__emulator/sellers/{login}/refunds", create_refund, methods=["POST"]),
    Route("/__emulator/sellers/{login}/customer-returns", create_customer_return, methods=["POST"]),
]
