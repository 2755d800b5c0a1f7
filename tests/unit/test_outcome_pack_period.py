"""The months an outcomes pack covers and the names of its outcome columns."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from participation.exports.outcome_pack import Period, column_name


@pytest.mark.parametrize(
    ("first", "last", "start", "end"),
    [
        (date(2026, 3, 1), date(2026, 5, 1), datetime(2026, 3, 1), datetime(2026, 6, 1)),  # noqa: DTZ001
        (date(2026, 12, 1), date(2026, 12, 1), datetime(2026, 12, 1), datetime(2027, 1, 1)),  # noqa: DTZ001
        (date(2025, 11, 1), date(2026, 1, 1), datetime(2025, 11, 1), datetime(2026, 2, 1)),  # noqa: DTZ001
    ],
)
def test_a_period_runs_from_its_first_months_start_to_the_end_of_its_last(first, last, start, end):
    period = Period(first, last)
    assert (period.start, period.end) == (start, end)


def test_a_period_reads_in_words():
    assert Period(date(2026, 3, 1), date(2026, 6, 1)).label == "March 2026 to June 2026"


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("outcome:feel-safe", "outcome_feel_safe"),
        ("outcome:know-where-to-get-help-2", "outcome_know_where_to_get_help_2"),
        ("outcome:Odd Key!", "outcome_odd_key"),
    ],
)
def test_an_outcome_key_becomes_a_column_name_tools_accept(key, name):
    assert column_name(key) == name
