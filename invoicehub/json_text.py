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


def loads(data: bytes | str) -> Any:
    """json.loads, with orjson's parser first (a page of 100 orders is ~300 KB: the standard
    library's parse, in the sync's prefetch thread, took the GIL from the page being written).
    What orjson refuses and the standard library takes (NaN, lone surrogates, integers beyond
    64 bits) is parsed by `json` as before; invalid JSON still raises ValueError."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)
