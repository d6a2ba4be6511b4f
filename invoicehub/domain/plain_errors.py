"""Failures in words a seller understands: what happened and what to do.

Sync runs, integrations and uploads store a technical error text (`AuthError: GET /order/events:
401 invalid_token: ...`) for the platform admin. A seller never sees it: every seller-facing page
and notification passes it through `plain_failure`, which names the kind of failure and the next
step. Pure: no database, no Reflex. The texts are Polish (the interface's default language) and
live only here, so the message catalogue can take them over in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


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
        return f"{self.what} {self.action}"


PLAIN_ERRORS: dict[FailureKind, PlainError] = {
    kind: PlainError(kind, what, action)
    for kind, what, action in (
        (
            FailureKind.AUTH_REVOKED,
            "Allegro nie akceptuje już połączenia z tym kontem.",
            "Połącz konto ponownie w Ustawienia → Integracje.",
        ),
        (
            FailureKind.RATE_LIMITED,
            "Allegro chwilowo ogranicza liczbę zapytań.",
            "Nic nie musisz robić: synchronizacja ponowi się sama za kilka minut.",
        ),
        (
            FailureKind.ALLEGRO_DOWN,
            "Allegro ma chwilowe problemy i nie odpowiada poprawnie.",
            "Nic nie musisz robić: spróbujemy ponownie automatycznie.",
        ),
        (
            FailureKind.TIMEOUT,
            "Allegro nie odpowiedziało na czas.",
            "Nic nie musisz robić: spróbujemy ponownie automatycznie.",
        ),
        (
            FailureKind.COMPANY_INCOMPLETE,
            "Dane Twojej firmy są niepełne, więc nie można wystawić faktury.",
            "Uzupełnij je w Ustawienia → Firma i uruchom synchronizację ręcznie.",
        ),
        (
            FailureKind.INVALID_ORDER,
            "Dane zamówienia z Allegro są niepełne lub błędne.",
            "Sprawdź zamówienie na Allegro; po poprawce kliknij „Ponów” przy zamówieniu.",
        ),
        (
            FailureKind.KSEF_REJECTED,
            "KSeF odrzucił fakturę.",
            "Sprawdź dane faktury i firmy, a potem wyślij ją ponownie.",
        ),
        (
            FailureKind.KSEF_OFFLINE,
            "KSeF jest chwilowo niedostępny.",
            "Nic nie musisz robić: wyślemy fakturę ponownie automatycznie.",
        ),
        (
            FailureKind.INTEGRATION_OFF,
            "Ta integracja jest wyłączona.",
            "Połącz konto ponownie albo skontaktuj się z pomocą.",
        ),
        (
            FailureKind.UNKNOWN,
            "Coś poszło nie tak po naszej stronie.",
            "Spróbuj ponownie później; jeśli to się powtarza, napisz do pomocy.",
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


def plain_failure(technical: str | None) -> str:
    """The sentence and the next step a seller reads instead of `technical`."""
    return explain_failure(technical).text


# Marks of text written for engineers: exception class names, HTTP methods with paths, status
# codes, OAuth error codes. A seller-facing text carrying one is replaced by its plain version.
_TECHNICAL = re.compile(
    r"\b\w*(Error|Exception|Timeout|Required|Limited|Rejected)\b|\b(GET|POST|PUT|PATCH|DELETE) /|"
    r"\b[45]\d\d\b|Traceback|invalid_(token|grant|client)|https?://",
)


def looks_technical(text: str | None) -> bool:
    return bool(text) and _TECHNICAL.search(text or "") is not None


def plain_text(text: str | None) -> str:
    """`text` when it is already plain, else the plain sentence for the failure it describes."""
    if not text:
        return ""
    return plain_failure(text) if looks_technical(text) else text
