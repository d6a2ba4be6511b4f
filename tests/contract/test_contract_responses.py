"""Every emulator response of the operations Invoice-HUB uses fits the official OpenAPI schemas."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.contract.openapi import assert_response_valid, assert_valid
from tests.support.emulator import SellerTokens

FORMS = "/order/checkout-forms"
FORM = "/order/checkout-forms/{id}"
INVOICES = "/order/checkout-forms/{id}/invoices"
INVOICE_FILE = "/order/checkout-forms/{id}/invoices/{invoiceId}/file"
PDF = b"%PDF-1.4\n%test invoice\n"


@pytest.fixture
def orders(emulator: httpx.Client, seller: SellerTokens) -> list[str]:
    response = emulator.post(
        f"/__emulator/sellers/{seller.login}/orders/generate", json={"count": 40, "seed": 3}
    )
    return response.json()["ids"]


def _form(api: httpx.Client, order_id: str) -> dict[str, Any]:
    return api.get(f"{FORMS}/{order_id}").json()


def test_me_fits_me_response(api: httpx.Client) -> None:
    response = api.get("/me")
    assert response.status_code == 200
    assert_response_valid(response, "/me")


def test_missing_token_fits_auth_error(emulator_url: str) -> None:
    response = httpx.get(
        f"{emulator_url}/me", headers={"Accept": "application/vnd.allegro.public.v1+json"}
    )
    assert response.status_code == 401
    assert_response_valid(response, "/me")


def test_checkout_form_list_fits_checkout_forms(api: httpx.Client, orders: list[str]) -> None:
    response = api.get(FORMS, params={"limit": 25})
    assert response.status_code == 200
    assert_response_valid(response, FORMS)


def test_paging_window_error_fits_errors_holder(api: httpx.Client, orders: list[str]) -> None:
    response = api.get(FORMS, params={"offset": 9950, "limit": 100})
    assert response.status_code == 422
    assert_response_valid(response, FORMS, fallback="ErrorsHolder")


def test_not_acceptable_fits_errors_holder(api: httpx.Client) -> None:
    response = api.get(FORMS, headers={"Accept": "application/json"})
    assert response.status_code == 406
    assert_response_valid(response, FORMS, fallback="ErrorsHolder")


def test_checkout_form_fits_checkout_form(api: httpx.Client, orders: list[str]) -> None:
    response = api.get(f"{FORMS}/{orders[0]}")
    assert response.status_code == 200
    assert_response_valid(response, FORM)


@pytest.mark.parametrize(
    ("order_id", "status"),
    [("7f0c5a38-1c8e-4f6b-9d43-1d0c8f0f8a11", 404), ("not-a-uuid", 422)],
)
def test_checkout_form_errors_fit_errors_holder(
    api: httpx.Client, order_id: str, status: int
) -> None:
    response = api.get(f"{FORMS}/{order_id}")
    assert response.status_code == status
    assert_response_valid(response, FORM, fallback="ErrorsHolder")


def test_events_and_stats_fit_their_schemas(api: httpx.Client, orders: list[str]) -> None:
    events = api.get("/order/events", params={"limit": 1000})
    assert events.status_code == 200 and events.json()["events"]
    assert_response_valid(events, "/order/events")
    stats = api.get("/order/event-stats")
    assert stats.status_code == 200
    assert_response_valid(stats, "/order/event-stats")


def test_invoice_flow_fits_its_schemas(api: httpx.Client, orders: list[str]) -> None:
    order_id = orders[0]
    created = api.post(
        f"{FORMS}/{order_id}/invoices",
        json={"file": {"name": "FV_1_2026.pdf"}, "invoiceNumber": "FV/2026/11/1"},
    )
    assert created.status_code == 201
    assert_response_valid(created, INVOICES)
    pending = api.get(f"{FORMS}/{order_id}/invoices")
    assert_response_valid(pending, INVOICES)
    uploaded = api.put(
        f"{FORMS}/{order_id}/invoices/{created.json()['id']}/file",
        content=PDF,
        headers={"Content-Type": "application/pdf"},
    )
    assert uploaded.status_code == 200 and uploaded.content == b""
    listed = api.get(f"{FORMS}/{order_id}/invoices")
    assert listed.status_code == 200
    assert_response_valid(listed, INVOICES)
    again = api.put(
        f"{FORMS}/{order_id}/invoices/{created.json()['id']}/file",
        content=PDF,
        headers={"Content-Type": "application/pdf"},
    )
    assert again.status_code == 409
    assert_response_valid(again, INVOICE_FILE)


def test_invoice_errors_fit_errors_holder(api: httpx.Client, orders: list[str]) -> None:
    missing = api.post(
        f"{FORMS}/7f0c5a38-1c8e-4f6b-9d43-1d0c8f0f8a11/invoices", json={"file": {"name": "a.pdf"}}
    )
    assert missing.status_code == 404
    assert_response_valid(missing, INVOICES)
    invalid = api.post(f"{FORMS}/{orders[1]}/invoices", json={"file": {}})
    assert invalid.status_code == 422
    assert_response_valid(invalid, INVOICES)
    invoice_id = api.post(f"{FORMS}/{orders[1]}/invoices", json={"file": {"name": "a.pdf"}}).json()[
        "id"
    ]
    path = f"{FORMS}/{orders[1]}/invoices/{invoice_id}/file"
    pdf = {"Content-Type": "application/pdf"}
    for body, status in (
        (b"", 422),
        (b"not a pdf", 422),
        (b"%PDF" + b"0" * (3 * 1024 * 1024), 413),
    ):
        response = api.put(path, content=body, headers=pdf)
        assert response.status_code == status
        assert_response_valid(response, INVOICE_FILE)
    unknown = api.put(f"{FORMS}/{orders[1]}/invoices/nope/file", content=PDF, headers=pdf)
    assert unknown.status_code == 404
    assert_response_valid(unknown, INVOICE_FILE)


def test_invoice_limit_error_fits_errors_holder(api: httpx.Client, orders: list[str]) -> None:
    for number in range(10):
        assert (
            api.post(
                f"{FORMS}/{orders[2]}/invoices", json={"file": {"name": f"{number}.pdf"}}
            ).status_code
            == 201
        )
    refused = api.post(f"{FORMS}/{orders[2]}/invoices", json={"file": {"name": "11.pdf"}})
    assert refused.status_code == 409
    assert_response_valid(refused, INVOICES)


def test_product_offer_fits_sale_product_offer(api: httpx.Client, orders: list[str]) -> None:
    offer_id = _form(api, orders[0])["lineItems"][0]["offer"]["id"]
    response = api.get(f"/sale/product-offers/{offer_id}")
    assert response.status_code == 200
    assert_response_valid(response, "/sale/product-offers/{offerId}")
    missing = api.get("/sale/product-offers/1")
    assert missing.status_code == 404
    assert_response_valid(missing, "/sale/product-offers/{offerId}")


def test_rate_limited_fits_errors_holder(emulator: httpx.Client, api: httpx.Client) -> None:
    emulator.post("/__emulator/config", json={"rateLimitPerMinute": 1}).raise_for_status()
    api.get("/me")
    response = api.get("/me")
    assert response.status_code == 429
    assert_valid(response.json(), "ErrorsHolder")


def test_two_hundred_generated_orders_fit_checkout_form(
    emulator: httpx.Client, api: httpx.Client, seller: SellerTokens
) -> None:
    emulator.post(
        f"/__emulator/sellers/{seller.login}/orders/generate", json={"count": 200, "seed": 11}
    )
    forms = [
        form
        for offset in (0, 100)
        for form in api.get(FORMS, params={"offset": offset}).json()["checkoutForms"]
    ]
    assert len(forms) == 200
    assert_valid({"checkoutForms": forms, "count": 200, "totalCount": 200}, "CheckoutForms")
