"""A seller's order event journal: ascending numeric ids, pre-serialised, bisected on `from`."""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from invoicehub.emulator.timeutil import format_ts

# Status of a stored checkout form -> the journal event it produces.
EVENT_FOR_STATUS = {
    "BOUGHT": "BOUGHT",
    "FILLED_IN": "FILLED_IN",
    "READY_FOR_PROCESSING": "READY_FOR_PROCESSING",
    "CANCELLED": "BUYER_CANCELLED",
}
EVENT_TYPES = frozenset(
    {
        "BOUGHT",
        "FILLED_IN",
        "READY_FOR_PROCESSING",
        "BUYER_CANCELLED",
        "FULFILLMENT_STATUS_CHANGED",
        "BUYER_MODIFIED",
        "AUTO_CANCELLED",
    }
)


@dataclass(slots=True)
class StoredEvent:
    id: int
    type: str
    occurred_at: float
    raw: bytes


def event_order_json(seller_id: str, form: dict[str, Any]) -> bytes:
    """The `order` part of an event: the same for every event of one order revision."""
    buyer = form.get("buyer") or {}
    line_items = [
        {
            "id": item.get("id"),
            "offer": {
                "id": (item.get("offer") or {}).get("id"),
                "name": (item.get("offer") or {}).get("name"),
                "external": (item.get("offer") or {}).get("external"),
            },
            "quantity": item.get("quantity"),
            "originalPrice": item.get("originalPrice"),
            "price": item.get("price"),
            "boughtAt": item.get("boughtAt"),
        }
        for item in form.get("lineItems") or []
    ]
    order = {
        "seller": {"id": seller_id},
        "buyer": {
            "id": buyer.get("id"),
            "email": buyer.get("email"),
            "login": buyer.get("login"),
            "guest": buyer.get("guest", False),
            "preferences": buyer.get("preferences"),
        },
        "lineItems": line_items,
        "checkoutForm": {"id": form["id"], "revision": form.get("revision")},
        "marketplace": form.get("marketplace") or {"id": "allegro-pl"},
    }
    return json.dumps(order, ensure_ascii=False, separators=(",", ":")).encode()


def build_event(
    event_id: int, event_type: str, occurred_at: float, order_json: bytes
) -> StoredEvent:
    raw = b'{"id":"%d","order":%s,"type":"%s","occurredAt":"%s"}' % (
        event_id,
        order_json,
        event_type.encode(),
        format_ts(occurred_at).encode(),
    )
    return StoredEvent(event_id, event_type, occurred_at, raw)


class EventLog:
    def __init__(self) -> None:
        self._events: list[StoredEvent] = []
        self._ids: list[int] = []

    def __len__(self) -> int:
        return len(self._events)

    def append(self, event: StoredEvent) -> None:
        if self._ids and event.id <= self._ids[-1]:
            raise ValueError("event ids must grow")
        self._events.append(event)
        self._ids.append(event.id)

    def after(self, from_id: int | None, types: frozenset[str] | None, limit: int) -> list[bytes]:
        """Up to `limit` events with an id strictly greater than `from_id`, oldest first."""
        start = 0 if from_id is None else bisect_right(self._ids, from_id)
        if not types:
            return [event.raw for event in self._events[start : start + limit]]
        found: list[bytes] = []
        for index in range(start, len(self._events)):
            event = self._events[index]
            if event.type in types:
                found.append(event.raw)
                if len(found) >= limit:
                    break
        return found

    def latest(self) -> StoredEvent | None:
        return self._events[-1] if self._events else None
