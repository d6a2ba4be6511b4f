"""Sending issued invoices to the real KSeF emulator over HTTP: statuses, numbers, UPO."""

from __future__ import annotations

import base64
import hashlib

import httpx
from lxml import etree
from sqlmodel import Session, select

from invoicehub.emulator.ksef.schemas import UPO_NS, safe_parser, upo_schema
from invoicehub.integrations.ksef.fa3 import validate_fa3
from invoicehub.integrations.ksef.ksef_number import is_valid_ksef_number
from invoicehub.integrations.ksef.sender import BATCH_THRESHOLD, send_company
from invoicehub.models import KsefStatus, KsefSubmission
from tests.ksef_send.conftest import connect, issue, queue


def _rows(session: Session) -> list[KsefSubmission]:
    session.expire_all()
    return list(session.exec(select(KsefSubmission)).all())


def _received(control: httpx.Client) -> list[dict]:
    return control.get("/__emulator/invoices").json()["invoices"]


def test_queued_invoices_are_accepted_with_ksef_number_upo_and_the_exact_bytes_sent(
    session: Session, company, ksef_control: httpx.Client
) -> None:
    connect(session, company, ksef_control)
    invoices = issue(session, company, 3)
    queue(session, company, invoices)

    report = send_company(company.id)

    assert report["accepted"] == 3, report
    rows = _rows(session)
    assert {r.status for r in rows} == {KsefStatus.ACCEPTED.value}
    received = {r["invoiceNumber"]: r for r in _received(ksef_control)}
    assert len(received) == 3 and len({r["sessionReferenceNumber"] for r in received.values()}) == 1
    for row in rows:
        number = next(i.number for i in invoices if i.id == row.invoice_id)
        assert row.xml is not None and validate_fa3(row.xml) == []
        assert received[number]["xml"].encode() == row.xml  # the bytes stored are the bytes sent
        assert row.xml_sha256 == hashlib.sha256(row.xml).hexdigest()
        assert row.ksef_number == received[number]["ksefNumber"]
        assert row.ksef_number and is_valid_ksef_number(row.ksef_number)
        assert row.acquisition_date is not None and not row.offline
        upo = etree.ElementTree(etree.fromstring(row.upo_xml or b"", safe_parser()))
        assert upo_schema().validate(upo)
        digest = base64.b64encode(hashlib.sha256(row.xml).digest()).decode()
        assert upo.findtext(f"{{{UPO_NS}}}Dokument/{{{UPO_NS}}}SkrotDokumentu") == digest


def test_more_invoices_than_the_threshold_travel_in_one_batch_session(
    session: Session, company, ksef_control: httpx.Client
) -> None:
    connect(session, company, ksef_control)
    queue(session, company, issue(session, company, BATCH_THRESHOLD + 2))

    report = send_company(company.id)

    assert report["accepted"] == BATCH_THRESHOLD + 2, report
    assert {r.status for r in _rows(session)} == {KsefStatus.ACCEPTED.value}
    received = _received(ksef_control)
    assert len({r["sessionReferenceNumber"] for r in received}) == 1
    assert all(r["statusCode"] == 200 for r in received)
    assert all(r.upo_xml for r in _rows(session))


def test_a_second_run_sends_nothing_again(
    session: Session, company, ksef_control: httpx.Client
) -> None:
    connect(session, company, ksef_control)
    queue(session, company, issue(session, company, 2))
    send_company(company.id)
    queue(session, company, [])

    assert send_company(company.id) == {"status": "done"}
    assert len(_received(ksef_control)) == 2
