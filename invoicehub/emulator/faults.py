"""Injected failures (POST /__emulator/faults) and the per-client-id rate limiter.

A fault's `pathPattern` is a shell-style pattern matched with `fnmatch` against the request path
(`/order/checkout-forms*`, `/auth/oauth/token`), or a regular expression searched in the path when
it starts with `re:` (`re:^/order/checkout-forms/[^/]+$`). The query string is not part of the path.
Each matching call uses up one of `count`; faults are tried in the order they were added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any


@dataclass
class Fault:
    path_pattern: str
    count: int
    status: int | None = None
    delay_ms: int = 0
    retry_after: int | None = None
    body: Any = None
    method: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        pattern = data.get("pathPattern")
        if not isinstance(pattern, str) or not pattern:
            raise ValueError("pathPattern is required")
        if pattern.startswith("re:"):
            re.compile(pattern[3:])
        count = int(data.get("count", 1))
        status = data.get("status")
        delay = int(data.get("delayMs") or 0)
        if count < 1:
            raise ValueError("count must be at least 1")
        if status is None and delay <= 0:
            raise ValueError("give a status, a delayMs, or both")
        if status is not None and not 400 <= int(status) <= 599:
            raise ValueError("status must be an HTTP error status (400-599)")
        retry_after = data.get("retryAfter")
        method = data.get("method")
        return cls(
            path_pattern=pattern,
            count=count,
            status=int(status) if status is not None else None,
            delay_ms=delay,
            retry_after=int(retry_after) if retry_after is not None else None,
            body=data.get("body"),
            method=method.upper() if isinstance(method, str) else None,
        )

    @classmethod
    def for_order(cls, checkout_form_id: str, data: dict[str, Any]) -> Fault:
        """The next `count` GETs of one checkout form answer `status` (404 by default): Allegro
        answers 404 for a fresh order for a short while, and 400 for one it cannot serve."""
        if not checkout_form_id or any(c in checkout_form_id for c in "*?[]/"):
            raise ValueError("a checkout form id is required")
        status = data.get("status", 404)
        if isinstance(status, bool) or not isinstance(status, int):
            raise ValueError("status must be an integer")
        path = f"/order/checkout-forms/{checkout_form_id}"
        body = data.get("body")
        if body is None and status == 404:  # the body Allegro sends (reference/allegro 2.2)
            message = f"Checkout form {checkout_form_id} not found"
            error = {"code": "CheckoutFormNotFoundException", "message": message}
            body = {"errors": [{**error, "details": None, "path": path, "userMessage": message}]}
        return cls.from_json(
            {
                "pathPattern": path,
                "method": "GET",
                "status": status,
                "count": data.get("count", 1),
                "body": body,
            }
        )

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method != method:
            return False
        if self.path_pattern.startswith("re:"):
            return re.search(self.path_pattern[3:], path) is not None
        return fnmatchcase(path, self.path_pattern)

    def as_json(self) -> dict[str, Any]:
        return {
            "pathPattern": self.path_pattern,
            "count": self.count,
            "status": self.status,
            "delayMs": self.delay_ms,
            "retryAfter": self.retry_after,
            "body": self.body,
            "method": self.method,
        }


class FaultList:
    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def take(self, method: str, path: str) -> Fault | None:
        """The first fault matching this call, with one use consumed."""
        for fault in self.faults:
            if fault.matches(method, path):
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
                return fault
        return None


class RateLimiter:
    """Fixed one-minute windows per client id; exceeding the limit blocks the id for a while.

    Calls made while blocked do not extend the block (real Allegro reportedly extends it, #3454);
    a fixed block keeps `Retry-After` truthful, which is what clients are tested against.
    """

    def __init__(self) -> None:
        self._windows: dict[str, tuple[float, int]] = {}
        self._blocked_until: dict[str, float] = {}

    def check(self, client_id: str, now: float, limit: int, block_seconds: int) -> float | None:
        """None when the call may proceed, else the seconds until the block ends."""
        blocked_until = self._blocked_until.get(client_id)
        if blocked_until is not None:
            if now < blocked_until:
                return blocked_until - now
            del self._blocked_until[client_id]
            self._windows.pop(client_id, None)
        window_start, used = self._windows.get(client_id, (now, 0))
        if now - window_start >= 60:
            window_start, used = now, 0
        used += 1
        self._windows[client_id] = (window_start, used)
        if used > limit:
            self._blocked_until[client_id] = now + block_seconds
            return float(block_seconds)
        return None
