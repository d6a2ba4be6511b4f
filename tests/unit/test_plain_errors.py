"""Every failure kind a seller can meet has a plain sentence and a next step; technical text never
reaches a seller (issue 13, item 4)."""

from __future__ import annotations

import pytest

from invoicehub.domain.plain_errors import (
    PLAIN_ERRORS,
    FailureKind,
    classify_failure,
    looks_technical,
    plain_failure,
    plain_text,
)

# Texts as the sync job, the refresh and the importers store them.
STORED = [
    ("re-authorisation needed: AuthError: GET /order/events: 401 invalid_token: expired", "auth"),
    ("ReauthRequired: the Allegro connection is not active", "auth"),
    ("AuthError: POST /auth/oauth/token: 400 invalid_grant: Invalid refresh token", "auth"),
    ("gave up after 6 retries: RateLimited: GET /order/events: 429", "rate"),
    ("gave up after 6 retries: TransientError: GET /order/events: 503", "down"),
    ("TransientError: GET /order/checkout-forms: timed out (ReadTimeout)", "timeout"),
    ("company data incomplete: street, postal code", "company"),
    ("no seller company is configured for this integration", "company"),
    ("BadRequest: GET /order/events: 400 VALIDATION_ERROR: from is invalid", "order"),
    ("malformed checkout form: buyer.email: field required", "order"),
    ("KsefRejected: 450 Błąd weryfikacji semantyki dokumentu", "ksef_rejected"),
    ("KsefTransientError: 503 from /v2/sessions/online", "ksef_offline"),
    ("the integration is disabled", "off"),
    ("KeyError: 'lineItems'", "unknown"),
]
KINDS = {
    "auth": FailureKind.AUTH_REVOKED,
    "rate": FailureKind.RATE_LIMITED,
    "down": FailureKind.ALLEGRO_DOWN,
    "timeout": FailureKind.TIMEOUT,
    "company": FailureKind.COMPANY_INCOMPLETE,
    "order": FailureKind.INVALID_ORDER,
    "ksef_rejected": FailureKind.KSEF_REJECTED,
    "ksef_offline": FailureKind.KSEF_OFFLINE,
    "off": FailureKind.INTEGRATION_OFF,
    "unknown": FailureKind.UNKNOWN,
}


@pytest.mark.parametrize(("stored", "kind"), STORED)
def test_stored_error_is_classified_by_its_kind(stored: str, kind: str):
    assert classify_failure(stored) is KINDS[kind]


@pytest.mark.parametrize(("stored", "kind"), STORED)
def test_plain_sentence_shows_nothing_technical(stored: str, kind: str):
    text = plain_failure(stored)
    assert not looks_technical(text), text
    assert "GET /" not in text and "401" not in text and "Error" not in text


def test_every_kind_has_a_sentence_and_a_next_step():
    assert set(PLAIN_ERRORS) == set(FailureKind)
    for plain in PLAIN_ERRORS.values():
        assert plain.what.endswith(".") and plain.action.endswith(".")
        assert plain.text == f"{plain.what} {plain.action}"


def test_revoked_token_asks_the_seller_to_reconnect():
    assert "Połącz konto ponownie" in plain_failure("AuthError: 401 invalid_token")


def test_no_error_text_reads_as_unknown():
    assert classify_failure(None) is FailureKind.UNKNOWN
    assert classify_failure("") is FailureKind.UNKNOWN


def test_plain_text_keeps_plain_sentences_and_replaces_technical_ones():
    assert plain_text("Missing: street. Complete them on Settings → Company.") == (
        "Missing: street. Complete them on Settings → Company."
    )
    assert plain_text("AuthError: GET /order/events: 401") == plain_failure("AuthError")
    assert plain_text(None) == ""
