"""Failures in words a seller understands: what happened and what to do.

Sync runs, integrations and uploads store a technical error text (`AuthError: GET /order/events:
401 invalid_token: ...`) for the platform admin. A seller never sees it: every seller-facing page
and notification passes it through `plain_failure`, which names the kind of failure and the next
step. Pure: no database, no Reflex. The texts are catalogue msgids (English); a notification
stores the English sentence (`PlainError.text`) and the pages show it in the reader's language
(`PlainError.in_language`, and invoicehub/i18n/stored.py for stored ones).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from invoicehub.i18n import DEFAULT_LANGUAGE, N_, gettext


class FailureKind(StrEnum):
    AUTH_REVOKED = "auth_revoked"
    RATE_LIMITED = "rate_limited"
    ALLEGRO_DOWN = "allegro_down"
    TIMEOUT = "timeout"
    COMPANY_INCOMPLETE = "company_incomplete"
    INVALID_ORDER = "invalid_order"
    KSEF_REJECTED = "ksef_rejected"
    KSEF_OFFLINE = "ksef_offline"
    INTEGRATION_OFF = "integration_off"
    UNKNOWN = "unknown"

    # Failures a seller fixes themselves (the rest pass on their own or need support).
    @classmethod
    def sellers_to_fix(cls) -> frozenset[FailureKind]:
        return frozenset({cls.AUTH_REVOKED, cls.COMPANY_INCOMPLETE, cls.INTEGRATION_OFF})


@dataclass(frozen=True)
class PlainError:
    kind: FailureKind
    what: str  # what happened
    action: str  # what the seller should do

    @property
    def text(self) -> str:
        """The English sentence, as notifications store it."""
        return f"{self.what} {self.action}"

    def in_language(self, language: str) -> str:
        return f"{gettext(language, self.what)} {gettext(language, self.action)}"


PLAIN_ERRORS: dict[FailureKind, PlainError] = {
    kind: PlainError(kind, what, action)
    for kind, what, action in (
        (
            FailureKind.AUTH_REVOKED,
            N_("Allegro no longer accepts the connection to this account."),
            N_("Connect the account again on Settings → Integrations."),
        ),
        (
            FailureKind.RATE_LIMITED,
            N_("Allegro is limiting the number of requests for a while."),
            N_("Nothing to do: the sync runs again by itself in a few minutes."),
        ),
        (
            FailureKind.ALLEGRO_DOWN,
            N_("Allegro has temporary problems and does not answer properly."),
            N_("Nothing to do: we will try again automatically."),
        ),
        (
            FailureKind.TIMEOUT,
            N_("Allegro did not answer in time."),
            N_("Nothing to do: we will try again automatically."),
        ),
        (
            FailureKind.COMPANY_INCOMPLETE,
            N_("Your company details are incomplete, so no invoice can be issued."),
            N_("Complete them on Settings → Company and run a manual sync."),
        ),
        (
            FailureKind.INVALID_ORDER,
            N_("The order data from Allegro is incomplete or wrong."),
            N_("Check the order on Allegro; once it is fixed, click “Retry” next to the order."),
        ),
        (
            FailureKind.KSEF_REJECTED,
            N_("KSeF rejected the invoice."),
            N_("Check the invoice and company details, then send it again."),
        ),
        (
            FailureKind.KSEF_OFFLINE,
            N_("KSeF is unavailable for a while."),
            N_("Nothing to do: we will send the invoice again automatically."),
        ),
        (
            FailureKind.INTEGRATION_OFF,
            N_("This integration is disabled."),
            N_("Connect the account again or contact support."),
        ),
        (
            FailureKind.UNKNOWN,
            N_("Something went wrong on our side."),
            N_("Try again later; if it keeps happening, write to support."),
        ),
    )
}

# Checked in order: the first pattern found in the technical text decides the kind. Auth comes
# first because a refused token is also a 401/403 from Allegro; KSeF before the generic
# transport words because its errors also say "timed out" or "5xx".
_PATTERNS: tuple[tuple[FailureKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (FailureKind.COMPANY_INCOMPLETE, r"company data incomplete|no seller company"),
        (FailureKind.KSEF_REJECTED, r"KsefRejected|KsefBadRequest|ksef.*(rejected|refused)"),
        (FailureKind.KSEF_OFFLINE, r"KsefTransientError|KsefRateLimited|ksef.*(offline|unavail)"),
        (
            FailureKind.AUTH_REVOKED,
            r"re-?authori[sz]ation|ReauthRequired|AuthError|invalid_grant|invalid_token|"
            r"needs_reauth|not active",
        ),
        (FailureKind.RATE_LIMITED, r"RateLimited|\b429\b|too many requests"),
        (FailureKind.TIMEOUT, r"timed? ?out|Timeout|ConnectError|connection (refused|reset)"),
        (FailureKind.ALLEGRO_DOWN, r"TransientError|\b5\d\d\b|service unavailable"),
        (
            FailureKind.INVALID_ORDER,
            r"malformed checkout form|BadRequest|NotFound|invalid NIP|currency|do not match|"
            r"could not be read|ValidationError",
        ),
        (FailureKind.INTEGRATION_OFF, r"integration is (disabled|disconnected|switched off)"),
    )
)


def classify_failure(technical: str | None) -> FailureKind:
    """The kind of failure a stored technical error text describes."""
    if not technical:
        return FailureKind.UNKNOWN
    for kind, pattern in _PATTERNS:
        if pattern.search(technical):
            return kind
    return FailureKind.UNKNOWN


def explain_failure(technical: str | None) -> PlainError:
    return PLAIN_ERRORS[classify_failure(technical)]


def plain_failure(technical: str | None, language: str = DEFAULT_LANGUAGE) -> str:
    """The sentence and the next step a seller reads instead of `technical`, in `language`."""
    return explain_failure(technical).in_language(language)


# Marks of text written for engineers: exception class names, HTTP methods with paths, status
# codes, OAuth error codes. A seller-facing text carrying one is replaced by its plain version.
_TECHNICAL = re.compile(
    r"\b\w*(Error|Exception|Timeout|Required|Limited|Rejected)\b|\b(GET|POST|PUT|PATCH|DELETE) /|"
    r"\b[45]\d\d\b|Traceback|invalid_(token|grant|client)|https?://",
)


def looks_technical(text: str | None) -> bool:
    return bool(text) and _TECHNICAL.search(text or "") is not None


def plain_text(text: str | None, language: str = DEFAULT_LANGUAGE) -> str:
    """`text` when it is already plain, else the plain sentence (in `language`) for the failure
    it describes."""
    if not text:
        return ""
    return plain_failure(text, language) if looks_technical(text) else text
