"""Documented lifetimes: online sessions close themselves after 12 h, batch parts must arrive
within parts x 20 min, a challenge lives 10 min; and the hand-written FA(3) fixture is valid."""

from __future__ import annotations

import httpx
import pytest
from lxml import etree

from invoicehub.emulator.ksef.schemas import fa3_schema, safe_parser
from invoicehub.integrations.ksef.client import KsefAuth, KsefClient
from invoicehub.integrations.ksef.errors import KsefBadRequest
from tests.support.ksef_emulator import FIXTURE, SELLER_NIP, fa3_invoice


def test_fa3_fixture_is_valid_against_the_xsd() -> None:
    tree = etree.ElementTree(etree.fromstring(FIXTURE.read_bytes(), safe_parser()))
    assert fa3_schema().validate(tree), fa3_schema().error_log


def test_online_session_closes_itself_after_12_hours(
    ksef: KsefClient, auth: KsefAuth, ksef_control: httpx.Client
) -> None:
    session = ksef.open_online_session(auth)
    ref = ksef.send_invoice(auth, session, fa3_invoice("FV/12H/2026"))
    ksef.wait_for_invoice(auth, session.reference_number, ref)
    ksef_control.post("/__emulator/clock", json={"shiftSeconds": 12 * 3600 + 1})
    fresh = ksef.refresh(auth)  # the 15-minute access token is long gone
    assert ksef.get_session_status(fresh, session.reference_number).code == 200
    with pytest.raises(KsefBadRequest):
        ksef.send_invoice(fresh, session, fa3_invoice("FV/12H/2027"))


def test_batch_parts_late_by_the_window_are_refused(
    ksef: KsefClient, auth: KsefAuth, ksef_control: httpx.Client
) -> None:
    session = ksef.open_batch_session(auth, [("a.xml", fa3_invoice("FV/LATE/1"))])
    ksef_control.post("/__emulator/clock", json={"shiftSeconds": 20 * 60 + 1})
    part = session.parts[0]
    response = httpx.request(part.method, part.url, content=part.data, headers=part.headers)
    assert response.status_code == 403
    fresh = ksef.refresh(auth)
    status = ksef.get_session_status(fresh, session.reference_number)
    assert (status.code, status.details) == (440, ["Przekroczono czas wysyłki"])


def test_challenge_older_than_10_minutes_fails_authentication(
    ksef_url: str, ksef: KsefClient, ksef_token: str, ksef_control: httpx.Client
) -> None:
    challenge = httpx.post(f"{ksef_url}/v2/auth/challenge").json()
    ksef_control.post("/__emulator/clock", json={"shiftSeconds": 601})
    from invoicehub.integrations.ksef.crypto import encrypt_ksef_token

    body = {
        "challenge": challenge["challenge"],
        "contextIdentifier": {"type": "Nip", "value": SELLER_NIP},
        "encryptedToken": encrypt_ksef_token(
            ksef.public_key("KsefTokenEncryption"), ksef_token, challenge["timestampMs"]
        ),
    }
    init = httpx.post(f"{ksef_url}/v2/auth/ksef-token", json=body).json()
    headers = {"Authorization": f"Bearer {init['authenticationToken']['token']}"}
    status = ksef._poll(
        lambda: httpx.get(f"{ksef_url}/v2/auth/{init['referenceNumber']}", headers=headers).json(),
        lambda s: s["status"]["code"] != 100,
    )
    assert status["status"]["code"] == 450
    assert status["status"]["details"] == ["Nieprawidłowe wyzwanie autoryzacyjne"]
    redeem = httpx.post(f"{ksef_url}/v2/auth/token/redeem", headers=headers)
    assert redeem.status_code == 400
