"""Every KSeF emulator response of the operations Invoice-HUB uses fits docs/open-api.json."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest

from invoicehub.integrations.ksef.client import KsefAuth, KsefClient
from invoicehub.integrations.ksef.crypto import sha256_b64
from tests.contract.ksef_openapi import assert_ksef_response
from tests.support.ksef_emulator import SELLER_NIP, fa3_invoice

AUTH_STATUS = "/v2/auth/{referenceNumber}"
SESSION = "/v2/sessions/{referenceNumber}"
INVOICES = "/v2/sessions/{referenceNumber}/invoices"
INVOICE = "/v2/sessions/{referenceNumber}/invoices/{invoiceReferenceNumber}"
UPO_BY_KSEF = "/v2/sessions/{referenceNumber}/invoices/ksef/{ksefNumber}/upo"
UPO_BY_REF = "/v2/sessions/{referenceNumber}/invoices/{invoiceReferenceNumber}/upo"
SESSION_UPO = "/v2/sessions/{referenceNumber}/upo/{upoReferenceNumber}"


@pytest.fixture
def raw(ksef_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=ksef_url, timeout=10.0) as client:
        yield client


def _bearer(auth: KsefAuth) -> dict[str, str]:
    return {"Authorization": f"Bearer {auth.access_token}"}


def test_public_keys_and_challenge_fit(raw: httpx.Client) -> None:
    keys = raw.get("/v2/security/public-key-certificates")
    assert_ksef_response(keys, "/v2/security/public-key-certificates")
    assert {u for item in keys.json() for u in item["usage"]} == {
        "KsefTokenEncryption",
        "SymmetricKeyEncryption",
    }
    assert_ksef_response(raw.post("/v2/auth/challenge"), "/v2/auth/challenge")


def test_authentication_answers_fit(raw: httpx.Client, ksef: KsefClient, ksef_token: str) -> None:
    from invoicehub.integrations.ksef.crypto import encrypt_ksef_token

    challenge = raw.post("/v2/auth/challenge").json()
    encrypted = encrypt_ksef_token(
        ksef.public_key("KsefTokenEncryption"), ksef_token, challenge["timestampMs"]
    )
    body = {
        "challenge": challenge["challenge"],
        "contextIdentifier": {"type": "Nip", "value": SELLER_NIP},
        "encryptedToken": encrypted,
    }
    init = raw.post("/v2/auth/ksef-token", json=body)
    assert init.status_code == 202
    assert_ksef_response(init, "/v2/auth/ksef-token")
    ref, token = init.json()["referenceNumber"], init.json()["authenticationToken"]["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert_ksef_response(raw.get(f"/v2/auth/{ref}", headers=headers), AUTH_STATUS)
    assert_ksef_response(raw.get(f"/v2/auth/{ref}"), AUTH_STATUS)  # 401 problem+json
    ksef._poll(
        lambda: raw.get(f"/v2/auth/{ref}", headers=headers).json()["status"]["code"],
        lambda c: c != 100,
    )
    redeemed = raw.post("/v2/auth/token/redeem", headers=headers)
    assert redeemed.status_code == 200
    assert_ksef_response(redeemed, "/v2/auth/token/redeem")
    again = raw.post("/v2/auth/token/redeem", headers=headers)
    assert again.status_code == 400
    assert_ksef_response(again, "/v2/auth/token/redeem")
    refresh_headers = {"Authorization": f"Bearer {redeemed.json()['refreshToken']['token']}"}
    assert_ksef_response(
        raw.post("/v2/auth/token/refresh", headers=refresh_headers), "/v2/auth/token/refresh"
    )
    bad = raw.post("/v2/auth/ksef-token", json={"challenge": "x"})
    assert bad.status_code == 400
    assert_ksef_response(bad, "/v2/auth/ksef-token")


def test_online_session_answers_fit(raw: httpx.Client, ksef: KsefClient, auth: KsefAuth) -> None:
    session = ksef.open_online_session(auth)
    ref = session.reference_number
    assert_ksef_response(raw.get(f"/v2/sessions/{ref}", headers=_bearer(auth)), SESSION)
    good = ksef.send_invoice(auth, session, fa3_invoice("FV/C/1"))
    bad = ksef.send_invoice(
        auth, session, fa3_invoice("FV/C/2").replace(b"<P_15>123.00</P_15>", b"")
    )
    dup = ksef.send_invoice(auth, session, fa3_invoice("FV/C/1"))
    for invoice_ref in (good, bad, dup):
        ksef.wait_for_invoice(auth, ref, invoice_ref)
        response = raw.get(f"/v2/sessions/{ref}/invoices/{invoice_ref}", headers=_bearer(auth))
        assert_ksef_response(response, INVOICE)
    closed = raw.post(f"/v2/sessions/online/{ref}/close", headers=_bearer(auth))
    assert closed.status_code == 204
    assert_ksef_response(closed, "/v2/sessions/online/{referenceNumber}/close")
    status = ksef.wait_for_session(auth, ref)
    assert_ksef_response(raw.get(f"/v2/sessions/{ref}", headers=_bearer(auth)), SESSION)
    assert_ksef_response(raw.get(f"/v2/sessions/{ref}/invoices", headers=_bearer(auth)), INVOICES)
    failed = raw.get(f"/v2/sessions/{ref}/invoices/failed", headers=_bearer(auth))
    assert_ksef_response(failed, "/v2/sessions/{referenceNumber}/invoices/failed")
    assert len(failed.json()["invoices"]) == 2

    accepted = ksef.get_invoice_status(auth, ref, good)
    for url, template in (
        (f"/v2/sessions/{ref}/invoices/ksef/{accepted.ksef_number}/upo", UPO_BY_KSEF),
        (f"/v2/sessions/{ref}/invoices/{good}/upo", UPO_BY_REF),
        (f"/v2/sessions/{ref}/upo/{status.upo_reference_numbers[0]}", SESSION_UPO),
    ):
        upo = raw.get(url, headers=_bearer(auth))
        assert_ksef_response(upo, template)
        assert upo.headers["x-ms-meta-hash"] == sha256_b64(upo.content)


def test_send_with_wrong_hash_is_400_exception_response(
    raw: httpx.Client, ksef: KsefClient, auth: KsefAuth
) -> None:
    session = ksef.open_online_session(auth)
    content = session.key.encrypt(b"<x/>")
    body = {
        "invoiceHash": sha256_b64(b"<x/>"),
        "invoiceSize": 4,
        "encryptedInvoiceHash": sha256_b64(b"other"),
        "encryptedInvoiceSize": len(content),
        "encryptedInvoiceContent": base64.b64encode(content).decode(),
    }
    path = f"/v2/sessions/online/{session.reference_number}/invoices"
    response = raw.post(path, json=body, headers=_bearer(auth))
    assert response.status_code == 400
    assert_ksef_response(response, "/v2/sessions/online/{referenceNumber}/invoices")


def test_online_open_and_send_answers_fit(
    raw: httpx.Client, ksef: KsefClient, auth: KsefAuth
) -> None:
    from invoicehub.integrations.ksef.crypto import SymmetricKey

    key = SymmetricKey.generate()
    body = {
        "formCode": {"systemCode": "FA (3)", "schemaVersion": "1-0E", "value": "FA"},
        "encryption": key.encryption_info(ksef.public_key("SymmetricKeyEncryption")),
    }
    opened = raw.post("/v2/sessions/online", json=body, headers=_bearer(auth))
    assert opened.status_code == 201
    assert_ksef_response(opened, "/v2/sessions/online")
    xml = fa3_invoice("FV/C/9")
    content = key.encrypt(xml)
    send = {
        "invoiceHash": sha256_b64(xml),
        "invoiceSize": len(xml),
        "encryptedInvoiceHash": sha256_b64(content),
        "encryptedInvoiceSize": len(content),
        "encryptedInvoiceContent": base64.b64encode(content).decode(),
    }
    ref = opened.json()["referenceNumber"]
    sent = raw.post(f"/v2/sessions/online/{ref}/invoices", json=send, headers=_bearer(auth))
    assert sent.status_code == 202
    assert_ksef_response(sent, "/v2/sessions/online/{referenceNumber}/invoices")
    assert_ksef_response(raw.post("/v2/sessions/online", json=body), "/v2/sessions/online")  # 401


def test_batch_answers_fit(raw: httpx.Client, ksef: KsefClient, auth: KsefAuth) -> None:
    from invoicehub.integrations.ksef.batch_package import build_package
    from invoicehub.integrations.ksef.crypto import SymmetricKey

    key = SymmetricKey.generate()
    package = build_package([("a.xml", fa3_invoice("FV/CB/1"))], key)
    body = {
        "formCode": {"systemCode": "FA (3)", "schemaVersion": "1-0E", "value": "FA"},
        "batchFile": package.declaration,
        "encryption": key.encryption_info(ksef.public_key("SymmetricKeyEncryption")),
    }
    opened = raw.post("/v2/sessions/batch", json=body, headers=_bearer(auth))
    assert opened.status_code == 201
    assert_ksef_response(opened, "/v2/sessions/batch")
    upload = opened.json()["partUploadRequests"][0]
    put = httpx.put(upload["url"], content=package.encrypted_parts[0], headers=upload["headers"])
    assert put.status_code == 201
    ref = opened.json()["referenceNumber"]
    closed = raw.post(f"/v2/sessions/batch/{ref}/close", headers=_bearer(auth))
    assert closed.status_code == 204
    assert_ksef_response(closed, "/v2/sessions/batch/{referenceNumber}/close")
    ksef.wait_for_session(auth, ref)
    assert_ksef_response(raw.get(f"/v2/sessions/{ref}", headers=_bearer(auth)), SESSION)
    assert_ksef_response(raw.get(f"/v2/sessions/{ref}/invoices", headers=_bearer(auth)), INVOICES)


def test_rate_limited_answer_fits(raw: httpx.Client, ksef_control: httpx.Client) -> None:
    ksef_control.post(
        "/__emulator/faults",
        json={"pathPattern": "/v2/auth/challenge", "status": 429, "retryAfter": 3},
    )
    assert_ksef_response(raw.post("/v2/auth/challenge"), "/v2/auth/challenge")
