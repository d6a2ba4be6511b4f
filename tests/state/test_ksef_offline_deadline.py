"""The invoice page's KSeF section shows an offline invoice's deadline while it waits, marked
overdue once the day has passed, and no deadline once KSeF accepted the invoice."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from invoicehub.auth.accounts import default_company
from invoicehub.integrations.ksef.offline import mark_offline, today_in_poland
from invoicehub.integrations.ksef.submissions import mark_accepted, request_send
from invoicehub.models import KsefSubmission
from invoicehub.pages.invoices_ksef_state import InvoiceKsefState
from tests.domain.factories import issue_invoice
from tests.factories import make_user
from tests.state.conftest import call, session_token, state_for


def test_the_invoice_page_shows_the_offline_deadline_while_the_invoice_waits(
    session: Session,
) -> None:
    user = make_user(session)
    token = session_token(session, user)
    company = default_company(session, user.tenant_id)
    old = issue_invoice(session, company, issue_date=date(2026, 11, 27))
    fresh = issue_invoice(session, company, issue_date=today_in_poland())
    for invoice in (old, fresh):
        request_send(session, user.tenant_id, invoice, environment="emulator")
    mark_offline(session, [s.id for s in session.exec(select(KsefSubmission))], "test")
    session.commit()

    page = state_for(InvoiceKsefState, token, f"/invoices/{old.id}")
    call(page, "load")
    assert (page.ksef["status"], page.ksef["deadline"]) == ("offline", "30.11.2026")
    assert page.ksef["overdue"] == "true"

    page = state_for(InvoiceKsefState, token, f"/invoices/{fresh.id}")
    call(page, "load")
    deadline = datetime.strptime(page.ksef["deadline"], "%d.%m.%Y").date()
    assert today_in_poland() < deadline <= today_in_poland() + timedelta(days=5)
    assert page.ksef["overdue"] == ""

    submission = session.exec(
        select(KsefSubmission).where(KsefSubmission.invoice_id == fresh.id)
    ).one()
    mark_accepted(session, submission.id, "5265877635-20261202-0100001AF629-AF", None)
    session.commit()
    call(page, "load")
    assert page.ksef["deadline"] == ""
