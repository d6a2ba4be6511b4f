"""KSeF numbers: the official layout and CRC-8 (docs/faktury/numer-ksef.md)."""

from __future__ import annotations

import random
from datetime import date

import pytest

from invoicehub.integrations.ksef.ksef_number import (
    crc8,
    format_ksef_number,
    is_valid_ksef_number,
    new_ksef_number,
)

DOC_EXAMPLE = "5265877635-20250826-0100001AF629-AF"


def test_docs_example_checksum_is_af() -> None:
    assert crc8(DOC_EXAMPLE[:32].encode("ascii")) == 0xAF
    assert is_valid_ksef_number(DOC_EXAMPLE)


def test_crc8_is_poly_07_init_00() -> None:
    # CRC-8/SMBUS check value for "123456789" is 0xF4.
    assert crc8(b"123456789") == 0xF4
    assert crc8(b"") == 0


@pytest.mark.parametrize(
    "value",
    [
        "5265877635-20250826-0100001AF629-AE",  # wrong checksum
        "5265877635-20250826-0100001af629-AF",  # lower-case hex
        "5265877635-20250826-0100001AF629AF",  # 34 characters
        "5265877635-20251326-0100001AF629-AF",  # month 13
        "",
    ],
)
def test_malformed_numbers_are_invalid(value: str) -> None:
    assert not is_valid_ksef_number(value)


def test_new_numbers_are_valid_and_carry_nip_and_day() -> None:
    number = new_ksef_number("5252674798", date(2026, 2, 2), random.Random(7))
    assert len(number) == 35
    assert number.startswith("5252674798-20260202-")
    assert is_valid_ksef_number(number)


def test_format_rejects_a_short_nip() -> None:
    with pytest.raises(ValueError):
        format_ksef_number("123", date(2026, 2, 2), "0100001AF629")
