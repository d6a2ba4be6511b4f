"""Dates and amounts as a Polish seller reads them: `05.03.2026`, `1 234,56 zł`.

The pages show Polish formats in both languages (every amount is a Polish invoice's, and the
PDF prints the same); the language only changes words. Babel's CLDR data does the work; its
spaces are non-breaking so an amount never wraps.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

WARSAW = ZoneInfo("Europe/Warsaw")
FORMAT_LOCALE = "pl_PL"
DAY_PATTERN = "dd.MM.yyyy"
MOMENT_PATTERN = "dd.MM.yyyy HH:mm"
DAY_INPUT_HINT = "dd.mm.rrrr"


def format_day(value: date | datetime | None, locale: str = FORMAT_LOCALE) -> str:
    """`05.03.2026` (a datetime is taken in Warsaw time); "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(WARSAW).date()
    return format_date(value, DAY_PATTERN, locale=locale)


def format_moment(value: datetime, locale: str = FORMAT_LOCALE) -> str:
    """`05.03.2026 11:04` in Warsaw time."""
    return format_datetime(value, MOMENT_PATTERN, tzinfo=WARSAW, locale=locale)


def format_amount(value: Decimal, currency: str = "PLN", locale: str = FORMAT_LOCALE) -> str:
    """`1 234,56 zł`; another currency keeps its code or sign in the locale's place."""
    return format_currency(value, currency, locale=locale)


def format_number(value: Decimal, locale: str = FORMAT_LOCALE) -> str:
    """`1 234,50`: two decimals, grouped thousands."""
    return format_decimal(value, format="#,##0.00", locale=locale)


def parse_day(text: str) -> date | None:
    """`05.03.2026` (or the ISO `2026-03-05` a date picker sends) -> date; None when empty.

    Raises ValueError for anything else, including impossible dates like 31.02.2026.
    """
    text = text.strip()
    if not text:
        return None
    if "-" in text:
        return date.fromisoformat(text)
    day, month, year = text.split(".")
    if len(year) != 4:
        raise ValueError(text)
    return date(int(year), int(month), int(day))
