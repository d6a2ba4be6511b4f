"""Typed failures of Allegro calls. Callers branch on the class, never on `(data, ok)` tuples.

Messages never contain tokens: Allegro echoes the bad token in some OAuth error descriptions
(`Access token expired: eyJ...`, `Invalid refresh token: eyJ...`), so descriptions pass through
`redact_tokens` before they reach an exception.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from invoicehub import json_text

_JWT_LIKE = re.compile(r"eyJ[\w-]*\.[\w-]+\.[\w-]*")
_LONG_SECRET = re.compile(r"(?<![\w-])[\w-]{40,}(?![\w-])")


def redact_tokens(text: str, *secrets: str | None) -> str:
    """`text` with the given secrets and anything shaped like a JWT or long opaque token removed."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<redacted>")
    text = _JWT_LIKE.sub("<redacted>", text)
    return _LONG_SECRET.sub("<redacted>", text)


class AllegroError(Exception):
    """Any failed Allegro call."""

    def __init__(
        self, message: str, *, status_code: int | None = None, trace_id: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.trace_id = trace_id

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status_code={self.status_code})"


class AuthError(AllegroError):
    """The token or the client was refused: `oauth_error` is e.g. "invalid_grant", "invalid_token".

    The integration needs re-authorization (or a refresh) before any retry can succeed.
    """

    def __init__(
        self,
        message: str,
        *,
        oauth_error: str | None = None,
        status_code: int | None = None,
        trace_id: str | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, trace_id=trace_id)
        self.oauth_error = oauth_error


class RateLimited(AllegroError):
    """429: wait `retry_after` seconds (None when Allegro did not say) before calling again."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status_code: int | None = 429,
        trace_id: str | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, trace_id=trace_id)
        self.retry_after = retry_after


class TransientError(AllegroError):
    """A timeout, a connection failure or a 5xx: worth retrying later."""


class _ErrorsMixin(AllegroError):
    def __init__(
        self,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        status_code: int | None = None,
        trace_id: str | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, trace_id=trace_id)
        self.errors = errors or []

    @property
    def codes(self) -> list[str]:
        return [str(e.get("code")) for e in self.errors if e.get("code")]


class NotFound(_ErrorsMixin):
    """404: the order, invoice or offer does not exist (for this seller)."""


class BadRequest(_ErrorsMixin):
    """Any other 4xx: the request itself is wrong; `errors` holds Allegro's error list."""


def parse_retry_after(raw: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date), None when absent/invalid."""
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def response_json(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return json_text.loads(response.content)
    except ValueError:  # includes a body that is not UTF-8 (UnicodeDecodeError)
        return None


def translate_error(response: httpx.Response, *secrets: str | None) -> AllegroError:
    """The typed error for a non-2xx Allegro response (API or OAuth)."""
    status = response.status_code
    trace_id = response.headers.get("trace-id")
    body = response_json(response)
    body = body if isinstance(body, dict) else {}
    where = f"{response.request.method} {response.request.url.path}"
    if "error" in body and not isinstance(body.get("errors"), list):
        # OAuth-style body: the token endpoint, and 401s from the resource server.
        oauth_error = str(body.get("error"))
        if oauth_error.lower() == "unauthorized" and status == 401 and "token" in where:
            oauth_error = "invalid_client"
        description = redact_tokens(str(body.get("error_description") or ""), *secrets)
        message = f"{where}: {status} {oauth_error}: {description}".rstrip(": ")
        if status in (400, 401, 403):
            return AuthError(
                message, oauth_error=oauth_error, status_code=status, trace_id=trace_id
            )
    raw_errors = body.get("errors")
    errors: list[dict[str, Any]] = raw_errors if isinstance(raw_errors, list) else []
    summary = "; ".join(
        redact_tokens(f"{e.get('code')}: {e.get('message')}", *secrets)
        for e in errors
        if isinstance(e, dict)
    )
    message = f"{where}: {status}" + (f" {summary}" if summary else "")
    if status == 401:
        return AuthError(message, oauth_error=None, status_code=status, trace_id=trace_id)
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        return RateLimited(message, retry_after=retry_after, trace_id=trace_id)
    if status >= 500:
        return TransientError(message, status_code=status, trace_id=trace_id)
    if status == 404:
        return NotFound(message, errors=errors, status_code=status, trace_id=trace_id)
    return BadRequest(message, errors=errors, status_code=status, trace_id=trace_id)
