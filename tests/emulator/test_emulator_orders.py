"""Checkout forms, the event journal and offers: Allegro's paths, headers, paging and errors."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import httpx
import pytest

from tests.support.emulator import SellerTokens

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "allegro"
FORMS = "/order/checkout-forms"


def _fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"checkout_form__{name}.json").read_text(encoding="utf-8"))


def _post(emulator: httpx.Client, login: str, *forms: dict) -> list[dict]:
    response = emulator.post(
        f"/__emulator/sellers/{login}/orders", json={"checkoutForms": list(forms)}
    )
    response.raise_for_status()
    return response.json()["orders"]


@pytest.fixture
def generated(emulator: httpx.Client, seller: SellerTokens) -> list[str]:
    body = {"count": 150, "seed": 5}
    return emulator.post(f"/__emulator/sellers/{seller.login}/orders/generate", json=body).json()[
        "ids"
    ]


def test_every_response_carries_a_trace_id(api: httpx.Client) -> None:
    assert api.get("/me").headers["trace-id"]
    assert api.get("/nowhere").headers["trace-id"]


def test_without_the_allegro_media_type_the_api_answers_406(api: httpx.Client) -> None:
    response = api.get("/me", headers={"Accept": "application/json"})
    assert response.status_code == 406
    assert response.json()["errors"][0]["code"] == "NotAcceptableException"
    assert response.headers["content-type"] == "application/vnd.allegro.public.v1+json"


def test_missing_and_garbage_tokens_get_oauth_style_401(emulator_url: str) -> None:
    accept = {"Accept": "application/vnd.allegro.public.v1+json"}
    missing = httpx.get(f"{emulator_url}/me", headers=accept)
    assert missing.status_code == 401
    assert missing.json() == {
        "error": "unauthorized",
        "error_description": "Full authentication is required to access this resource",
    }
    garbage = httpx.get(f"{emulator_url}/me", headers={**accept, "Authorization": "Bearer abc"})
    assert garbage.json() == {
        "error": "invalid_token",
        "error_description": "Cannot convert access token to JSON",
    }


def test_me_describes_the_seller(api: httpx.Client, seller: SellerTokens) -> None:
    me = api.get("/me").json()
    assert me["login"] == seller.login and me["id"].isdigit()
    assert me["company"] == {"name": "Sklep Testowy Sp. z o.o.", "taxId": None}


def test_listing_defaults_to_100_newest_bought_first(
    api: httpx.Client, generated: list[str]
) -> None:
    body = api.get(FORMS).json()
    assert body["count"] == 100 and body["totalCount"] == 150
    bought = [max(i["boughtAt"] for i in f["lineItems"]) for f in body["checkoutForms"]]
    assert bought == sorted(bought, reverse=True)


def test_offset_plus_limit_beyond_10000_is_422(api: httpx.Client) -> None:
    response = api.get(FORMS, params={"offset": 9901, "limit": 100})
    assert response.status_code == 422
    assert response.json() == {
        "errors": [
            {
                "code": "VALIDATION_ERROR",
                "message": "Offset and limit parameters exceed maximal result size of 10000 items",
                "details": None,
                "path": "/order/checkout-forms",
                "userMessage": None,
            }
        ]
    }
    assert api.get(FORMS, params={"offset": 9900, "limit": 100}).status_code == 200


@pytest.mark.parametrize("limit", [0, 101])
def test_limit_outside_1_to_100_is_422(api: httpx.Client, limit: int) -> None:
    assert api.get(FORMS, params={"limit": limit}).status_code == 422


def test_status_filter_accepts_repeated_values(api: httpx.Client, generated: list[str]) -> None:
    params = [("status", "BOUGHT"), ("status", "CANCELLED"), ("limit", "100")]
    forms = api.get(FORMS, params=params).json()["checkoutForms"]
    assert forms and {f["status"] for f in forms} <= {"BOUGHT", "CANCELLED"}
    assert api.get(FORMS, params={"status": "PAID"}).status_code == 400


def test_updated_at_window_and_sort(api: httpx.Client, generated: list[str]) -> None:
    everything = api.get(FORMS, params={"sort": "updatedAt", "limit": 100}).json()["checkoutForms"]
    stamps = [f["updatedAt"] for f in everything]
    assert stamps == sorted(stamps)
    middle = stamps[50]
    later = api.get(FORMS, params={"updatedAt.gte": middle, "sort": "-updatedAt"}).json()
    assert later["totalCount"] == 100
    assert all(f["updatedAt"] >= middle for f in later["checkoutForms"])
    assert api.get(FORMS, params={"updatedAt.gte": "yesterday"}).status_code == 400


def test_detail_returns_the_stored_form(
    emulator: httpx.Client, api: httpx.Client, seller: SellerTokens
) -> None:
    form = _fixture("company_buyer")
    _post(emulator, seller.login, form)
    body = api.get(f"{FORMS}/{form['id']}").json()
    assert body["invoice"] == form["invoice"] and body["summary"] == form["summary"]
    assert body["messageToSeller"] is None  # null fields stay in the body


def test_unknown_form_is_404_checkout_form_not_found(api: httpx.Client) -> None:
    form_id = "c93df771-353e-11ee-9e0d-11d3ebef3a15"
    response = api.get(f"{FORMS}/{form_id}")
    assert response.status_code == 404
    assert response.json()["errors"][0] == {
        "code": "CheckoutFormNotFoundException",
        "message": f"Checkout form {form_id} not found",
        "details": None,
        "path": f"/order/checkout-forms/{form_id}",
        "userMessage": f"Checkout form {form_id} not found",
    }


def test_malformed_form_id_is_422(api: httpx.Client) -> None:
    assert api.get(f"{FORMS}/12345").status_code == 422


def test_posting_an_existing_id_updates_it_with_a_new_revision(
    emulator: httpx.Client, api: httpx.Client, seller: SellerTokens
) -> None:
    form = _fixture("unpaid_bought")
    first = _post(emulator, seller.login, form)[0]
    paid = copy.deepcopy(form)
    paid["status"] = "READY_FOR_PROCESSING"
    second = _post(emulator, seller.login, paid)[0]
    assert second["id"] == first["id"] and second["revision"] != first["revision"]
    assert api.get(f"{FORMS}/{form['id']}").json()["status"] == "READY_FOR_PROCESSING"
    events = api.get("/order/events").json()["events"]
    assert [e["type"] for e in events] == ["BOUGHT", "READY_FOR_PROCESSING"]
    assert events[1]["order"]["checkoutForm"] == {"id": form["id"], "revision": second["revision"]}


def test_posted_forms_get_ids_and_cancelled_maps_to_buyer_cancelled(
    emulator: httpx.Client, api: httpx.Client, seller: SellerTokens
) -> None:
    form = _fixture("cancelled")
    del form["id"], form["revision"], form["updatedAt"]
    stored = _post(emulator, seller.login, form)[0]
    assert stored["id"] and stored["revision"] and stored["updatedAt"]
    event = api.get("/order/events").json()["events"][-1]
    assert (
        event["type"] == "BUYER_CANCELLED" and event["order"]["checkoutForm"]["id"] == stored["id"]
    )


def test_events_are_ascending_and_from_is_exclusive(
    api: httpx.Client, generated: list[str]
) -> None:
    first = api.get("/order/events").json()["events"]
    assert len(first) == 100
    ids = [int(e["id"]) for e in first]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(isinstance(e["id"], str) for e in first)
    following = api.get("/order/events", params={"from": first[49]["id"], "limit": 10}).json()[
        "events"
    ]
    assert [e["id"] for e in following] == [e["id"] for e in first[50:60]]


def test_events_filter_by_repeated_type(api: httpx.Client, generated: list[str]) -> None:
    params = [("type", "READY_FOR_PROCESSING"), ("type", "BUYER_CANCELLED"), ("limit", "1000")]
    events = api.get("/order/events", params=params).json()["events"]
    assert events and {e["type"] for e in events} == {"READY_FOR_PROCESSING", "BUYER_CANCELLED"}


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 1001}, {"from": "abc"}, {"type": "PAID"}]
)
def test_bad_event_query_is_422(api: httpx.Client, params: dict) -> None:
    assert api.get("/order/events", params=params).status_code == 422


def test_event_stats_point_at_the_latest_event(api: httpx.Client, generated: list[str]) -> None:
    latest = api.get("/order/event-stats").json()["latestEvent"]
    everything = api.get("/order/events", params={"limit": 1000}).json()["events"]
    assert latest == {"id": everything[-1]["id"], "occurredAt": everything[-1]["occurredAt"]}
    assert api.get("/order/events", params={"from": latest["id"]}).json() == {"events": []}


def test_duplicate_events_can_be_injected(
    emulator: httpx.Client, api: httpx.Client, seller: SellerTokens
) -> None:
    form = _fixture("natural_person")
    _post(emulator, seller.login, form)
    body = {"checkoutFormId": form["id"], "type": "READY_FOR_PROCESSING"}
    emulator.post(f"/__emulator/sellers/{seller.login}/events", json=body).raise_for_status()
    events = api.get("/order/events").json()["events"]
    assert [e["type"] for e in events] == ["READY_FOR_PROCESSING", "READY_FOR_PROCESSING"]
    assert events[0]["id"] != events[1]["id"]


def test_offers_of_orders_exist_with_tax_settings(api: httpx.Client, generated: list[str]) -> None:
    item = api.get(f"{FORMS}/{generated[0]}").json()["lineItems"][0]
    offer = api.get(f"/sale/product-offers/{item['offer']['id']}").json()
    assert offer["id"] == item["offer"]["id"] and offer["name"] == item["offer"]["name"]
    if item["tax"]["rate"] is None:
        assert offer["taxSettings"] is None
    else:
        assert offer["taxSettings"]["rates"] == [{"rate": item["tax"]["rate"], "countryCode": "PL"}]
    assert api.get("/sale/product-offers/999").status_code == 404


def test_sellers_see_only_their_own_orders(
    emulator: httpx.Client, api: httpx.Client, seller: SellerTokens
) -> None:
    emulator.post("/__emulator/sellers", json={"login": "inny-sklep"})
    form = _fixture("company_buyer")
    _post(emulator, "inny-sklep", form)
    assert api.get(f"{FORMS}/{form['id']}").status_code == 404
    assert api.get(FORMS).json()["totalCount"] == 0


def test_api_calls_are_counted_by_path_template(
    emulator: httpx.Client, api: httpx.Client, generated: list[str]
) -> None:
    emulator.delete("/__emulator/stats")
    api.get(f"{FORMS}/{generated[0]}")
    api.get(f"{FORMS}/{generated[1]}")
    assert emulator.get("/__emulator/stats").json()["apiCalls"] == {
        "GET /order/checkout-forms/{id}": 2
    }
