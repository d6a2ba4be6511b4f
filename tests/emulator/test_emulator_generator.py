"""Generated orders are deterministic, realistic and internally consistent."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.support.emulator import SellerTokens, connect_seller

NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
ANCHOR = "2026-03-01T12:00:00Z"


def _nip_is_valid(nip: str) -> bool:
    if len(nip) != 10 or not nip.isdigit():
        return False
    checksum = sum(int(d) * w for d, w in zip(nip, NIP_WEIGHTS, strict=False)) % 11
    return checksum != 10 and checksum == int(nip[9])


def _generate(emulator: httpx.Client, login: str, count: int, seed: int) -> list[str]:
    body = {"count": count, "seed": seed, "anchor": ANCHOR}
    response = emulator.post(f"/__emulator/sellers/{login}/orders/generate", json=body)
    response.raise_for_status()
    return response.json()["ids"]


def _all_forms(api: httpx.Client) -> list[dict[str, Any]]:
    forms: list[dict[str, Any]] = []
    while True:
        page = api.get(
            "/order/checkout-forms", params={"offset": len(forms), "sort": "updatedAt"}
        ).json()
        forms += page["checkoutForms"]
        if len(forms) >= page["totalCount"]:
            return forms


@pytest.fixture
def forms(emulator: httpx.Client, api: httpx.Client, seller: SellerTokens) -> list[dict[str, Any]]:
    _generate(emulator, seller.login, 1000, 42)
    return _all_forms(api)


def test_same_seed_gives_the_same_orders(
    emulator: httpx.Client, api: httpx.Client, seller: SellerTokens
) -> None:
    _generate(emulator, seller.login, 50, 7)
    first = _all_forms(api)
    emulator.post("/__emulator/reset")
    again = connect_seller(emulator, seller.login)
    _generate(emulator, seller.login, 50, 7)
    api.headers["Authorization"] = f"Bearer {again.access_token}"
    assert _all_forms(api) == first


def test_another_seed_gives_other_orders(emulator: httpx.Client, seller: SellerTokens) -> None:
    assert _generate(emulator, seller.login, 20, 1) != _generate(emulator, seller.login, 20, 2)


def test_company_buyers_are_about_30_percent_with_valid_nips(forms: list[dict[str, Any]]) -> None:
    companies = [
        f["invoice"]["address"]["company"]
        for f in forms
        if f["invoice"]["address"] and f["invoice"]["address"]["company"]
    ]
    assert 0.2 < len(companies) / len(forms) < 0.4
    for company in companies:
        [nip] = [i["value"] for i in company["ids"] if i["type"] == "PL_NIP"]
        assert _nip_is_valid(nip) and company["taxId"] == nip


def test_total_to_pay_is_lines_plus_delivery_to_the_grosz(forms: list[dict[str, Any]]) -> None:
    for form in forms:
        lines = sum(Decimal(i["price"]["amount"]) * i["quantity"] for i in form["lineItems"])
        expected = lines + Decimal(form["delivery"]["cost"]["amount"])
        assert Decimal(form["summary"]["totalToPay"]["amount"]) == expected
        assert form["summary"]["totalToPay"]["amount"] == f"{expected:.2f}"


def test_orders_mix_statuses_rates_and_payments(forms: list[dict[str, Any]]) -> None:
    statuses = Counter(f["status"] for f in forms)
    assert statuses["READY_FOR_PROCESSING"] > 0.7 * len(forms)
    assert statuses["BOUGHT"] and statuses["FILLED_IN"] and statuses["CANCELLED"]
    rates = {i["tax"]["rate"] for f in forms for i in f["lineItems"]}
    assert {"23.00", "8.00", "5.00", "0.00", None} <= rates
    assert any(len(f["lineItems"]) > 1 for f in forms)
    assert any(Decimal(f["delivery"]["cost"]["amount"]) > 0 for f in forms)
    for form in forms:
        paid = form["payment"]["paidAmount"]
        if form["status"] in ("BOUGHT", "FILLED_IN", "CANCELLED"):
            assert paid is None and form["payment"]["finishedAt"] is None
        elif paid is not None:
            assert paid == form["summary"]["totalToPay"] and form["payment"]["finishedAt"]


def test_names_are_polish_with_diacritics(forms: list[dict[str, Any]]) -> None:
    names = " ".join(f"{f['buyer']['firstName']} {f['buyer']['lastName']}" for f in forms)
    assert set("ąćęłńóśźż") & set(names.lower())


def test_every_generated_order_has_journal_events(
    api: httpx.Client, forms: list[dict[str, Any]]
) -> None:
    seen: set[str] = set()
    cursor = None
    while True:
        params = {"limit": 1000} | ({"from": cursor} if cursor else {})
        events = api.get("/order/events", params=params).json()["events"]
        if not events:
            break
        seen |= {e["order"]["checkoutForm"]["id"] for e in events}
        cursor = events[-1]["id"]
    assert seen == {f["id"] for f in forms}


def test_ten_thousand_orders_generate_in_one_call(
    emulator: httpx.Client, seller: SellerTokens
) -> None:
    assert len(_generate(emulator, seller.login, 10_000, 1)) == 10_000
