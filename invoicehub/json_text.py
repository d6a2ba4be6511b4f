"""Compact JSON text for the bulk statements that take a page of rows as one jsonb parameter.

orjson encodes a page of raw Allegro orders several times faster than the standard library
(the encoding was about 8% of a first sync). Anything orjson refuses that the standard library
takes (integers beyond 64 bits, lone surrogates) goes through `json` as before, so the text
PostgreSQL receives, and what it refuses, do not change.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME  # datetimes through `default`: isoformat, as before


def dumps(value: Any, default: Callable[[Any], Any] | None = None) -> str:
    try:
        return orjson.dumps(value, default=default, option=_OPTIONS).decode()
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=default)
