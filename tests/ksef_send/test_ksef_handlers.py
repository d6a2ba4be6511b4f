"""The KSeF handlers of the Company tab and the invoice page: signed-in, tenant-scoped, the token
never sent back to the browser."""

from __future__ import annotations

import httpx
from sqlmodel import Session, select

from invoicehub.auth.accounts import default_company
from invoicehub.models import KsefConnection, KsefSubmission
from invoicehub.pages.invoices_ksef_state import InvoiceKsefState
from invoicehub.pages.settings.ksef_state import KsefSettingsState
from tests.domain.factories import issue_invoice
from tests.factories import make_user
from tests.state.conftest import call, redirects_to, session_token, state_for
from tests.support.ksef_emulator import new_token


def test_company_tab_saves_a_write_only_token_and_verifies_the_connection(
    session: Session, ksef_control: httpx.Client
) -> None:
    user = make_user(session)
    nip = default_company(session, user.tenant_id).nip
    token = new_token(ksef_control, nip)
    tab = state_for(KsefSettingsState, session_token(session, user), "/settings?tab=company")
    call(tab, "load")
    assert (tab.token_set, tab.auto_send, tab.environment) == (False, False, "emulator")

    call(tab, "set_token_input", token)
    call(tab, "set_auto_send", True)
    call(tab, "save")
    call(tab, "verify")

    assert tab.token_set and tab.token_input == "" and tab.message
    assert tab.verify_ok and tab.verified_at, tab.verify_answer
    assert token not in str(tab.dict())
    session.expire_all()
    stored = session.exec(select(KsefConnection)).one()
    assert stored.auto_send and stored.token_encrypted and token not in stored.token_encrypted


def test_company_tab_handlers_refuse_an_anonymous_caller(session: Session) -> None:
    tab = state_for(KsefSettingsState, None, "/settings?tab=company")
    call(tab, "set_token_input", "stolen")
    assert redirects_to(call(tab, "save")) == "/login"
    assert session.exec(select(KsefConnection)).first() is None


def test_invoice_page_sends_own_invoice_and_refuses_another_tenants(
    session: Session, ksef_control: httpx.Client
) -> None:
    owner, stranger = make_user(session), make_user(session)
    company = default_company(session, owner.tenant_id)
    company.bank_account = "61109010140000071219812874"
    session.add(company)
    session.commit()
    invoice = issue_invoice(session, company)
    path = f"/invoices/{invoice.id}"

    page = state_for(InvoiceKsefState, session_token(session, owner), path)
    call(page, "load")
    assert page.ksef["status"] == "not_sent" and not page.can_send
    call(page, "send")
    assert "token" in page.error.lower()
    settings = state_for(KsefSettingsState, session_token(session, owner), "/settings")
    call(settings, "set_token_input", new_token(ksef_control, company.nip))
    call(settings, "save")
    call(page, "send")
    assert page.ksef["status"] == "queued" and page.message

    foreign = state_for(InvoiceKsefState, session_token(session, stranger), path)
    call(foreign, "load")
    call(foreign, "send")
    assert foreign.ksef == {} and foreign.error == "Ta faktura nie istnieje."
    session.expire_all()
    assert len(session.exec(select(KsefSubmission)).all()) == 1


def test_sending_another_tenants_invoice_from_the_page_is_audited_as_denied(
    session: Session,
) -> None:
    from invoicehub.models import AuditEvent

    owner, stranger = make_user(session), make_user(session)
    invoice = issue_invoice(session, default_company(session, owner.tenant_id))
    page = state_for(InvoiceKsefState, session_token(session, stranger), f"/invoices/{invoice.id}")

    call(page, "send")

    session.expire_all()
    denied = session.exec(select(AuditEvent).where(AuditEvent.action == "api.denied")).all()
    assert [(d.user_id, d.target_id) for d in denied] == [(stranger.id, str(invoice.id))]
