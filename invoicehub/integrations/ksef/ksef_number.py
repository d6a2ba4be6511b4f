"""KSeF numbers: `NIP-YYYYMMDD-12 hex-CRC8` (docs/faktury/numer-ksef.md), 35 characters.

The checksum is CRC-8 (polynomial 0x07, initial value 0x00, no reflection, no final XOR) over the
ASCII of the first 32 characters, hyphens included, written as two upper-case hex digits.
"""

from __future__ import annotations

import random
import re
from datetime import date

KSEF_NUMBER_LENGTH = 35
_PATTERN = re.compile(r"^(\d{10})-(\d{8})-([0-9A-F]{12})-([0-9A-F]{2})$")
_NIP = re.compile(r"^\d{10}$")


def crc8(data: bytes) -> int:
    """CRC-8/SMBUS: poly 0x07, init 0x00 — the KSeF number and reference-number checksum."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def format_ksef_number(nip: str, day: date, technical: str) -> str:
    """`nip-YYYYMMDD-technical-CRC` for a 10-digit NIP and a 12-hex-digit technical part."""
    if not _NIP.match(nip):
        raise ValueError("the seller NIP must be 10 digits")
    technical = technical.upper()
    if not re.fullmatch(r"[0-9A-F]{12}", technical):
        raise ValueError("the technical part must be 12 hex digits")
    data = f"{nip}-{day:%Y%m%d}-{technical}"
    return f"{data}-{crc8(data.encode('ascii')):02X}"


def new_ksef_number(nip: str, day: date, rnd: random.Random | None = None) -> str:
    """A fresh KSeF number for an invoice of seller `nip` accepted on `day`."""
    source = rnd or random.SystemRandom()
    return format_ksef_number(nip, day, f"{source.getrandbits(48):012X}")


def is_valid_ksef_number(value: str) -> bool:
    """Exactly 35 characters in the official layout and a matching CRC-8."""
    if len(value) != KSEF_NUMBER_LENGTH or not _PATTERN.match(value):
        return False
    try:
        date(int(value[11:15]), int(value[15:17]), int(value[17:19]))
    except ValueError:
        return False
    return f"{crc8(value[:32].encode('ascii')):02X}" == value[33:]
