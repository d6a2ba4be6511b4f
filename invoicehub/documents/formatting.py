"""Polish print formats for invoice documents (amounts, quantities, rates, dates, accounts)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from invoicehub.domain.taxes import EXEMPT, to_grosz

WARSAW = ZoneInfo("Europe/Warsaw")
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def money(amount: Decimal) -> str:
    """`1234.5` -> "1 234,50" (space for thousands, comma for decimals)."""
    return f"{to_grosz(amount):,.2f}".replace(",", " ").replace(".", ",")


def quantity(value: Decimal) -> str:
    """`2.000` -> "2", `1.500` -> "1,5"."""
    return format(value.normalize(), "f").replace(".", ",")


def rate(vat_rate: str) -> str:
    return "zw" if vat_rate == EXEMPT else f"{vat_rate}%"


def day(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(WARSAW).date()
    return value.isoformat()


def bank_account(nrb: str) -> str:
    """26-digit NRB in the usual groups: "61 1090 1014 0000 0712 1981 2874"."""
    digits = nrb.replace(" ", "")
    if len(digits) != 26 or not digits.isdigit():
        return nrb
    return " ".join([digits[:2], *(digits[i : i + 4] for i in range(2, 26, 4))])


def pdf_filename(number: str) -> str:
    """`FV/2026/11/7` -> `Faktura_FV-2026-11-7.pdf` (ASCII only: safe in any header)."""
    return f"Faktura_{_UNSAFE_FILENAME.sub('-', number).strip('-.') or 'bez-numeru'}.pdf"
