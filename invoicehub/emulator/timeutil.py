"""Allegro timestamps: ISO-8601 in UTC with milliseconds and a `Z` (`2018-10-12T10:12:32.321Z`)."""

from __future__ import annotations

from datetime import UTC, datetime


def format_ts(epoch: float) -> str:
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_ts(value: str) -> float:
    """Epoch seconds of an ISO-8601 string; a missing offset means UTC. Raises ValueError."""
    moment = datetime.fromisoformat(value.strip().replace("z", "Z"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
