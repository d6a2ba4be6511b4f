"""Polish tax identification number (NIP): normalisation and checksum."""

from __future__ import annotations

import re

NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
_SEPARATORS = re.compile(r"[\s\-]")


def normalize_nip(raw: str) -> str:
    """Strip spaces, dashes and a leading `PL` country prefix."""
    value = _SEPARATORS.sub("", raw or "").upper()
    return value[2:] if value.startswith("PL") else value


def is_valid_nip(raw: str) -> bool:
    nip = normalize_nip(raw)
    if len(nip) != 10 or not nip.isdigit():
        return False
    checksum = sum(int(d) * w for d, w in zip(nip, NIP_WEIGHTS, strict=False)) % 11
    return checksum != 10 and checksum == int(nip[9])
