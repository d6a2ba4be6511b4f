"""The emulator's clock: real time plus an offset that `POST /__emulator/clock` moves; it can also
be frozen, so tests of time windows (rate limits, lifetimes) do not depend on how fast they run."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0
        self.frozen_at: float | None = None

    def now(self) -> float:
        return self.frozen_at if self.frozen_at is not None else time.time() + self.offset

    def now_dt(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)

    def shift(self, seconds: float) -> None:
        if self.frozen_at is not None:
            self.frozen_at += seconds
        else:
            self.offset += seconds

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("give the time with its offset, e.g. 2026-02-01T10:00:00+00:00")
        if self.frozen_at is not None:
            self.frozen_at = when.timestamp()
        else:
            self.offset = when.timestamp() - time.time()

    def freeze(self, frozen: bool) -> None:
        if frozen and self.frozen_at is None:
            self.frozen_at = self.now()
        elif not frozen and self.frozen_at is not None:
            self.offset, self.frozen_at = self.frozen_at - time.time(), None

    def reset(self) -> None:
        self.offset, self.frozen_at = 0.0, None


def iso(ts: float) -> str:
    """RFC 3339 with milliseconds and `+00:00`, as KSeF writes dates."""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds")
