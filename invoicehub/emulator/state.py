"""The emulator's whole in-memory world: sellers, their orders and events, tokens, knobs, counters.

One process, one `EmulatorState`, every mutation under `state.lock`. Handlers are async and never
await while holding the lock, so the lock only matters if someone runs the app with threads.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from invoicehub.emulator.config import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REDIRECT_PREFIXES,
    EmulatorConfig,
)
from invoicehub.emulator.events import EVENT_FOR_STATUS, EventLog, build_event, event_order_json
from invoicehub.emulator.faults import FaultList, RateLimiter
from invoicehub.emulator.offers import offer_from_line_item
from invoicehub.emulator.orders import OrderBook, StoredOrder
from invoicehub.emulator.tokens import TokenStore

_FIRST_SELLER_ID = 43_784_832


@dataclass
class Seller:
    id: str
    login: str
    email: str
    company_name: str | None = None
    nip: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    book: OrderBook = field(default_factory=OrderBook)
    events: EventLog = field(default_factory=EventLog)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "login": self.login,
            "email": self.email,
            "companyName": self.company_name,
            "nip": self.nip,
            "firstName": self.first_name,
            "lastName": self.last_name,
            "orders": len(self.book.orders),
            "events": len(self.events),
        }


@dataclass
class Stats:
    token_calls: Counter[str] = field(default_factory=Counter)
    api_calls: Counter[str] = field(default_factory=Counter)
    responses: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, Any]:
        return {
            "tokenCalls": dict(self.token_calls),
            "apiCalls": dict(self.api_calls),
            "responses": dict(self.responses),
        }


@dataclass(frozen=True)
class ClientApp:
    client_id: str
    client_secret: str
    redirect_prefixes: tuple[str, ...] = DEFAULT_REDIRECT_PREFIXES
    name: str = "Invoice-HUB"


class EmulatorState:
    def __init__(self, client: ClientApp | None = None) -> None:
        self.client = client or ClientApp(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.config = EmulatorConfig()
            self.clock_offset = 0.0
            self.sellers: dict[str, Seller] = {}
            self.sellers_by_id: dict[str, Seller] = {}
            self.tokens = TokenStore(self.config)
            self.faults = FaultList()
            self.rate_limiter = RateLimiter()
            self.stats = Stats()
            self._last_event_id = 0

    def now(self) -> float:
        return time.time() + self.clock_offset

    # -- sellers -------------------------------------------------------------------------------

    def upsert_seller(self, login: str, **details: str | None) -> Seller:
        seller = self.sellers.get(login)
        if seller is None:
            seller_id = str(_FIRST_SELLER_ID + len(self.sellers))
            email = details.get("email") or f"{login.lower()}@sprzedawca.example.pl"
            seller = Seller(id=seller_id, login=login, email=email)
            self.sellers[login] = seller
            self.sellers_by_id[seller_id] = seller
        for name, value in details.items():
            if value is not None:
                setattr(seller, name, value)
        return seller

    # -- orders and events ---------------------------------------------------------------------

    def next_event_id(self, occurred_at: float) -> int:
        """Ids are microsecond timestamps where possible, and always strictly growing."""
        self._last_event_id = max(self._last_event_id + 1, int(occurred_at * 1_000_000))
        return self._last_event_id

    def append_event(
        self,
        seller: Seller,
        event_type: str,
        form: dict[str, Any],
        occurred_at: float,
        order_json: bytes | None = None,
    ) -> None:
        event_id = self.next_event_id(occurred_at)
        order_json = order_json or event_order_json(seller.id, form)
        seller.events.append(build_event(event_id, event_type, occurred_at, order_json))

    def store_orders(
        self,
        seller: Seller,
        forms: list[dict[str, Any]],
        lifecycle: dict[str, list[tuple[str, float]]] | None = None,
    ) -> list[StoredOrder]:
        """Store forms and journal their events.

        Without `lifecycle` each form gets the one event matching its status, occurring now.
        With it (the generator), each order id maps to its events as (type, occurred_at).
        """
        now = self.now()
        stored = seller.book.upsert(forms, now)
        planned: list[tuple[float, str, StoredOrder]] = []
        for order in stored:
            if lifecycle is not None and order.id in lifecycle:
                planned.extend((at, kind, order) for kind, at in lifecycle[order.id])
            elif order.status in EVENT_FOR_STATUS:
                planned.append((now, EVENT_FOR_STATUS[order.status], order))
        planned.sort(key=lambda entry: (entry[0], entry[2].id))
        order_json = {o.id: event_order_json(seller.id, o.data) for o in stored}
        for occurred_at, kind, order in planned:
            self.append_event(seller, kind, order.data, occurred_at, order_json[order.id])
        self._remember_offers(seller, stored)
        return stored

    def _remember_offers(self, seller: Seller, stored: list[StoredOrder]) -> None:
        """Offers named by posted orders exist too, so GET /sale/product-offers/{id} finds them."""
        for order in stored:
            for item in order.data.get("lineItems") or []:
                offer_id = str((item.get("offer") or {}).get("id") or "")
                if offer_id and offer_id not in seller.book.offers:
                    seller.book.offers[offer_id] = offer_from_line_item(item, order.updated_at)
