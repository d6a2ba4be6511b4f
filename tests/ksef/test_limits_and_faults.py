"""Documented rate limits (429 + Retry-After) and injected faults: 5xx, timeouts, an outage."""

from __future__ import annotations

import httpx
import pytest

from invoicehub.integrations.ksef.client import KsefAuth, KsefClient
from invoicehub.integrations.ksef.errors import KsefRateLimited, KsefTransientError
from tests.support.ksef_emulator import fa3_invoice


def test_eleventh_online_send_in_a_second_gets_429_with_retry_after(
    ksef: KsefClient, auth: KsefAuth, ksef_control: httpx.Client
) -> None:
    # docs/limity/limity-api.md: POST /sessions/online/{ref}/invoices = 10 req/s, 30/min, 180/h.
    session = ksef.open_online_session(auth)
    ksef_control.post("/__emulator/clock", json={"frozen": True}).raise_for_status()
    for i in range(10):
        ksef.send_invoice(auth, session, fa3_invoice(f"FV/{i}/RL/2026"))
    with pytest.raises(KsefRateLimited) as caught:
        ksef.send_invoice(auth, session, fa3_invoice("FV/10/RL/2026"))
    assert caught.value.retry_after == 1

    # The per-minute window: 30 sends; after 1 s the per-second window is free again.
    for second in range(1, 3):
        ksef_control.post("/__emulator/clock", json={"shiftSeconds": 1.0})
        for i in range(10):
            ksef.send_invoice(auth, session, fa3_invoice(f"FV/{second}-{i}/RL/2026"))
    ksef_control.post("/__emulator/clock", json={"shiftSeconds": 1.0})
    with pytest.raises(KsefRateLimited) as caught:
        ksef.send_invoice(auth, session, fa3_invoice("FV/31/RL/2026"))
    assert caught.value.retry_after == 57  # the first of the 30 leaves the minute window


def test_429_body_and_header_follow_the_docs(ksef_url: str, ksef_control: httpx.Client) -> None:
    ksef_control.post(
        "/__emulator/faults",
        json={"pathPattern": "/v2/auth/challenge", "status": 429, "retryAfter": 30},
    )
    response = httpx.post(f"{ksef_url}/v2/auth/challenge")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "30"
    assert response.json()["status"]["code"] == 429


def test_injected_5xx_is_transient_and_the_retry_succeeds(
    ksef: KsefClient, auth: KsefAuth, ksef_control: httpx.Client
) -> None:
    fault = {"pathPattern": "/v2/sessions/online", "method": "POST", "status": 503, "count": 1}
    ksef_control.post("/__emulator/faults", json=fault).raise_for_status()
    with pytest.raises(KsefTransientError):
        ksef.open_online_session(auth)
    assert ksef.open_online_session(auth).reference_number


def test_slow_answer_times_out_as_transient(
    ksef_url: str, auth: KsefAuth, ksef_control: httpx.Client
) -> None:
    fault = {"pathPattern": "/v2/sessions/online", "delayMs": 1500, "count": 1}
    ksef_control.post("/__emulator/faults", json=fault).raise_for_status()
    with (
        KsefClient(f"{ksef_url}/v2", timeout=0.5) as impatient,
        pytest.raises(KsefTransientError, match="timed out"),
    ):
        impatient.open_online_session(auth)


def test_outage_window_refuses_everything_until_it_ends(
    ksef: KsefClient, auth: KsefAuth, ksef_control: httpx.Client
) -> None:
    ksef_control.post("/__emulator/faults", json={"outageSeconds": 120}).raise_for_status()
    with pytest.raises(KsefTransientError) as caught:
        ksef.open_online_session(auth)
    assert caught.value.retry_after is not None and 100 < caught.value.retry_after <= 120
    ksef_control.post("/__emulator/clock", json={"shiftSeconds": 121}).raise_for_status()
    assert ksef.open_online_session(auth).reference_number


def test_bad_fault_definition_is_422(ksef_control: httpx.Client) -> None:
    response = ksef_control.post("/__emulator/faults", json={"pathPattern": "/v2/*"})
    assert response.status_code == 422
