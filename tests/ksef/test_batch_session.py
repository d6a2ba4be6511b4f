"""Batch sessions: a ZIP split into encrypted parts, uploaded to pre-signed URLs, then processed."""

from __future__ import annotations

import httpx
import pytest

from invoicehub.integrations.ksef.client import KsefAuth, KsefClient
from invoicehub.integrations.ksef.ksef_number import is_valid_ksef_number
from tests.support.ksef_emulator import fa3_invoice


def test_batch_in_several_parts_is_accepted_invoice_by_invoice(
    ksef: KsefClient, auth: KsefAuth
) -> None:
    invoices = [(f"fv-{i}.xml", fa3_invoice(f"FV/{i}/B/2026")) for i in range(12)]
    session = ksef.open_batch_session(auth, invoices, max_part_bytes=2_000)
    assert len(session.parts) > 1
    ksef.upload_batch_parts(session)
    assert ksef.get_session_status(auth, session.reference_number).code == 100
    ksef.close_batch_session(auth, session)

    status = ksef.wait_for_session(auth, session.reference_number)
    assert (status.code, status.successful_invoice_count) == (200, 12)
    listed = ksef.list_session_invoices(auth, session.reference_number)
    by_file = {i.file_name: i for i in listed}
    assert set(by_file) == {name for name, _ in invoices}
    for name, invoice in by_file.items():
        assert (
            invoice.accepted and invoice.ksef_number and is_valid_ksef_number(invoice.ksef_number)
        )
        assert invoice.invoice_hash == session.invoice_hashes[name]


def test_batch_with_a_missing_part_fails_with_405(ksef: KsefClient, auth: KsefAuth) -> None:
    invoices = [(f"fv-{i}.xml", fa3_invoice(f"FV/{i}/M/2026")) for i in range(6)]
    session = ksef.open_batch_session(auth, invoices, max_part_bytes=1_500)
    first = session.parts[0]
    httpx.request(
        first.method, first.url, content=first.data, headers=first.headers
    ).raise_for_status()
    ksef.close_batch_session(auth, session)
    status = ksef.wait_for_session(auth, session.reference_number)
    assert status.code == 405


def test_batch_with_one_bad_invoice_accepts_the_rest(ksef: KsefClient, auth: KsefAuth) -> None:
    broken = fa3_invoice("FV/2/X/2026").replace(b"<P_15>123.00</P_15>", b"")
    invoices = [("good.xml", fa3_invoice("FV/1/X/2026")), ("bad.xml", broken)]
    session = ksef.send_batch(auth, invoices)
    status = ksef.wait_for_session(auth, session.reference_number)
    assert (status.code, status.successful_invoice_count, status.failed_invoice_count) == (
        200,
        1,
        1,
    )
    codes = {
        i.file_name: i.status_code
        for i in ksef.list_session_invoices(auth, session.reference_number)
    }
    assert codes == {"good.xml": 200, "bad.xml": 430}


def test_batch_needs_at_least_one_invoice(ksef: KsefClient, auth: KsefAuth) -> None:
    with pytest.raises(ValueError):
        ksef.open_batch_session(auth, [])
