"""Deterministic, realistic checkout forms (POST /__emulator/sellers/{login}/orders/generate).

Same login, seed and anchor give byte-identical orders (ids included): the random generator is
seeded with `"{login}:{seed}"` and every timestamp is an offset from the anchor. Amounts are whole
grosze internally so `summary.totalToPay` equals sum(price * quantity) + delivery cost exactly.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from invoicehub.emulator.generator_data import (
    CITIES,
    COMPANY_FORMS,
    COMPANY_WORDS,
    DELIVERY_METHODS,
    FEMALE_FIRST_NAMES,
    LAST_NAMES,
    MALE_FIRST_NAMES,
    MESSAGES,
    PRODUCTS,
    STREETS,
)
from invoicehub.emulator.offers import build_offer, money
from invoicehub.emulator.timeutil import format_ts

NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
COMPANY_SHARE = 0.30
# Cumulative shares of order statuses: mostly paid, some unpaid, some cancelled.
STATUS_SHARES = (
    (0.80, "READY_FOR_PROCESSING"),
    (0.87, "FILLED_IN"),
    (0.92, "BOUGHT"),
    (1.00, "CANCELLED"),
)
_FOLD = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def nip_checksum(first_nine: str) -> int:
    return sum(int(d) * w for d, w in zip(first_nine, NIP_WEIGHTS, strict=True)) % 11


def random_nip(rng: random.Random) -> str:
    """A NIP whose checksum is valid (weights 6,5,7,2,3,4,5,6,7 mod 11, never 10)."""
    while True:
        first_nine = f"{rng.randint(1, 9)}{rng.randrange(10**8):08d}"
        check = nip_checksum(first_nine)
        if check != 10:
            return f"{first_nine}{check}"


def _weighted(rng: random.Random, table: tuple[tuple[float, int], ...]) -> int:
    """Pick from (cumulative share, value) pairs; cheaper than random.choices in a hot loop."""
    roll = rng.random()
    return next(value for share, value in table if roll < share)


ITEM_COUNTS = ((0.55, 1), (0.80, 2), (0.92, 3), (1.01, 4))
QUANTITIES = ((0.70, 1), (0.88, 2), (0.96, 3), (1.01, 5))


def _female(last_name: str) -> str:
    for ending in ("ski", "cki", "dzki"):
        if last_name.endswith(ending):
            return last_name[:-1] + "a"
    return last_name


@dataclass
class GeneratedBatch:
    forms: list[dict[str, Any]] = field(default_factory=list)
    lifecycle: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    offers: dict[str, dict[str, Any]] = field(default_factory=dict)


class _OrderFactory:
    def __init__(self, login: str, seed: int, anchor: float, days: int) -> None:
        self.rng = random.Random(f"{login}:{seed}")
        self.anchor = anchor
        self.span = max(days, 1) * 86_400
        self.catalog = [
            (str(14_000_000_000 + self.rng.randrange(10**9)), f"SKU-{i + 1:04d}", *product)
            for i, product in enumerate(PRODUCTS)
        ]

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def person(self) -> tuple[str, str]:
        rng = self.rng
        if rng.random() < 0.5:
            return rng.choice(MALE_FIRST_NAMES), rng.choice(LAST_NAMES)
        return rng.choice(FEMALE_FIRST_NAMES), _female(rng.choice(LAST_NAMES))

    def address(self) -> dict[str, str]:
        rng = self.rng
        city, prefix = rng.choice(CITIES)
        number = f"{rng.randint(1, 199)}" + (f"/{rng.randint(1, 60)}" if rng.random() < 0.5 else "")
        return {
            "street": f"{rng.choice(STREETS)} {number}",
            "city": city,
            "zipCode": f"{prefix}-{rng.randint(1, 999):03d}",
            "countryCode": "PL",
        }

    def company_name(self, last_name: str) -> str:
        rng = self.rng
        if rng.random() < 0.4:
            return f"P.H.U. {last_name} {rng.choice(COMPANY_WORDS)}"
        return (
            f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_FORMS)}"
        )

    def line_items(self, bought_at: str) -> tuple[list[dict[str, Any]], int]:
        rng = self.rng
        count = _weighted(rng, ITEM_COUNTS)
        items, total = [], 0
        for offer_id, external, name, grosze, rate in rng.sample(self.catalog, count):
            quantity = _weighted(rng, QUANTITIES)
            discounted = rng.random() < 0.15
            price = grosze * 9 // 10 if discounted else grosze
            total += price * quantity
            items.append(
                {
                    "id": self.uuid(),
                    "offer": {
                        "id": offer_id,
                        "name": name,
                        "external": {"id": external},
                        "productSet": None,
                        "hsNumber": None,
                    },
                    "quantity": quantity,
                    "originalPrice": money(grosze),
                    "price": money(price),
                    "deposit": None,
                    "reconciliation": None,
                    "selectedAdditionalServices": [],
                    "vouchers": [],
                    "tax": {
                        "rate": rate,
                        "subject": "GOODS" if rate is not None else None,
                        "exemption": None,
                    },
                    "boughtAt": bought_at,
                    "discounts": [{"type": "COUPON"}] if discounted else [],
                    "serialNumbers": None,
                }
            )
        return items, total

    def status(self) -> str:
        roll = self.rng.random()
        return next(status for share, status in STATUS_SHARES if roll < share)

    def lifecycle(self, status: str, bought: float) -> list[tuple[str, float]]:
        filled = bought + self.rng.randint(20, 600)
        if status == "BOUGHT":
            return [("BOUGHT", bought)]
        steps = [("BOUGHT", bought), ("FILLED_IN", filled)]
        if status == "READY_FOR_PROCESSING":
            steps.append(("READY_FOR_PROCESSING", filled + self.rng.randint(5, 900)))
        elif status == "CANCELLED":
            steps.append(("BUYER_CANCELLED", filled + self.rng.randint(600, 86_400)))
        return [(kind, min(at, self.anchor)) for kind, at in steps]

    def invoice(self, first: str, last: str, company: str | None) -> dict[str, Any]:
        if company is not None:
            nip = random_nip(self.rng)
            return {
                "required": True,
                "address": {
                    **self.address(),
                    "company": {
                        "name": company,
                        "ids": [{"type": "PL_NIP", "value": nip}],
                        "vatPayerStatus": "ACTIVE",
                        "taxId": nip,
                    },
                    "naturalPerson": None,
                },
                "dueDate": None,
                "features": [],
            }
        if self.rng.random() < 0.2:
            return {
                "required": True,
                "address": {
                    **self.address(),
                    "company": None,
                    "naturalPerson": {"firstName": first, "lastName": last},
                },
                "dueDate": None,
                "features": [],
            }
        return {"required": False, "address": None, "dueDate": None, "features": []}

    def payment(self, status: str, paid_at: float | None, total: int) -> dict[str, Any]:
        cash_on_delivery = status == "READY_FOR_PROCESSING" and self.rng.random() < 0.05
        paid = paid_at is not None and not cash_on_delivery
        return {
            "id": self.uuid(),
            "type": "CASH_ON_DELIVERY" if cash_on_delivery else "ONLINE",
            "provider": "OFFLINE" if cash_on_delivery else self.rng.choice(("PAYU", "P24")),
            "finishedAt": format_ts(paid_at) if paid and paid_at is not None else None,
            "paidAmount": money(total) if paid else None,
            "reconciliation": None,
            "features": [],
        }

    def delivery(
        self, first: str, last: str, company: str | None, bought: float
    ) -> tuple[dict[str, Any], int]:
        rng = self.rng
        method_id, method_name, cost, pickup = rng.choice(DELIVERY_METHODS)
        if cost > 0 and rng.random() < 0.3:
            cost = 0  # Allegro Smart: free delivery
        address = self.address()
        point_id = f"{address['city'][:3].upper().translate(_FOLD)}{rng.randint(1, 99):02d}M"
        delivery = {
            "address": {
                "firstName": first,
                "lastName": last,
                **address,
                "companyName": company,
                "phoneNumber": f"{rng.randint(500, 799)}{rng.randrange(10**6):06d}",
                "modifiedAt": None,
            },
            "method": {"id": method_id, "name": method_name},
            "pickupPoint": (
                {
                    "id": point_id,
                    "name": f"Paczkomat {point_id}",
                    "description": "Przy sklepie spożywczym",
                    "address": {
                        k: address[k] for k in ("street", "zipCode", "city", "countryCode")
                    },
                }
                if pickup
                else None
            ),
            "cost": money(cost),
            "time": {
                "from": format_ts(bought + 86_400),
                "to": format_ts(bought + 3 * 86_400),
                "guaranteed": None,
                "dispatch": {"from": format_ts(bought), "to": format_ts(bought + 86_400)},
            },
            "smart": cost == 0 and method_name != "Odbiór osobisty",
            "cancellation": None,
            "calculatedNumberOfPackages": 1,
        }
        return delivery, cost

    def order(self) -> tuple[dict[str, Any], list[tuple[str, float]]]:
        rng = self.rng
        order_id = self.uuid()
        bought = round(self.anchor - rng.uniform(3_600, self.span), 3)
        status = self.status()
        steps = self.lifecycle(status, bought)
        first, last = self.person()
        company = self.company_name(last) if rng.random() < COMPANY_SHARE else None
        items, items_total = self.line_items(format_ts(bought))
        delivery, delivery_cost = self.delivery(first, last, company, bought)
        total = items_total + delivery_cost
        paid_at = steps[-1][1] if status == "READY_FOR_PROCESSING" else None
        guest = rng.random() < 0.05
        buyer_id = str(rng.randint(10_000_000, 99_999_999))
        form = {
            "id": order_id,
            "messageToSeller": rng.choice(MESSAGES) if rng.random() < 0.1 else None,
            "buyer": {
                "id": buyer_id,
                "email": f"{rng.getrandbits(32):08x}+{rng.getrandbits(36):09x}@allegromail.pl",
                "login": f"Client:{buyer_id}"
                if guest
                else f"{first}_{last}{rng.randint(1, 99)}".lower().translate(_FOLD),
                "firstName": first,
                "lastName": last,
                "companyName": company,
                "guest": guest,
                "personalIdentity": None,
                "phoneNumber": delivery["address"]["phoneNumber"],
                "preferences": {"language": "pl-PL"},
                "address": {
                    k if k != "zipCode" else "postCode": v for k, v in self.address().items()
                },
            },
            "payment": self.payment(status, paid_at, total),
            "status": status,
            "fulfillment": {
                "status": "CANCELLED" if status == "CANCELLED" else "NEW",
                "shipmentSummary": {"lineItemsSent": "NONE"},
                "provider": {"id": "SELLER"},
            },
            "delivery": delivery,
            "invoice": self.invoice(first, last, company)
            if status != "BOUGHT"
            else {"required": False, "address": None, "dueDate": None, "features": []},
            "lineItems": items,
            "surcharges": [],
            "note": None,
            "marketplace": {"id": "allegro-pl"},
            "summary": {"totalToPay": money(total)},
            "updatedAt": format_ts(steps[-1][1]),
            "revision": f"{rng.getrandbits(32):08x}",
        }
        return form, steps


def generate_orders(
    login: str, count: int, seed: int, anchor: float, days: int = 30
) -> GeneratedBatch:
    """`count` orders bought within `days` before `anchor` (epoch seconds), with their events."""
    factory = _OrderFactory(login, seed, anchor, days)
    batch = GeneratedBatch()
    for offer_id, external, name, grosze, rate in factory.catalog:
        batch.offers[offer_id] = build_offer(
            offer_id, name, grosze, rate, external, anchor - factory.span
        )
    for _ in range(count):
        form, steps = factory.order()
        batch.forms.append(form)
        batch.lifecycle[form["id"]] = steps
    return batch
