"""Payment refunds (RefundDetails) and customer returns (CustomerReturn) of a seller's orders,
built the way Allegro shapes them; the control API creates them, /payments/refunds and
/order/customer-returns list them. A refund never returns more than the order's line bought or
than was paid; the checks here answer the control API's 400s.
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from invoicehub.emulator.orders import StoredOrder
from invoicehub.emulator.timeutil import format_ts

REFUND_REASONS = frozenset(
    {
        "REFUND",
        "COMPLAINT",
        "PRODUCT_NOT_AVAILABLE",
        "PAID_VALUE_TOO_LOW",
        "OVERPAID",
        "CANCELLED_BY_BUYER",
        "NOT_COLLECTED",
    }
)
REFUND_STATUSES = frozenset(
    {"SUCCESS", "CANCELED", "PARTIAL", "IN_PROGRESS", "VALIDATED", "VALIDATE_FAILED", "NEW"}
)
RETURN_STATUSES = frozenset(
    {
        "CREATED",
        "DISPATCHED",
        "IN_TRANSIT",
        "DELIVERED",
        "FINISHED",
        "FINISHED_APT",
        "REJECTED",
        "COMMISSION_REFUND_CLAIMED",
        "COMMISSION_REFUNDED",
        "WAREHOUSE_DELIVERED",
        "WAREHOUSE_VERIFICATION",
    }
)


class RefundRefused(ValueError):
    """The control API's request cannot be a refund or return of that order."""


def _money(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise RefundRefused('amount must be a decimal string such as "12.34"') from None
    if not amount.is_finite() or amount <= 0 or amount != round(amount, 2):
        raise RefundRefused("amount must be positive, with at most 2 decimals")
    return amount


def _refunded_quantities(order_id: str, refunds: list[dict[str, Any]]) -> dict[str, int]:
    taken: dict[str, int] = {}
    for refund in refunds:
        if refund["order"]["id"] != order_id or refund["status"] == "CANCELED":
            continue
        for item in refund.get("lineItems") or []:
            if item.get("type") == "QUANTITY":
                taken[item["id"]] = taken.get(item["id"], 0) + int(item["quantity"])
    return taken


def _refunded_total(order_id: str, refunds: list[dict[str, Any]]) -> Decimal:
    return sum(
        (
            Decimal(r["totalValue"]["amount"])
            for r in refunds
            if r["order"]["id"] == order_id and r["status"] != "CANCELED"
        ),
        Decimal("0"),
    )


def _line_refunds(order: StoredOrder, wanted: Any, taken: dict[str, int]) -> list[dict[str, Any]]:
    if not isinstance(wanted, list) or not wanted:
        raise RefundRefused("lineItems must be a non-empty list of {id, quantity}")
    lines = {item["id"]: item for item in order.data.get("lineItems") or []}
    refunded: list[dict[str, Any]] = []
    for entry in wanted:
        line = lines.get(entry.get("id")) if isinstance(entry, dict) else None
        if line is None:
            raise RefundRefused(f"order {order.id} has no line item {entry!r}")
        quantity = entry.get("quantity")
        left = int(line["quantity"]) - taken.get(line["id"], 0)
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= left:
            raise RefundRefused(f"line item {line['id']}: quantity must be 1 to {left}")
        value = Decimal(line["price"]["amount"]) * quantity
        refunded.append(
            {"id": line["id"], "type": "QUANTITY", "quantity": quantity, "_value": value}
        )
    return refunded


def build_refund(
    order: StoredOrder, body: dict[str, Any], refunds: list[dict[str, Any]], now: float
) -> dict[str, Any]:
    """RefundDetails of `{"orderId","lineItems":[{"id","quantity"}]}` or `{"orderId","amount"}`."""
    reason = body.get("reason", "REFUND")
    status = body.get("status", "SUCCESS")
    if reason not in REFUND_REASONS or status not in REFUND_STATUSES:
        raise RefundRefused("unknown reason or status")
    paid = Decimal(order.data["summary"]["totalToPay"]["amount"])
    left = paid - _refunded_total(order.id, refunds)
    line_items: list[dict[str, Any]] = []
    if "lineItems" in body:
        line_items = _line_refunds(
            order, body["lineItems"], _refunded_quantities(order.id, refunds)
        )
        total = sum((item.pop("_value") for item in line_items), Decimal("0"))
    else:
        total = _money(body.get("amount"))
    if total > left:
        raise RefundRefused(f"a refund of {total:.2f} is more than the {left:.2f} left to refund")
    currency = order.data["summary"]["totalToPay"].get("currency", "PLN")
    return {
        "id": str(uuid.uuid4()),
        "payment": {"id": (order.data.get("payment") or {}).get("id")},
        "order": {"id": order.id},
        "reason": reason,
        "status": status,
        "createdAt": format_ts(now),
        "totalValue": {"amount": f"{total:.2f}", "currency": currency},
        "lineItems": line_items,
    }


def build_return(
    order: StoredOrder, body: dict[str, Any], count: int, now: float
) -> dict[str, Any]:
    """CustomerReturn of `{"orderId","items":[{"offerId","quantity"}],"status"?}`."""
    status = body.get("status", "FINISHED")
    if status not in RETURN_STATUSES:
        raise RefundRefused(f"status must be one of {', '.join(sorted(RETURN_STATUSES))}")
    items = _returned_items(order, body.get("items"))
    buyer = order.data.get("buyer") or {}
    return {
        "id": str(uuid.uuid4()),
        "isFulfillment": False,
        "createdAt": format_ts(now),
        "referenceNumber": f"{count + 1}/Z{now:.0f}"[-12:],
        "orderId": order.id,
        "buyer": {"email": buyer.get("email"), "login": buyer.get("login")},
        "items": items,
        "refund": None,
        "parcels": [],
        "marketplaceId": "allegro-pl",
        "status": status,
    }


def _returned_items(order: StoredOrder, wanted: Any) -> list[dict[str, Any]]:
    by_offer = {item["offer"]["id"]: item for item in order.data.get("lineItems") or []}
    if not isinstance(wanted, list) or not wanted:
        raise RefundRefused("items must be a non-empty list of {offerId, quantity}")
    items = []
    for entry in wanted:
        line = by_offer.get(entry.get("offerId")) if isinstance(entry, dict) else None
        if line is None:
            raise RefundRefused(f"order {order.id} has no offer {entry!r}")
        quantity = entry.get("quantity")
        if not isinstance(quantity, int) or not 1 <= quantity <= int(line["quantity"]):
            limit = line["quantity"]
            raise RefundRefused(f"offer {line['offer']['id']}: quantity must be 1 to {limit}")
        items.append(
            {
                "offerId": line["offer"]["id"],
                "quantity": quantity,
                "name": line["offer"]["name"],
                "price": line["price"],
                "url": f"https://allegro.pl/oferta/{line['offer']['id']}",
                "reason": {"type": "DONT_LIKE_IT", "userComment": None},
            }
        )
    return items
