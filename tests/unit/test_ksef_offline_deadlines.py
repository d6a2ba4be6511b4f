"""Working days and KSeF offline deadlines (docs: tryby-offline.md), pure: no database."""

from __future__ import annotations

from datetime import date

import pytest

from invoicehub.domain.ksef_offline import (
    OfflineMode,
    add_working_days,
    deadline_stage,
    easter_sunday,
    is_working_day,
    next_working_day,
    polish_holidays,
    send_deadline,
)


@pytest.mark.parametrize(
    "year, easter",
    [
        (1943, date(1943, 4, 25)),  # the latest possible
        (2019, date(2019, 4, 21)),
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
        (2285, date(2285, 3, 22)),  # the earliest possible
    ],
)
def test_easter_sunday(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_the_statutory_holidays_of_2026() -> None:
    assert sorted(polish_holidays(2026)) == [
        date(2026, 1, 1),
        date(2026, 1, 6),
        date(2026, 4, 5),  # Easter
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 1),
        date(2026, 5, 3),
        date(2026, 5, 24),  # Pentecost
        date(2026, 6, 4),  # Corpus Christi
        date(2026, 8, 15),
        date(2026, 11, 1),
        date(2026, 11, 11),
        date(2026, 12, 24),  # Christmas Eve, a holiday from 2025
        date(2026, 12, 25),
        date(2026, 12, 26),
    ]


def test_christmas_eve_is_a_working_day_only_before_2025() -> None:
    assert is_working_day(date(2024, 12, 24))  # Tuesday
    assert not is_working_day(date(2025, 12, 24))  # Wednesday


def test_weekends_are_not_working_days() -> None:
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert not is_working_day(date(2026, 11, 29))  # Sunday
    assert is_working_day(date(2026, 11, 30))  # Monday


@pytest.mark.parametrize(
    "issued, deadline",
    [
        (date(2026, 11, 25), date(2026, 11, 26)),  # Wednesday -> Thursday
        (date(2026, 11, 27), date(2026, 11, 30)),  # Friday -> Monday
        (date(2026, 11, 28), date(2026, 11, 30)),  # issued on a Saturday
        (date(2026, 4, 3), date(2026, 4, 7)),  # Good Friday -> after Easter Monday
        (date(2026, 6, 3), date(2026, 6, 5)),  # Corpus Christi on Thursday
        (date(2026, 4, 30), date(2026, 5, 4)),  # 1 May (Fri), weekend with 3 May
        (date(2026, 11, 10), date(2026, 11, 12)),  # Independence Day (Wed)
        (date(2026, 12, 23), date(2026, 12, 28)),  # Christmas Eve, Christmas, weekend
        (date(2024, 12, 23), date(2024, 12, 24)),  # Christmas Eve was a working day in 2024
        (date(2026, 12, 31), date(2027, 1, 4)),  # over the year end and New Year's weekend
        (date(2027, 1, 5), date(2027, 1, 7)),  # Epiphany
    ],
)
def test_offline24_deadline_is_the_next_working_day_after_the_issue_date(
    issued: date, deadline: date
) -> None:
    assert send_deadline(OfflineMode.OFFLINE24, issue_date=issued) == deadline
    assert next_working_day(issued) == deadline


def test_unavailability_counts_from_the_day_ksef_was_back() -> None:
    deadline = send_deadline(
        OfflineMode.UNAVAILABILITY, issue_date=date(2026, 11, 20), outage_end=date(2026, 11, 27)
    )
    assert deadline == date(2026, 11, 30)


def test_the_official_example_a_failure_ending_on_saturday_gives_7_working_days() -> None:
    # tryby-offline.md: the failure ends on Saturday 2025-07-12, the deadline is 2025-07-22.
    deadline = send_deadline(
        OfflineMode.EMERGENCY, issue_date=date(2025, 7, 8), outage_end=date(2025, 7, 12)
    )
    assert deadline == date(2025, 7, 22)


def test_a_failure_over_the_year_end_skips_the_holidays_of_both_years() -> None:
    # 23, 28, 29, 30, 31 Dec; 1 Jan is a holiday, 2-3 Jan a weekend; 4, 5 Jan.
    assert add_working_days(date(2026, 12, 22), 7) == date(2027, 1, 5)


def test_the_outage_modes_need_the_end_of_the_outage() -> None:
    with pytest.raises(ValueError):
        send_deadline(OfflineMode.EMERGENCY, issue_date=date(2026, 1, 5))
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), 0)


@pytest.mark.parametrize(
    "today, stage",
    [
        (date(2026, 11, 27), None),
        (date(2026, 11, 29), "due_soon"),  # the day before
        (date(2026, 11, 30), "due_soon"),  # the day itself
        (date(2026, 12, 1), "overdue"),
    ],
)
def test_deadline_stage(today: date, stage: str | None) -> None:
    assert deadline_stage(date(2026, 11, 30), today) == stage
