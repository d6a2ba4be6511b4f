"""The documented API rate limits (docs/limity/limity-api.md) with sliding windows.

Requests are counted per (context, IP address, endpoint group); the context is the NIP of the bearer
token, or none for public endpoints. Every window (1 s, 60 s, 3600 s) applies at once; the first one
exceeded answers 429 with `Retry-After` = seconds until enough old requests leave that window.
`scale` multiplies every limit (the TEST environment runs with limits ten times higher).
Refused requests are not counted, so `Retry-After` stays truthful.
"""

from __future__ import annotations

import math
import re
from collections import deque
from dataclasses import dataclass

WINDOWS = (1.0, 60.0, 3600.0)


@dataclass(frozen=True)
class Limit:
    group: str
    method: str
    pattern: re.Pattern[str]
    per_window: tuple[int, int, int]  # req/s, req/min, req/h


def _limit(group: str, method: str, path: str, s: int, m: int, h: int) -> Limit:
    regex = "^/v2" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"
    return Limit(group, method, re.compile(regex), (s, m, h))


# Most specific first: the first match decides the group.
LIMITS: tuple[Limit, ...] = (
    # Public resources: "60 żądań na sekundę dla jednego adresu IP", no minute or hour limit given.
    _limit("challenge", "POST", "/auth/challenge", 60, 3600, 216000),
    _limit("public-keys", "GET", "/security/public-key-certificates", 60, 3600, 216000),
    _limit("batch-open", "POST", "/sessions/batch", 10, 20, 60),
    _limit("batch-close", "POST", "/sessions/batch/{ref}/close", 10, 20, 60),
    _limit("online-open", "POST", "/sessions/online", 10, 30, 120),
    _limit("online-send", "POST", "/sessions/online/{ref}/invoices", 10, 30, 180),
    _limit("online-close", "POST", "/sessions/online/{ref}/close", 10, 30, 120),
    _limit("invoice-status", "GET", "/sessions/{ref}/invoices/{iref}", 30, 120, 1200),
    _limit("session-list", "GET", "/sessions", 5, 10, 60),
    _limit("session-invoices", "GET", "/sessions/{ref}/invoices", 10, 20, 200),
    _limit("session-failed", "GET", "/sessions/{ref}/invoices/failed", 10, 20, 200),
    _limit("sessions-other", "GET", "/sessions/.*", 10, 120, 1200),
)
# "Pozostałe POST/GET /*": every other endpoint has its own counter with these limits.
DEFAULT_LIMIT = (10, 30, 120)
_REF = re.compile(r"/\d{8}-[0-9A-Z]{2}-[^/]+")


def limit_for(method: str, path: str) -> tuple[str, tuple[int, int, int]]:
    for limit in LIMITS:
        if limit.method == method and limit.pattern.match(path):
            return limit.group, limit.per_window
    return f"{method} {_REF.sub('/{ref}', path)}", DEFAULT_LIMIT


class RateLimiter:
    def __init__(self, scale: float = 1.0) -> None:
        self.scale = scale
        self._hits: dict[tuple[str, str, str], deque[float]] = {}

    def reset(self) -> None:
        self._hits = {}

    def check(self, context: str, ip: str, method: str, path: str, now: float) -> float | None:
        """None when the request may proceed (and is counted), else seconds to wait."""
        group, per_window = limit_for(method, path)
        hits = self._hits.setdefault((context, ip, group), deque())
        while hits and hits[0] <= now - WINDOWS[-1]:
            hits.popleft()
        wait = 0.0
        for window, limit in zip(WINDOWS, per_window, strict=True):
            allowed = max(1, int(limit * self.scale))
            inside = [t for t in hits if t > now - window] if window < WINDOWS[-1] else hits
            if len(inside) >= allowed:
                oldest_that_must_leave = list(inside)[len(inside) - allowed]
                wait = max(wait, oldest_that_must_leave + window - now)
        if wait > 0:
            return wait
        hits.append(now)
        return None


def retry_after_header(wait: float) -> str:
    return str(max(1, math.ceil(wait)))
