"""Exactly once: a 440 duplicate adopts the original number, a run resumes what a dead worker
left `sent` without sending it again, and two workers on one batch accept each invoice once."""

from __future__ import annotations

import threading
from collections import Counter

import httpx
import sqlalchemy as sa
from sqlmodel import Session, select

from invoicehub.integrations.ksef.client import KsefClient
from invoicehub.integrations.ksef.documents import render_invoice_xml
from invoicehub.integrations.ksef.environments import KsefEnvironment, api_base_url
from invoicehub.integrations.ksef.jobs import run_send
from invoicehub.integrations.ksef.sender import send_company
from invoicehub.models import KsefStatus, KsefSubmission
from tests.ksef_send.conftest import connect, issue, queue


def _rows(session: Session) -> dict:
    session.expire_all()
    return {r.invoice_id: r for r in session.exec(select(KsefSubmission)).all()}


def _received(control: httpx.Client) -> list[dict]:
    return control.get("/__emulator/invoices").json()["invoices"]


def test_duplicate_440_adopts_the_original_ksef_number_and_upo(
    session: Session, company, ksef_url: str, ksef_control: httpx.Client
) -> None:
    token = connect(session, company, ksef_control)
    (invoice,) = issue(session, company, 1)
    xml = render_invoice_xml(session, invoice)
    # An earlier attempt reached KSeF but its answer was lost before we recorded it.
    with KsefClient(api_base_url(KsefEnvironment.EMULATOR, ksef_url), poll_interval=0.1) as client:
        auth = client.authenticate(company.nip, token)
        online = client.open_online_session(auth)
        first = client.wait_for_invoice(
            auth, online.reference_number, client.send_invoice(auth, online, xml)
        )
    assert first.accepted
    queue(session, company, [invoice])

    report = send_company(company.id)

    row = _rows(session)[invoice.id]
    assert report["duplicates_adopted"] == 1, report
    assert (row.status, row.ksef_number) == (KsefStatus.ACCEPTED.value, first.ksef_number)
    assert row.upo_xml and first.ksef_number.encode() in row.upo_xml
    codes = Counter(r["statusCode"] for r in _received(ksef_control))
    assert codes == {200: 1, 440: 1}


def test_a_row_left_sent_by_a_dead_worker_is_resolved_without_sending_it_again(
    session: Session, company, ksef_control: httpx.Client
) -> None:
    connect(session, company, ksef_control)
    invoices = issue(session, company, 2)
    queue(session, company, invoices)
    send_company(company.id)
    numbers = {i: r.ksef_number for i, r in _rows(session).items()}
    # The worker died after KSeF took the invoices and before their statuses were recorded.
    session.exec(
        sa.update(KsefSubmission).values(  # type: ignore[call-overload]
            status=KsefStatus.SENT.value, ksef_number=None, acquisition_date=None
        )
    )
    session.commit()

    report = send_company(company.id)

    assert report["accepted"] == 2, report
    assert {i: r.ksef_number for i, r in _rows(session).items()} == numbers
    assert len(_received(ksef_control)) == 2


def test_two_workers_sending_the_same_batch_accept_each_invoice_once(
    session: Session, company, ksef_control: httpx.Client
) -> None:
    connect(session, company, ksef_control)
    invoices = issue(session, company, 5)
    queue(session, company, invoices)
    start = threading.Barrier(2)
    results: list[object] = []

    def worker() -> None:
        start.wait()
        results.append(run_send(str(company.id)))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(results) == 2
    received = _received(ksef_control)
    assert Counter(r["invoiceNumber"] for r in received) == {i.number: 1 for i in invoices}
    assert {r["statusCode"] for r in received} == {200}
    assert {r.status for r in _rows(session).values()} == {KsefStatus.ACCEPTED.value}
