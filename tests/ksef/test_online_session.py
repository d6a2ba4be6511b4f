"""Crypto round trip client <-> emulator: authenticate, send online, statuses, UPO valid per XSD."""

from __future__ import annotations

import httpx
import pytest
from lxml import etree

from invoicehub.emulator.ksef.schemas import UPO_NS, safe_parser, upo_schema
from invoicehub.integrations.ksef.client import KsefAuth, KsefClient
from invoicehub.integrations.ksef.crypto import sha256_b64
from invoicehub.integrations.ksef.errors import KsefAuthError, KsefBadRequest
from invoicehub.integrations.ksef.ksef_number import is_valid_ksef_number
from tests.support.ksef_emulator import SELLER_NIP, fa3_invoice, new_token


def _assert_valid_upo(document: bytes) -> etree._Element:
    tree = etree.ElementTree(etree.fromstring(document, safe_parser()))
    schema = upo_schema()
    assert schema.validate(tree), [e.message for e in schema.error_log]  # type: ignore[attr-defined]
    return tree.getroot()


def test_invoice_sent_online_is_accepted_with_ksef_number_and_upo(
    ksef: KsefClient, auth: KsefAuth, ksef_control: httpx.Client
) -> None:
    xml = fa3_invoice("FV/10/02/2026")
    session = ksef.open_online_session(auth)
    invoice_ref = ksef.send_invoice(auth, session, xml)
    invoice = ksef.wait_for_invoice(auth, session.reference_number, invoice_ref)

    assert invoice.accepted, invoice
    assert invoice.invoice_number == "FV/10/02/2026"
    assert invoice.invoice_hash == sha256_b64(xml)
    assert invoice.ksef_number and is_valid_ksef_number(invoice.ksef_number)
    assert invoice.ksef_number.startswith(f"{SELLER_NIP}-")
    assert invoice.acquisition_date is not None

    upo = _assert_valid_upo(
        ksef.get_invoice_upo(auth, session.reference_number, invoice.ksef_number)
    )
    ns = {"u": UPO_NS}
    assert upo.findtext("u:Dokument/u:NumerKSeFDokumentu", namespaces=ns) == invoice.ksef_number
    assert upo.findtext("u:Dokument/u:SkrotDokumentu", namespaces=ns) == sha256_b64(xml)

    received = ksef_control.get("/__emulator/invoices", params={"nip": SELLER_NIP}).json()
    assert [
        (r["invoiceNumber"], r["ksefNumber"], r["statusCode"]) for r in received["invoices"]
    ] == [("FV/10/02/2026", invoice.ksef_number, 200)]
    assert received["invoices"][0]["xml"].encode() == xml


def test_closed_session_reports_200_and_a_session_upo(ksef: KsefClient, auth: KsefAuth) -> None:
    session = ksef.open_online_session(auth)
    refs = [ksef.send_invoice(auth, session, fa3_invoice(f"FV/{i}/S/2026")) for i in range(3)]
    assert ksef.get_session_status(auth, session.reference_number).code == 100
    ksef.close_online_session(auth, session)

    status = ksef.wait_for_session(auth, session.reference_number)
    assert (status.code, status.invoice_count, status.successful_invoice_count) == (200, 3, 3)
    listed = ksef.list_session_invoices(auth, session.reference_number)
    assert sorted(i.reference_number for i in listed) == sorted(refs)
    upo = _assert_valid_upo(
        ksef.get_session_upo(auth, session.reference_number, status.upo_reference_numbers[0])
    )
    assert len(upo.findall(f"{{{UPO_NS}}}Dokument")) == 3


def test_sending_to_a_closed_session_is_refused(ksef: KsefClient, auth: KsefAuth) -> None:
    session = ksef.open_online_session(auth)
    ksef.close_online_session(auth, session)
    with pytest.raises(KsefBadRequest):
        ksef.send_invoice(auth, session, fa3_invoice())


def test_token_of_another_nip_does_not_authenticate(
    ksef: KsefClient, ksef_control: httpx.Client
) -> None:
    foreign = new_token(ksef_control, "7740001454")
    with pytest.raises(KsefAuthError, match="415"):
        ksef.authenticate(SELLER_NIP, foreign)


def test_unknown_token_does_not_authenticate(ksef: KsefClient) -> None:
    with pytest.raises(KsefAuthError, match="450"):
        ksef.authenticate(SELLER_NIP, "20260101-EC-0000000000-0000000000-00|nip-5252674798|00")


def test_refreshed_access_token_works_and_old_one_expires(
    ksef: KsefClient, auth: KsefAuth, ksef_control: httpx.Client
) -> None:
    ksef_control.post("/__emulator/clock", json={"shiftSeconds": 16 * 60}).raise_for_status()
    with pytest.raises(KsefAuthError):
        ksef.open_online_session(auth)
    fresh = ksef.refresh(auth)
    assert fresh.access_token != auth.access_token
    assert ksef.open_online_session(fresh).reference_number


def test_someone_elses_session_looks_missing(
    ksef: KsefClient, auth: KsefAuth, ksef_control: httpx.Client
) -> None:
    other_nip = "7740001454"
    other = ksef.authenticate(other_nip, new_token(ksef_control, other_nip))
    session = ksef.open_online_session(auth)
    with pytest.raises(KsefBadRequest):
        ksef.get_session_status(other, session.reference_number)


def test_upo_links_are_fetched_without_the_token_and_expire(
    ksef: KsefClient, auth: KsefAuth, ksef_url: str, ksef_control: httpx.Client
) -> None:
    # Official API: upoDownloadUrl / upo.pages[].downloadUrl need no access token, answer the
    # UPO with its SHA-256 in x-ms-meta-hash, and stop working at their expiration date.
    session = ksef.open_online_session(auth)
    invoice_ref = ksef.send_invoice(auth, session, fa3_invoice("FV/UPO/1/2026"))
    ksef.wait_for_invoice(auth, session.reference_number, invoice_ref)
    ksef.close_online_session(auth, session)
    ksef.wait_for_session(auth, session.reference_number)
    bearer = {"Authorization": f"Bearer {auth.access_token}"}
    with httpx.Client(base_url=f"{ksef_url}/v2", headers=bearer) as api:
        base = f"/sessions/{session.reference_number}"
        invoice_link = api.get(f"{base}/invoices/{invoice_ref}").json()["upoDownloadUrl"]
        page_link = api.get(base).json()["upo"]["pages"][0]["downloadUrl"]
    for link in (invoice_link, page_link):
        answer = httpx.get(link)  # no Authorization header
        assert answer.status_code == 200, answer.text
        assert answer.headers["x-ms-meta-hash"] == sha256_b64(answer.content)
        _assert_valid_upo(answer.content)
        assert httpx.get(link.replace("sig=", "sig=0")).status_code == 403  # forged
    ksef_control.post("/__emulator/clock", json={"shiftSeconds": 3 * 24 * 3600 + 1})
    assert httpx.get(invoice_link).status_code == 403  # expired
