"""End to end: a seller with a KSeF token and auto-send syncs Allegro orders; the workers send
every invoice to KSeF (one session), and only then attach each PDF to its Allegro order."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlmodel import Session, select

from invoicehub.auth.accounts import default_company
from invoicehub.integrations.allegro.runs.requests import request_sync
from invoicehub.integrations.ksef.ksef_number import is_valid_ksef_number
from invoicehub.models import AllegroInvoiceUpload, Invoice, KsefSubmission
from tests.ksef_send.conftest import connect
from tests.sync.helpers import connect_seller, drain


@pytest.fixture
def control(emulator_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator_url, timeout=60) as client:
        client.post("/__emulator/reset").raise_for_status()
        yield client


def test_a_sync_with_auto_send_gets_every_invoice_a_ksef_number_before_its_upload(
    session: Session, control: httpx.Client, ksef_control: httpx.Client
) -> None:
    seller = connect_seller(session, control, "ksef_e2e", orders=6, seed=11)
    company = default_company(session, seller.user.tenant_id)
    connect(session, company, ksef_control, auto_send=True)

    request_sync(session, seller.principal, seller.integration_id, enforce_rate_limit=False)
    drain()

    session.expire_all()
    invoices = list(session.exec(select(Invoice)))
    rows = {r.invoice_id: r for r in session.exec(select(KsefSubmission))}
    assert invoices and set(rows) == {i.id for i in invoices}
    assert {r.status for r in rows.values()} == {"accepted"}
    assert all(is_valid_ksef_number(r.ksef_number or "") for r in rows.values())
    received = ksef_control.get("/__emulator/invoices", params={"nip": company.nip}).json()
    assert sorted(r["invoiceNumber"] for r in received["invoices"]) == sorted(
        i.number for i in invoices
    )
    assert len({r["sessionReferenceNumber"] for r in received["invoices"]}) == 1
    uploads = list(session.exec(select(AllegroInvoiceUpload)))
    assert len(uploads) == len(invoices) and {u.status for u in uploads} == {"uploaded"}
