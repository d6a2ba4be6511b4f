"""A seller's checkout forms: stored pre-serialised, indexed by id and by the two sortable dates.

Listing work is O(page): the filtered, sorted id list of a query is computed once per data version
and cached, so paging through 10 000 orders with the same filters scans them only once.
"""

from __future__ import annotations

import json
import secrets
import uuid
from bisect import bisect_left, bisect_right, insort
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from invoicehub.emulator.timeutil import format_ts, parse_ts

SORT_KEYS = {
    "lineItems.boughtAt": ("bought", False),
    "-lineItems.boughtAt": ("bought", True),
    "updatedAt": ("updated", False),
    "-updatedAt": ("updated", True),
}
DEFAULT_SORT = "-lineItems.boughtAt"
STATUSES = frozenset({"BOUGHT", "FILLED_IN", "READY_FOR_PROCESSING", "CANCELLED"})
_QUERY_CACHE_SIZE = 32
_BULK_REINDEX = 64  # above this many changes a full re-sort beats one insort per order

Range = tuple[float | None, float | None]


@dataclass(frozen=True)
class OrderQuery:
    statuses: frozenset[str] = frozenset()
    bought: Range = (None, None)
    updated: Range = (None, None)
    sort: str = DEFAULT_SORT


@dataclass(slots=True)
class StoredOrder:
    id: str
    data: dict[str, Any]
    raw: bytes
    status: str
    bought_at: float
    updated_at: float


@dataclass
class InvoiceRecord:
    id: str
    order_id: str
    file_name: str
    invoice_number: str | None
    created_at: float
    content: bytes | None = None
    uploaded_at: float | None = None
    sha256: str | None = None


def serialize(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _latest_bought_at(form: dict[str, Any], fallback: float) -> float:
    stamps = [parse_ts(i["boughtAt"]) for i in form.get("lineItems") or [] if i.get("boughtAt")]
    return max(stamps) if stamps else fallback


def _in_range(value: float, bounds: Range) -> bool:
    low, high = bounds
    return (low is None or value >= low) and (high is None or value <= high)


@dataclass
class OrderBook:
    orders: dict[str, StoredOrder] = field(default_factory=dict)
    offers: dict[str, dict[str, Any]] = field(default_factory=dict)
    invoices: dict[str, list[InvoiceRecord]] = field(default_factory=dict)
    refunds: list[dict[str, Any]] = field(default_factory=list)  # RefundDetails, oldest first
    returns: dict[str, dict[str, Any]] = field(default_factory=dict)  # CustomerReturn by id
    version: int = 0
    _by_bought: list[tuple[float, str]] = field(default_factory=list)
    _by_updated: list[tuple[float, str]] = field(default_factory=list)
    _cache: OrderedDict[tuple[int, OrderQuery], list[str]] = field(default_factory=OrderedDict)

    def upsert(self, forms: list[dict[str, Any]], now: float) -> list[StoredOrder]:
        """Store forms; an id already present is an update with a new revision and updatedAt."""
        stored: list[StoredOrder] = []
        bulk = len(forms) > _BULK_REINDEX
        for form in forms:
            form = dict(form)
            order_id = str(form.get("id") or uuid.uuid4())
            form["id"] = order_id
            previous = self.orders.get(order_id)
            if previous is not None:
                form["revision"] = secrets.token_hex(4)
                form["updatedAt"] = format_ts(now)
                if not bulk:
                    self._unindex(previous)
            else:
                form.setdefault("revision", None)
                form["revision"] = form["revision"] or secrets.token_hex(4)
                form["updatedAt"] = form.get("updatedAt") or format_ts(now)
            for item in form.get("lineItems") or []:
                item.setdefault("id", str(uuid.uuid4()))
            updated_at = parse_ts(form["updatedAt"])
            order = StoredOrder(
                id=order_id,
                data=form,
                raw=serialize(form),
                status=str(form.get("status")),
                bought_at=_latest_bought_at(form, updated_at),
                updated_at=updated_at,
            )
            self.orders[order_id] = order
            if not bulk:
                insort(self._by_bought, (order.bought_at, order_id))
                insort(self._by_updated, (order.updated_at, order_id))
            stored.append(order)
        if bulk:
            self._by_bought = sorted((o.bought_at, o.id) for o in self.orders.values())
            self._by_updated = sorted((o.updated_at, o.id) for o in self.orders.values())
        self.version += 1
        self._cache.clear()
        return stored

    def _unindex(self, order: StoredOrder) -> None:
        for index, key in (
            (self._by_bought, order.bought_at),
            (self._by_updated, order.updated_at),
        ):
            position = bisect_left(index, (key, order.id))
            if position < len(index) and index[position] == (key, order.id):
                del index[position]

    def query(self, query: OrderQuery) -> list[str]:
        """Ids of the orders matching `query`, in the requested order (cached per data version)."""
        cache_key = (self.version, query)
        cached = self._cache.get(cache_key)
        if cached is not None:
            self._cache.move_to_end(cache_key)
            return cached
        key_name, descending = SORT_KEYS[query.sort]
        index, own_range, other_range, other_attr = (
            (self._by_bought, query.bought, query.updated, "updated_at")
            if key_name == "bought"
            else (self._by_updated, query.updated, query.bought, "bought_at")
        )
        low, high = own_range
        start = 0 if low is None else bisect_left(index, (low, ""))
        stop = len(index) if high is None else bisect_right(index, (high, "\uffff"))
        ids: list[str] = []
        check_other = other_range != (None, None)
        for _, order_id in index[start:stop]:
            order = self.orders[order_id]
            if query.statuses and order.status not in query.statuses:
                continue
            if check_other and not _in_range(getattr(order, other_attr), other_range):
                continue
            ids.append(order_id)
        if descending:
            ids.reverse()
        self._cache[cache_key] = ids
        if len(self._cache) > _QUERY_CACHE_SIZE:
            self._cache.popitem(last=False)
        return ids

    def page(self, query: OrderQuery, offset: int, limit: int) -> tuple[list[bytes], int]:
        ids = self.query(query)
        return [self.orders[i].raw for i in ids[offset : offset + limit]], len(ids)
