"""One HTTP call to KSeF and the mapping of its failures onto `errors.py`.

Logs carry the method, the path (never the query: a batch upload URL's query is its credential)
and the status. Headers and bodies are never logged: they hold KSeF and bearer tokens.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import httpx

from invoicehub.integrations.ksef.errors import (
    KsefAuthError,
    KsefBadRequest,
    KsefRateLimited,
    KsefTransientError,
)

log = logging.getLogger("invoicehub.integrations.ksef")


class RedactUrlQuery(logging.Filter):
    """httpx logs every request's full URL at INFO; a batch part's pre-signed URL carries its
    credential in the query, so the query is cut from httpx's log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                str(arg).split("?", 1)[0] if isinstance(arg, httpx.URL) else arg
                for arg in record.args
            )
        return True


_httpx_log = logging.getLogger("httpx")
if not any(isinstance(f, RedactUrlQuery) for f in _httpx_log.filters):
    _httpx_log.addFilter(RedactUrlQuery())


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _describe(response: httpx.Response) -> tuple[str, int | None, list[str]]:
    """KSeF's own words from ExceptionResponse, problem+json or TooManyRequestsResponse."""
    try:
        body: Any = response.json()
    except ValueError:
        return f"HTTP {response.status_code}", None, []
    if isinstance(body, dict) and isinstance(body.get("exception"), dict):
        items = body["exception"].get("exceptionDetailList") or [{}]
        first = items[0] if isinstance(items[0], dict) else {}
        return (
            str(first.get("exceptionDescription") or f"HTTP {response.status_code}"),
            first.get("exceptionCode"),
            [str(d) for d in first.get("details") or []],
        )
    if isinstance(body, dict) and "detail" in body:
        return str(body.get("detail")), None, []
    return f"HTTP {response.status_code}", None, []


def raise_for(response: httpx.Response) -> None:
    status = response.status_code
    if status < 400:
        return
    message, code, details = _describe(response)
    if status == 429:
        raise KsefRateLimited(retry_after(response) or 1.0)
    if status >= 500:
        raise KsefTransientError(f"KSeF HTTP {status}: {message}", retry_after(response))
    if status in (401, 403):
        raise KsefAuthError(f"KSeF HTTP {status}: {message}")
    raise KsefBadRequest(f"KSeF HTTP {status}: {message}", code, details)


def send(http: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response:
    path = urlsplit(url).path or url
    try:
        response = http.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        log.warning("KSeF %s %s timed out", method, path)
        raise KsefTransientError(f"KSeF {method} {path} timed out") from exc
    except httpx.TransportError as exc:
        log.warning("KSeF %s %s failed: %s", method, path, type(exc).__name__)
        raise KsefTransientError(f"KSeF {method} {path}: {type(exc).__name__}") from exc
    log.debug("KSeF %s %s -> %s", method, path, response.status_code)
    raise_for(response)
    return response
