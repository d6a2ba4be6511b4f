"""What the KSeF client raises: one base class, one subclass per way a call can fail."""

from __future__ import annotations


class KsefError(Exception):
    """Any failure talking to KSeF."""


class KsefAuthError(KsefError):
    """Authentication failed (bad or foreign token, expired challenge, 401/403, status 4xx)."""


class KsefRateLimited(KsefError):
    """HTTP 429: wait `retry_after` seconds (from the `Retry-After` header) before trying again."""

    def __init__(self, retry_after: float, message: str = "KSeF rate limit exceeded") -> None:
        super().__init__(f"{message} (retry after {retry_after:g} s)")
        self.retry_after = retry_after


class KsefTransientError(KsefError):
    """5xx, timeout or connection failure: the same call may succeed later."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class KsefBadRequest(KsefError):
    """HTTP 400 with KSeF's exception details: the request itself is wrong, do not retry it."""

    def __init__(self, message: str, code: int | None = None, details: list[str] | None = None):
        super().__init__(message)
        self.code = code
        self.details = details or []


class KsefRejected(KsefError):
    """KSeF processed the invoice and refused it (invoice status 4xx/5xx other than 440)."""

    def __init__(self, code: int, description: str, details: list[str] | None = None) -> None:
        super().__init__(f"KSeF rejected the invoice: {code} {description}")
        self.code = code
        self.description = description
        self.details = details or []


class KsefDuplicate(KsefRejected):
    """Status 440: the same (seller NIP, RodzajFaktury, P_2) was accepted before, as this number."""

    def __init__(self, original_ksef_number: str, details: list[str] | None = None) -> None:
        super().__init__(440, "Duplikat faktury", details)
        self.original_ksef_number = original_ksef_number
