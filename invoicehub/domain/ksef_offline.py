"""KSeF offline modes and their sending deadlines (docs: tryby-offline.md), in pure code.

Three modes, each with the deadline by which the invoice must reach KSeF:
- `offline24` (art. 106nda, the taxpayer's choice, no conditions): the next working day after the
  issue date (P_1).
- `offline` (art. 106nh, KSeF unavailability announced by the Ministry): the next working day
  after the unavailability ended.
- `emergency` ("tryb awaryjny", art. 106nf, a KSeF failure announced by the Ministry): 7 working
  days after the failure ended. A failure announced while any of these deadlines runs replaces it
  with this one, counted from the end of the last announced failure.
A deadline is a Polish calendar date; the invoice is on time when sent by the end of that day.

Working days: not a Saturday, Sunday or Polish public holiday (ustawa o dniach wolnych od pracy,
with Christmas Eve a holiday from 2025 on). Easter is computed (Gregorian computus), so no
holiday package is needed.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from functools import cache

FAILURE_WORKING_DAYS = 7  # art. 106nf: 7 working days after a failure ends
CHRISTMAS_EVE_FROM = 2025  # 24 December is a public holiday from 2025 (Dz.U. 2024 poz. 1965)


class OfflineMode(StrEnum):
    OFFLINE24 = "offline24"
    UNAVAILABILITY = "offline"
    EMERGENCY = "emergency"


def easter_sunday(year: int) -> date:
    """Western (Gregorian) Easter Sunday by the anonymous algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    j = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * j) // 451
    month, day = divmod(h + j - 7 * m + 114, 31)
    return date(year, month, day + 1)


@cache
def polish_holidays(year: int) -> frozenset[date]:
    """The statutory public holidays (dni wolne od pracy) of the year."""
    easter = easter_sunday(year)
    fixed = [(1, 1), (1, 6), (5, 1), (5, 3), (8, 15), (11, 1), (11, 11), (12, 25), (12, 26)]
    if year >= CHRISTMAS_EVE_FROM:
        fixed.append((12, 24))
    movable = [
        easter,
        easter + timedelta(days=1),  # Easter Monday
        easter + timedelta(days=49),  # Pentecost (Zielone Świątki), a Sunday
        easter + timedelta(days=60),  # Corpus Christi (Boże Ciało), a Thursday
    ]
    return frozenset([date(year, m, d) for m, d in fixed] + movable)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in polish_holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start` (`start` itself never counts)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    day = start
    while count:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def next_working_day(day: date) -> date:
    return add_working_days(day, 1)


def send_deadline(mode: OfflineMode, *, issue_date: date, outage_end: date | None = None) -> date:
    """The last day to send an invoice issued on `issue_date` in `mode` to KSeF. The modes caused
    by KSeF count from the day its unavailability or failure ended (`outage_end`)."""
    if mode is OfflineMode.OFFLINE24:
        return next_working_day(issue_date)
    if outage_end is None:
        raise ValueError(f"the {mode.value} mode counts from the end of the outage")
    if mode is OfflineMode.UNAVAILABILITY:
        return next_working_day(outage_end)
    return add_working_days(outage_end, FAILURE_WORKING_DAYS)


def deadline_stage(deadline: date, today: date) -> str | None:
    """`overdue` once the deadline day has passed, `due_soon` on the day before it and on the day
    itself, else None (nothing to tell the seller yet)."""
    if today > deadline:
        return "overdue"
    if today >= deadline - timedelta(days=1):
        return "due_soon"
    return None
