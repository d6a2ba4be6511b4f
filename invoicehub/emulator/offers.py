"""Offers as GET /sale/product-offers/{offerId} returns them, and Allegro money amounts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from invoicehub.emulator.timeutil import format_ts


def money(grosze: int, currency: str = "PLN") -> dict[str, str]:
    return {"amount": f"{grosze // 100}.{grosze % 100:02d}", "currency": currency}


def build_offer(
    offer_id: str,
    name: str,
    grosze: int,
    rate: str | None,
    external_id: str | None,
    at: float,
    currency: str = "PLN",
) -> dict[str, Any]:
    """A GET /sale/product-offers/{offerId} body carrying what invoicing reads (`taxSettings`)."""
    stamp = format_ts(at)
    return {
        "id": offer_id,
        "name": name,
        "productSet": [],
        "category": {"id": "257931"},
        "external": {"id": external_id} if external_id else None,
        "sellingMode": {"format": "BUY_NOW", "price": money(grosze, currency)},
        "stock": {"available": 100, "unit": "UNIT"},
        "publication": {"status": "ACTIVE"},
        "payments": {"invoice": "VAT" if rate is not None else "WITHOUT_VAT"},
        "taxSettings": (
            {"rates": [{"rate": rate, "countryCode": "PL"}], "subject": "GOODS", "exemption": None}
            if rate is not None
            else None
        ),
        "language": "pl-PL",
        "createdAt": stamp,
        "updatedAt": stamp,
    }


def offer_from_line_item(item: dict[str, Any], at: float) -> dict[str, Any]:
    offer = item.get("offer") or {}
    price = item.get("originalPrice") or item.get("price") or {"amount": "0.00"}
    grosze = int(Decimal(str(price.get("amount") or "0")) * 100)
    rate = (item.get("tax") or {}).get("rate")
    external = (offer.get("external") or {}).get("id")
    currency = str(price.get("currency") or "PLN")
    name = str(offer.get("name") or "")
    return build_offer(str(offer["id"]), name, grosze, rate, external, at, currency)
