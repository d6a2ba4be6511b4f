"""What KSeF refuses: schema errors (430 with details), duplicates (440 with the original number),
an invoice of another seller (410), an issue date after acquisition (450), a BOM (430)."""

from __future__ import annotations

import httpx
import pytest

from invoicehub.integrations.ksef.client import KsefAuth, KsefClient
from invoicehub.integrations.ksef.errors import KsefDuplicate, KsefRejected
from tests.support.ksef_emulator import fa3_invoice


def _send_and_wait(ksef: KsefClient, auth: KsefAuth, xml: bytes):  # type: ignore[no-untyped-def]
    session = ksef.open_online_session(auth)
    ref = ksef.send_invoice(auth, session, xml)
    return ksef.wait_for_invoice(auth, session.reference_number, ref)


def test_xml_failing_the_schema_is_rejected_430_with_details(
    ksef: KsefClient, auth: KsefAuth
) -> None:
    xml = fa3_invoice("FV/430/2026").replace(b"<P_15>123.00</P_15>", "<P_15>dużo</P_15>".encode())
    invoice = _send_and_wait(ksef, auth, xml)
    assert invoice.status_code == 430
    assert invoice.ksef_number is None
    assert any("P_15" in detail for detail in invoice.details), invoice.details
    with pytest.raises(KsefRejected) as caught:
        invoice.raise_for_status()
    assert caught.value.code == 430 and caught.value.details == invoice.details


def test_utf8_bom_is_rejected_430(ksef: KsefClient, auth: KsefAuth) -> None:
    invoice = _send_and_wait(ksef, auth, b"\xef\xbb\xbf" + fa3_invoice("FV/BOM/2026"))
    assert invoice.status_code == 430
    assert "BOM" in invoice.details[0]


def test_duplicate_returns_440_with_the_original_ksef_number(
    ksef: KsefClient, auth: KsefAuth
) -> None:
    first = _send_and_wait(ksef, auth, fa3_invoice("FV/DUP/2026"))
    assert first.accepted
    again = _send_and_wait(ksef, auth, fa3_invoice("FV/DUP/2026"))
    assert again.status_code == 440
    assert again.ksef_number is None
    assert again.extensions["originalKsefNumber"] == first.ksef_number
    with pytest.raises(KsefDuplicate) as caught:
        again.raise_for_status()
    assert caught.value.original_ksef_number == first.ksef_number


def test_invoice_of_another_seller_is_refused_410(ksef: KsefClient, auth: KsefAuth) -> None:
    invoice = _send_and_wait(ksef, auth, fa3_invoice("FV/410/2026", seller_nip="7740001454"))
    assert invoice.status_code == 410


def test_issue_date_after_acquisition_is_refused_450(
    ksef: KsefClient, auth: KsefAuth, ksef_control: httpx.Client
) -> None:
    # The fixture is issued on 2026-02-02; KSeF receives it the day before.
    ksef_control.post("/__emulator/clock", json={"set": "2026-02-01T12:00:00+00:00"})
    invoice = _send_and_wait(ksef, auth, fa3_invoice("FV/450/2026"))
    assert invoice.status_code == 450
    assert "P_1" in invoice.details[0]
