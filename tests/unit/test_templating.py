"""Template filters: staff see dates and times in UK time, GMT in winter and BST in summer."""

from __future__ import annotations

from datetime import UTC, date, datetime

from participation.templating import format_date, format_uk_date, format_uk_datetime


def stored(*parts: int) -> datetime:
    """A UTC time as the database keeps it: naive."""
    return datetime(*parts, tzinfo=UTC).replace(tzinfo=None)


def test_a_winter_time_is_shown_as_it_is_stored_gmt_is_utc():
    assert format_uk_datetime(stored(2025, 1, 15, 9, 5)) == "15 January 2025, 09:05"


def test_a_summer_time_is_shown_an_hour_later_in_bst():
    assert format_uk_datetime(stored(2025, 7, 1, 12, 30)) == "1 July 2025, 13:30"


def test_the_clocks_changing_is_followed():
    # 30 March 2025: the clocks went forward at 01:00 UTC; 26 October 2025: back at 01:00 UTC.
    assert format_uk_datetime(stored(2025, 3, 30, 0, 59)) == "30 March 2025, 00:59"
    assert format_uk_datetime(stored(2025, 3, 30, 1, 0)) == "30 March 2025, 02:00"
    assert format_uk_datetime(stored(2025, 10, 26, 0, 59)) == "26 October 2025, 01:59"
    assert format_uk_datetime(stored(2025, 10, 26, 1, 0)) == "26 October 2025, 01:00"


def test_a_late_summer_evening_in_utc_is_already_the_next_day_in_the_uk():
    assert format_uk_date(stored(2025, 6, 30, 23, 30)) == "1 July 2025"
    assert format_uk_date(stored(2025, 12, 31, 23, 30)) == "31 December 2025"


def test_nothing_to_show_is_shown_as_nothing():
    assert format_uk_datetime(None) == format_uk_date(None) == format_date(None) == ""


def test_a_calendar_date_is_shown_as_it_is():
    assert format_date(date(2025, 3, 3)) == "3 March 2025"
