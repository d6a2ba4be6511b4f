"""The emulator's refunds and customer returns: created through the control API, listed the way
the official spec shapes them (RefundDetails, CustomerReturn), filtered, paged, and refused when
they would return more than the order holds."""

from __future__ import annotations

import httpx
import pytest

from tests.contract.openapi import assert_response_valid, assert_valid
from tests.support.emulator import SellerTokens

BETA = "application/vnd.allegro.beta.v1+json"


@pytest.fixture
def order(emulator: httpx.Client, seller: SellerTokens) -> dict:
    generated = emulator.post(
        f"/__emulator/sellers/{seller.login}/orders/generate", json={"count": 30, "seed": 7}
    ).json()["ids"]
    return next(
        form
        for form_id in generated
        if (form := _form(emulator, seller, form_id))["status"] == "READY_FOR_PROCESSING"
        and len(form["lineItems"]) >= 1
    )


def _form(emulator: httpx.Client, seller: SellerTokens, form_id: str) -> dict:
    url = f"{str(emulator.base_url).rstrip('/')}/order/checkout-forms/{form_id}"
    return httpx.get(url, headers=seller.headers()).json()


def _refund(emulator: httpx.Client, seller: SellerTokens, body: dict) -> httpx.Response:
    return emulator.post(f"/__emulator/sellers/{seller.login}/refunds", json=body)


def test_a_line_refund_is_listed_as_refund_details(emulator, seller, order, api):
    item = order["lineItems"][0]
    created = _refund(
        emulator, seller, {"orderId": order["id"], "lineItems": [{"id": item["id"], "quantity": 1}]}
    )
    assert created.status_code == 201, created.text
    assert_valid(created.json(), "RefundDetails")
    listed = api.get("/payments/refunds", params={"order.id": order["id"]})
    assert listed.status_code == 200
    assert set(listed.json()) == {"refunds", "count", "totalCount"}  # the spec's inline schema
    [refund] = listed.json()["refunds"]
    assert_valid(refund, "RefundDetails")
    assert refund["lineItems"] == [{"id": item["id"], "type": "QUANTITY", "quantity": 1}]
    assert refund["totalValue"]["amount"] == item["price"]["amount"]
    assert api.get("/payments/refunds", params={"order.id": "other"}).json()["refunds"] == []


def test_refunds_never_exceed_what_the_order_holds(emulator, seller, order):
    item = order["lineItems"][0]
    too_many = {"orderId": order["id"], "lineItems": [{"id": item["id"], "quantity": 999}]}
    assert _refund(emulator, seller, too_many).status_code == 400
    total = order["summary"]["totalToPay"]["amount"]
    assert _refund(emulator, seller, {"orderId": order["id"], "amount": total}).status_code == 201
    assert _refund(emulator, seller, {"orderId": order["id"], "amount": "0.01"}).status_code == 400
    assert _refund(emulator, seller, {"orderId": "nope", "amount": "1.00"}).status_code == 404


def test_refund_listing_filters_by_time_and_pages(emulator, seller, order, api):
    for _ in range(3):
        _refund(emulator, seller, {"orderId": order["id"], "amount": "0.01"})
    page = api.get("/payments/refunds", params={"limit": 2, "offset": 0}).json()
    assert page["count"] == 2 and page["totalCount"] == 3
    later = api.get("/payments/refunds", params={"occurredAt.gte": "2999-01-01T00:00:00Z"})
    assert later.json()["refunds"] == []
    bad = api.get("/payments/refunds", params={"limit": 101})
    assert bad.status_code == 422
    assert_response_valid(bad, "/payments/refunds", fallback="ErrorsHolder")


def test_customer_returns_are_a_beta_resource_shaped_like_the_spec(emulator, seller, order, api):
    offer = order["lineItems"][0]["offer"]["id"]
    body = {"orderId": order["id"], "items": [{"offerId": offer, "quantity": 1}]}
    created = emulator.post(f"/__emulator/sellers/{seller.login}/customer-returns", json=body)
    assert created.status_code == 201
    assert_valid(created.json(), "CustomerReturn")
    assert created.json()["status"] == "FINISHED"
    assert api.get("/order/customer-returns").status_code == 406  # public media type refused
    listed = api.get("/order/customer-returns", headers={"Accept": BETA})
    assert listed.status_code == 200 and listed.headers["content-type"].startswith(BETA)
    assert_valid(listed.json(), "CustomerReturnResponse")
    return_id = created.json()["id"]
    one = api.get(f"/order/customer-returns/{return_id}", headers={"Accept": BETA})
    assert one.json()["orderId"] == order["id"]
    missing = api.get("/order/customer-returns/nope", headers={"Accept": BETA})
    assert missing.status_code == 404
    assert_valid(missing.json(), "ErrorsHolder")
    by_status = api.get(
        "/order/customer-returns", params={"status": "CREATED"}, headers={"Accept": BETA}
    )
    assert by_status.json()["customerReturns"] == []
