"""The KSeF texts (Company tab card, invoice page) read in the seller's language: English for an
English seller, Polish for a Polish one, also the reason stored (in English) on the submission."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from invoicehub.auth.accounts import default_company
from invoicehub.i18n import catalog
from invoicehub.integrations.ksef.errors import KsefRejected
from invoicehub.integrations.ksef.offline import mark_offline
from invoicehub.integrations.ksef.submissions import (
    mark_rejected,
    request_send,
)
from invoicehub.integrations.ksef.texts import REASONS
from invoicehub.models import KsefSubmission
from invoicehub.pages.invoices_ksef_state import InvoiceKsefState
from invoicehub.pages.settings.ksef_state import KsefSettingsState
from tests.domain.factories import issue_invoice
from tests.factories import make_user
from tests.state.conftest import call, session_token, state_for

EXPECTED = {
    "en": {
        "saved": "KSeF settings saved.",
        "no_token": "Set the KSeF token in Settings → Company.",
        "label": "Rejected",
        "reason": "Duplicate invoice: KSeF accepted it earlier: KSeF number 123",
        "offline": "KSeF is unavailable (503 Service Unavailable); the invoice will be sent in "
        "offline mode once KSeF is back",
    },
    "pl": {
        "saved": "Zapisano ustawienia KSeF.",
        "no_token": "Ustaw token KSeF w Ustawieniach → Firma.",
        "label": "Odrzucona",
        "reason": "Duplikat faktury: KSeF przyjął ją już wcześniej: KSeF number 123",
        "offline": "KSeF jest niedostępny (503 Service Unavailable); faktura zostanie wysłana w "
        "trybie offline, gdy KSeF wróci",
    },
}


@pytest.mark.parametrize("language", ["en", "pl"])
def test_ksef_card_and_invoice_section_read_the_sellers_language(
    session: Session, language: str
) -> None:
    user = make_user(session, language=language)
    token = session_token(session, user)
    expected = EXPECTED[language]

    tab = state_for(KsefSettingsState, token, "/settings?tab=company")
    call(tab, "load")
    call(tab, "set_auto_send", True)
    call(tab, "save")
    assert (tab.message, tab.error) == (expected["saved"], "")

    company = default_company(session, user.tenant_id)
    company.bank_account = "61109010140000071219812874"
    session.add(company)
    session.commit()
    invoice = issue_invoice(session, company)
    page = state_for(InvoiceKsefState, token, f"/invoices/{invoice.id}")
    call(page, "send")
    assert page.error == expected["no_token"]

    request_send(session, user.tenant_id, invoice, environment="emulator")
    submission = session.exec(select(KsefSubmission)).one()
    mark_rejected(session, submission.id, KsefRejected(440, "Duplikat", ["KSeF number 123"]))
    session.commit()
    call(page, "load")
    assert page.ksef["status"] == "rejected"
    # The badge shows the label msgid through `tr_value`, i.e. the catalogue's text.
    assert catalog(language)[page.ksef["label"]] == expected["label"]
    assert page.ksef["reason"] == expected["reason"]
    # Stored once, in English (the API returns it so), whoever reads it.
    session.refresh(submission)
    assert submission.error_description == EXPECTED["en"]["reason"]

    submission.status = "queued"
    session.add(submission)
    session.commit()
    mark_offline(session, [submission.id], "503 Service Unavailable")
    session.commit()
    call(page, "load")
    assert page.ksef["reason"] == expected["offline"]


def test_every_stored_rejection_reason_is_a_msgid_of_both_catalogues() -> None:
    for msgid in REASONS.values():
        assert catalog("en")[msgid] == msgid
        assert catalog("pl")[msgid] != msgid
