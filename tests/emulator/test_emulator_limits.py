"""Rate limiting per client id and the fault injection used by resilience tests."""

from __future__ import annotations

import time

import httpx

from tests.support.emulator import CLIENT_ID, CLIENT_SECRET, SellerTokens


def test_exceeding_the_per_minute_limit_blocks_for_a_minute(
    emulator: httpx.Client, api: httpx.Client
) -> None:
    emulator.post("/__emulator/config", json={"rateLimitPerMinute": 3}).raise_for_status()
    assert [api.get("/me").status_code for _ in range(3)] == [200, 200, 200]
    limited = api.get("/me")
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "60"
    assert limited.json()["errors"][0]["code"] == "TOO_MANY_REQUESTS"
    emulator.post("/__emulator/clock", json={"advanceSeconds": 30})
    still = api.get("/me")
    assert still.status_code == 429 and still.headers["retry-after"] == "30"
    emulator.post("/__emulator/clock", json={"advanceSeconds": 31})
    assert api.get("/me").status_code == 200


def test_the_limit_window_restarts_every_minute(emulator: httpx.Client, api: httpx.Client) -> None:
    emulator.post("/__emulator/config", json={"rateLimitPerMinute": 2})
    api.get("/me"), api.get("/me")
    emulator.post("/__emulator/clock", json={"advanceSeconds": 60})
    assert api.get("/me").status_code == 200


def test_faults_fail_the_next_count_matching_calls(
    emulator: httpx.Client, api: httpx.Client
) -> None:
    fault = {"pathPattern": "/order/*", "status": 500, "count": 2}
    assert emulator.post("/__emulator/faults", json=fault).status_code == 201
    assert api.get("/me").status_code == 200  # does not match
    assert [api.get("/order/events").status_code for _ in range(3)] == [500, 500, 200]
    assert emulator.get("/__emulator/faults").json() == {"faults": []}


def test_a_429_fault_sends_retry_after(emulator: httpx.Client, api: httpx.Client) -> None:
    emulator.post(
        "/__emulator/faults",
        json={"pathPattern": "/me", "status": 429, "count": 1, "retryAfter": 7},
    )
    response = api.get("/me")
    assert response.status_code == 429 and response.headers["retry-after"] == "7"
    assert response.json()["errors"][0]["code"] == "TOO_MANY_REQUESTS"


def test_regex_faults_and_custom_bodies(emulator: httpx.Client, api: httpx.Client) -> None:
    fault = {
        "pathPattern": r"re:^/order/checkout-forms/[^/]+$",
        "status": 418,
        "count": 1,
        "body": {"x": 1},
    }
    emulator.post("/__emulator/faults", json=fault)
    assert api.get("/order/checkout-forms").status_code == 200
    response = api.get("/order/checkout-forms/7f0c5a38-1c8e-4f6b-9d43-1d0c8f0f8a11")
    assert response.status_code == 418 and response.json() == {"x": 1}


def test_a_401_fault_looks_like_a_dead_token(emulator: httpx.Client, api: httpx.Client) -> None:
    emulator.post("/__emulator/faults", json={"pathPattern": "/me", "status": 401, "count": 1})
    response = api.get("/me")
    assert response.status_code == 401 and response.json()["error"] == "invalid_token"


def test_token_endpoint_faults_speak_oauth(emulator: httpx.Client, seller: SellerTokens) -> None:
    emulator.post(
        "/__emulator/faults", json={"pathPattern": "/auth/oauth/token", "status": 400, "count": 1}
    )
    data = {"grant_type": "refresh_token", "refresh_token": seller.refresh_token}
    refused = emulator.post("/auth/oauth/token", data=data, auth=(CLIENT_ID, CLIENT_SECRET))
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    # The faulted call never reached the token store: the refresh token still works.
    assert (
        emulator.post("/auth/oauth/token", data=data, auth=(CLIENT_ID, CLIENT_SECRET)).status_code
        == 200
    )


def test_delay_faults_stall_the_call(emulator: httpx.Client, api: httpx.Client) -> None:
    emulator.post("/__emulator/faults", json={"pathPattern": "/me", "delayMs": 400, "count": 1})
    started = time.monotonic()
    assert api.get("/me").status_code == 200
    assert time.monotonic() - started >= 0.4


def test_method_filter_and_clearing(emulator: httpx.Client, api: httpx.Client) -> None:
    emulator.post(
        "/__emulator/faults",
        json={"pathPattern": "/me", "status": 503, "count": 5, "method": "POST"},
    )
    assert api.get("/me").status_code == 200
    emulator.delete("/__emulator/faults")
    assert emulator.get("/__emulator/faults").json() == {"faults": []}


def test_bad_fault_definitions_are_refused(emulator: httpx.Client) -> None:
    assert emulator.post("/__emulator/faults", json={"status": 500}).status_code == 400
    assert (
        emulator.post("/__emulator/faults", json={"pathPattern": "/me", "count": 1}).status_code
        == 400
    )
    assert (
        emulator.post("/__emulator/faults", json={"pathPattern": "/me", "status": 200}).status_code
        == 400
    )
