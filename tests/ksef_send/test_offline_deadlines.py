"""Offline invoices and their KSeF deadlines: an outage (the emulator's fault, ended by moving its
clock) marks them offline24 with the next working day after their issue date, the API shows the
deadline, and once KSeF is back they are sent by deadline first. The scheduled check tells the
seller's tenant once per stage and starts the senders again."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest
from lxml import etree
from sqlmodel import Session, col, select

from invoicehub.auth.accounts import default_company
from invoicehub.emulator.ksef.schemas import UPO_NS
from invoicehub.i18n.stored import translate_stored
from invoicehub.integrations.ksef.offline import check_deadlines, mark_offline
from invoicehub.integrations.ksef.sender import KsefUnavailable, send_company
from invoicehub.jobs.queues import KSEF_QUEUE, get_queue
from invoicehub.models import KsefStatus, KsefSubmission, Notification, User
from tests.domain.factories import issue_invoice
from tests.factories import bearer, make_user
from tests.ksef_send.conftest import connect, queue


def _rows(session: Session) -> dict:
    session.expire_all()
    return {r.invoice_id: r for r in session.exec(select(KsefSubmission)).all()}


def test_an_outage_gives_offline_deadlines_and_ksef_back_takes_the_earliest_deadline_first(
    api, session: Session, user: User, ksef_control: httpx.Client
) -> None:
    company = default_company(session, user.tenant_id)
    connect(session, company, ksef_control)
    monday = issue_invoice(session, company, issue_date=date(2026, 11, 30))
    friday = issue_invoice(session, company, issue_date=date(2026, 11, 27))  # issued later
    queue(session, company, [monday, friday])
    ksef_control.post("/__emulator/faults", json={"outageSeconds": 3600}).raise_for_status()

    with pytest.raises(KsefUnavailable):
        send_company(company.id)

    expected = {monday.id: "2026-12-01", friday.id: "2026-11-30"}  # Friday's: after the weekend
    for invoice_id, deadline in expected.items():
        ksef = api.get(f"/invoices/{invoice_id}", headers=bearer(user)).json()["ksef"]
        assert (ksef["status"], ksef["offline"]) == ("offline", True)
        assert (ksef["offlineMode"], ksef["offlineDeadline"]) == ("offline24", deadline)
    ksef_control.post("/__emulator/clock", json={"shiftSeconds": 60}).raise_for_status()
    with pytest.raises(KsefUnavailable):  # a minute later KSeF is still down
        send_company(company.id)
    assert {r.send_deadline for r in _rows(session).values()} == {
        date(2026, 12, 1),
        date(2026, 11, 30),
    }  # set once, not moved by the second failed run

    ksef_control.post("/__emulator/clock", json={"shiftSeconds": 3600}).raise_for_status()
    report = send_company(company.id)

    assert report["accepted"] == 2, report
    received = ksef_control.get("/__emulator/invoices").json()["invoices"]
    assert [r["invoiceNumber"] for r in received] == [friday.number, monday.number]
    for row in _rows(session).values():
        assert row.status == KsefStatus.ACCEPTED.value and row.offline
        mode = etree.fromstring(row.upo_xml).findtext(f".//{{{UPO_NS}}}TrybWysylki")
        assert mode == "Offline"
    ksef = api.get(f"/invoices/{friday.id}", headers=bearer(user)).json()["ksef"]
    assert ksef["status"] == "accepted" and ksef["offlineDeadline"] == "2026-11-30"


def _notices(session: Session, tenant_id) -> list[Notification]:
    session.expire_all()
    stmt = select(Notification).where(Notification.tenant_id == tenant_id)
    return list(session.exec(stmt.order_by(col(Notification.created_at))))


def test_the_deadline_check_tells_each_tenant_once_per_stage_and_starts_the_sender(
    session: Session, ksef_control: httpx.Client
) -> None:
    seller, other = make_user(session), make_user(session)
    company = default_company(session, seller.tenant_id)
    other_company = default_company(session, other.tenant_id)
    connect(session, company, ksef_control)
    connect(session, other_company, ksef_control)
    mine = [issue_invoice(session, company, issue_date=date(2026, 11, 27)) for _ in range(2)]
    theirs = issue_invoice(session, other_company, issue_date=date(2026, 12, 4))  # Fri -> Mon 7
    queue(session, company, mine)
    queue(session, other_company, [theirs])
    mark_offline(session, [r.id for r in _rows(session).values()], "test")
    session.commit()
    get_queue(KSEF_QUEUE).empty()

    sunday = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)  # the day before the deadline (30.11)
    assert check_deadlines(sunday) == {"companies": 2, "notified": 2, "notices": 1}
    assert get_queue(KSEF_QUEUE).count == 2  # each company's sender, after commit
    assert check_deadlines(sunday)["notified"] == 0  # told once
    (due,) = _notices(session, seller.tenant_id)
    assert due.kind == "ksef.offline_due_soon" and due.user_id is None
    assert due.title == "2 offline invoices must reach KSeF by 30.11.2026"
    polish = translate_stored("pl", due.title)
    assert polish == "Faktury offline (2) muszą trafić do KSeF do 30.11.2026"
    assert company.nip in due.body
    assert _notices(session, other.tenant_id) == []  # its deadline is a week away

    rows = _rows(session)
    rows[mine[1].id].status = KsefStatus.ACCEPTED.value  # sent meanwhile: nothing to tell
    session.add(rows[mine[1].id])
    session.commit()
    tuesday = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert check_deadlines(tuesday)["notified"] == 1
    overdue = _notices(session, seller.tenant_id)[-1]
    assert overdue.kind == "ksef.offline_overdue"
    assert overdue.title == "1 offline invoice missed its KSeF deadline (30.11.2026)"
    assert translate_stored("en", overdue.title) == overdue.title
