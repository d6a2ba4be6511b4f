"""What KSeF refuses is `rejected` with a plain Polish reason; an outage leaves invoices
`offline`, sent in offline mode once KSeF is back; a correction waits for its original."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from lxml import etree
from sqlmodel import Session, select

from invoicehub.domain.correction_issue import CorrectionRequest, issue_correction
from invoicehub.domain.corrections import CorrectionChange, CorrectionKind
from invoicehub.emulator.ksef.schemas import UPO_NS
from invoicehub.integrations.ksef.sender import KsefUnavailable, send_company
from invoicehub.models import KsefStatus, KsefSubmission
from tests.ksef_send.conftest import connect, issue, queue


def _rows(session: Session) -> dict:
    session.expire_all()
    return {r.invoice_id: r for r in session.exec(select(KsefSubmission)).all()}


def test_xml_ksef_refuses_is_rejected_with_its_code_and_a_polish_reason(
    session: Session, company, ksef_control: httpx.Client
) -> None:
    connect(session, company, ksef_control)
    (invoice,) = issue(session, company, 1)
    queue(session, company, [invoice])
    row = _rows(session)[invoice.id]
    row.xml = b'<?xml version="1.0" encoding="UTF-8"?><Faktura>nie FA(3)</Faktura>'
    session.add(row)
    session.commit()

    report = send_company(company.id)

    row = _rows(session)[invoice.id]
    assert report["rejected"] == 1, report
    assert (row.status, row.error_code, row.ksef_number) == ("rejected", "430", None)
    # Stored in English (a catalogue msgid), read in the seller's language on the invoice page.
    assert row.error_description.startswith("The invoice file does not match the FA(3) schema: ")


def test_outage_marks_invoices_offline_and_they_are_sent_in_offline_mode_when_ksef_is_back(
    session: Session, company, ksef_control: httpx.Client
) -> None:
    connect(session, company, ksef_control)
    invoices = issue(session, company, 2)
    queue(session, company, invoices)
    ksef_control.post("/__emulator/faults", json={"outageSeconds": 600}).raise_for_status()

    with pytest.raises(KsefUnavailable):
        send_company(company.id)
    rows = _rows(session)
    assert {(r.status, r.offline) for r in rows.values()} == {("offline", True)}
    for row in rows.values():
        assert row.offline_since is not None
        assert row.error_description.startswith("KSeF is unavailable (")

    ksef_control.delete("/__emulator/faults").raise_for_status()
    report = send_company(company.id)

    assert report["accepted"] == 2, report
    for row in _rows(session).values():
        assert row.status == KsefStatus.ACCEPTED.value and row.offline
        mode = etree.fromstring(row.upo_xml).findtext(f".//{{{UPO_NS}}}TrybWysylki")
        assert mode == "Offline"


def test_a_correction_is_sent_only_after_its_original_has_a_ksef_number(
    session: Session, company, ksef_control: httpx.Client
) -> None:
    connect(session, company, ksef_control)
    (invoice,) = issue(session, company, 1)
    correction = issue_correction(
        session,
        CorrectionRequest(
            tenant_id=company.tenant_id,
            invoice_id=invoice.id,
            change=CorrectionChange(CorrectionKind.CANCELLATION),
            event_id="cancel:test-1",
            reason="Anulowanie zamówienia",
            issue_date=date(2026, 11, 29),
        ),
    )
    assert correction is not None
    session.commit()
    queue(session, company, [correction])
    send_company(company.id)
    assert _rows(session)[correction.id].status == KsefStatus.QUEUED.value  # waits

    queue(session, company, [invoice])
    report = send_company(company.id)

    rows = _rows(session)
    assert report["accepted"] == 2, report
    original_number = rows[invoice.id].ksef_number
    assert rows[correction.id].status == KsefStatus.ACCEPTED.value
    kor = etree.fromstring(rows[correction.id].xml)
    ns = {"f": kor.nsmap[None]}
    assert kor.findtext(".//f:RodzajFaktury", namespaces=ns) == "KOR"
    assert kor.findtext(".//f:NrKSeFFaKorygowanej", namespaces=ns) == original_number


def test_the_job_retries_after_ksefs_retry_after_while_it_is_down_then_sends(
    session: Session, company, ksef_control: httpx.Client
) -> None:
    from rq import SimpleWorker

    from invoicehub.jobs.queues import KSEF_QUEUE, RETRY_INTERVALS, get_queue
    from invoicehub.redis_conn import get_redis
    from tests.sync.helpers import promote, scheduled_delays

    connect(session, company, ksef_control)
    ksef_control.post("/__emulator/faults", json={"outageSeconds": 30}).raise_for_status()
    queue(session, company, issue(session, company, 1))  # enqueues the sender after commit
    worker = SimpleWorker([get_queue(KSEF_QUEUE)], connection=get_redis())

    worker.work(burst=True, with_scheduler=True, logging_level="WARNING")

    (delay,) = scheduled_delays(KSEF_QUEUE).values()  # the schedule's 1 s, stretched to 503's
    assert RETRY_INTERVALS[0] < delay <= 30  # Retry-After
    assert {r.status for r in _rows(session).values()} == {"offline"}
    ksef_control.delete("/__emulator/faults").raise_for_status()
    promote()
    worker.work(burst=True, with_scheduler=True, logging_level="WARNING")
    assert {r.status for r in _rows(session).values()} == {"accepted"}


def test_a_refused_token_keeps_the_invoices_queued_and_says_why(
    session: Session, company, ksef_control: httpx.Client
) -> None:
    from invoicehub.integrations.ksef.connection import update_connection
    from invoicehub.integrations.ksef.environments import KsefEnvironment
    from invoicehub.models import KsefConnection

    update_connection(
        session,
        company.tenant_id,
        company.id,
        environment=KsefEnvironment.EMULATOR,
        auto_send=True,
        token="20260101-EC-0000000000-0000000000-00|nip-5252674798|00",
    )
    session.commit()
    queue(session, company, issue(session, company, 1))

    assert send_company(company.id) == {"status": "auth_failed"}

    (row,) = _rows(session).values()
    assert row.status == "queued"
    assert row.error_description.startswith("KSeF did not accept the company's token: ")
    assert "450" in session.exec(select(KsefConnection)).one().last_error


def test_a_sync_that_issued_nothing_still_sends_the_invoices_left_offline(
    session: Session, company, ksef_control: httpx.Client
) -> None:
    from invoicehub.integrations.ksef.offline import mark_offline
    from invoicehub.integrations.ksef.submissions import queue_after_sync
    from invoicehub.jobs.queues import KSEF_QUEUE, get_queue

    connect(session, company, ksef_control)
    queue(session, company, issue(session, company, 1))
    mark_offline(session, [r.id for r in _rows(session).values()], "test")
    session.commit()
    get_queue(KSEF_QUEUE).empty()

    queue_after_sync(session, company.tenant_id)
    session.commit()

    assert get_queue(KSEF_QUEUE).count == 1
