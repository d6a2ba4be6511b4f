"""Text from Allegro made storable: what PostgreSQL refuses never reaches a statement.

PostgreSQL refuses the NUL character in `text` and in `jsonb` (UntranslatableCharacter), a lone
UTF-16 surrogate cannot be encoded for it at all, and `jsonb` has no NaN or Infinity. One such
value in one offer name used to fail a whole page. So every checkout form is cleaned as it
arrives, before the ledger, products, customers or invoices see it: NUL removed, a lone
surrogate replaced by U+FFFD, a non-finite number kept as its text. The ledger stores the
cleaned form (the raw one cannot be stored anywhere).

Cleaning changes what the order says, so an order whose invoice would carry a cleaned value is
set aside for review (the mapping decides; `needs_review_reason` says why); a NUL in a free
text the invoice never shows (the buyer's message) is only cleaned.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

_REFUSED = re.compile("[\x00\ud800-\udfff]")
_find = _REFUSED.search
# Free texts that never reach an invoice: cleaning them changes nothing the seller issues.
_NOT_ON_INVOICE = ("messageToSeller", "note")
MAX_PATHS_NAMED = 3


def clean_text(text: str) -> str:
    """`text` without NUL, a lone surrogate as U+FFFD (a valid pair never reaches Python)."""
    if not _REFUSED.search(text):
        return text
    return _REFUSED.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def clean_form(raw: Any) -> tuple[Any, list[str]]:
    """A storable copy of a decoded JSON value and the paths of the values that were changed.

    The value itself is returned when nothing needs cleaning (the common case costs one walk).
    """
    if not _dirty(raw):  # a quick look first: a sync reads thousands of clean forms
        return raw, []
    changed: list[str] = []
    cleaned = _clean(raw, "", changed)
    return cleaned, changed


def _dirty(value: Any) -> bool:
    """Plain loops and an ASCII fast path: this runs over every form of every sync (about
    40 µs a form here, against 150 µs for a regular expression over every string)."""
    kind = type(value)
    if kind is str:
        return _refused(value)
    if kind is dict:
        for key, item in value.items():
            if "\x00" in key or (not key.isascii() and _find(key) is not None):
                return True
            item_kind = type(item)
            if item_kind is str:
                if ("\x00" in item) if item.isascii() else _find(item) is not None:
                    return True
            elif (item_kind is dict or item_kind is list or item_kind is float) and _dirty(item):
                return True
        return False
    if kind is list:
        for item in value:  # noqa: SIM110 (a generator costs more than the loop, per form)
            if _dirty(item):
                return True
        return False
    return kind is float and not math.isfinite(value)


def _refused(text: Any) -> bool:
    if type(text) is not str:
        return False
    return ("\x00" in text) if text.isascii() else _find(text) is not None


def _clean(value: Any, path: str, changed: list[str]) -> Any:
    if isinstance(value, str):
        cleaned = clean_text(value)
        if cleaned is not value:
            changed.append(path or "$")
        return cleaned
    if isinstance(value, dict):
        result = {}
        dirty = False
        for key, item in value.items():
            new_key = clean_text(key) if isinstance(key, str) else key
            new_item = _clean(item, f"{path}.{new_key}" if path else str(new_key), changed)
            dirty = dirty or new_key is not key or new_item is not item
            result[new_key] = new_item
        return result if dirty else value
    if isinstance(value, list):
        items = [_clean(item, f"{path}[{n}]", changed) for n, item in enumerate(value)]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if isinstance(value, float) and not math.isfinite(value):
        changed.append(path or "$")
        return str(value)
    return value


def needs_review_reason(paths: Sequence[str]) -> str | None:
    """Why an order with these cleaned values must not be invoiced as it is; None if it may."""
    shown = [p for p in paths if p.split(".", 1)[0].split("[", 1)[0] not in _NOT_ON_INVOICE]
    if not shown:
        return None
    named = ", ".join(shown[:MAX_PATHS_NAMED]) + (", …" if len(shown) > MAX_PATHS_NAMED else "")
    return (
        f"Allegro sent characters an invoice cannot carry (a NUL byte or a broken character) "
        f"in {named}; they were removed. Check the order in Allegro and invoice it by hand, or "
        "run a manual sync once Allegro sends it clean."
    )
