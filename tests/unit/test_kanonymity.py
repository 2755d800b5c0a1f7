"""Unit tests for participation.privacy.kanonymity (generalisation and k-anonymity)."""

import random
import time
from collections import Counter
from datetime import UTC, date, datetime

import pytest

from participation.privacy.kanonymity import (
    KAnonResult,
    age_band,
    describe_suppression,
    generalise_month,
    k_anonymise,
    k_anonymise_keys,
)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (date(2026, 3, 4), "2026-03"),
        (datetime(2026, 12, 31, 23, 59, tzinfo=UTC), "2026-12"),
        (datetime(2025, 1, 1), "2025-01"),  # noqa: DTZ001 - naive timestamps must work too
        (None, None),
    ],
)
def test_generalise_month(moment, expected):
    assert generalise_month(moment) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, "12-13"),
        (13, "12-13"),
        (14, "14-15"),
        (17, "16-17"),
        (18, "18-25"),
        (25, "18-25"),
        (11, "under 12"),
        (26, "over 25"),
        ("15", "14-15"),
        (" 16 ", "16-17"),
        ("14-15", "14-15"),
        ("12–13", "12-13"),
        ("18-25", "18-25"),
        ("Prefer not to say", "Prefer not to say"),
        ("prefer not to say", "Prefer not to say"),
        ("", None),
        (None, None),
    ],
)
def test_age_band(value, expected):
    assert age_band(value) == expected


def assert_k_anonymous(result: KAnonResult, quasi_identifiers, k):
    counts = Counter(tuple(row.get(c) for c in quasi_identifiers) for row in result.rows)
    assert all(count >= k for count in counts.values()), counts


def make_rows(spec):
    return [
        {"id": i, "age_band": age, "month": month, "answer": f"answer {i}"}
        for i, (age, month) in enumerate(spec)
    ]


def test_k_anonymise_leaves_safe_table_alone():
    rows = make_rows([("12-13", "2026-01")] * 5 + [("14-15", "2026-02")] * 6)
    result = k_anonymise(rows, ["age_band", "month"], k=5)
    assert result.rows == rows
    assert result.rows is not rows
    assert result.suppressed_cells == {"age_band": 0, "month": 0}
    assert result.dropped_rows == 0


def test_k_anonymise_suppresses_the_most_varied_column_first():
    small = ["14-15", "16-17", "18-25", "14-15", "16-17"]
    spec = [("12-13", "2026-01")] * 5 + [(age, "2026-01") for age in small]
    rows = make_rows(spec + [("14-15", "2026-02")] * 5)
    result = k_anonymise(rows, ["age_band", "month"], k=5)
    assert_k_anonymous(result, ["age_band", "month"], 5)
    # The rows in small classes differ in age band but share a month, so only ages go.
    suppressed_ages = [row["id"] for row in result.rows if row["age_band"] == "suppressed"]
    assert suppressed_ages == [5, 6, 7, 8, 9]
    assert result.suppressed_cells == {"age_band": 5, "month": 0}
    assert [row["month"] for row in result.rows] == [row["month"] for row in rows]
    assert [row["answer"] for row in result.rows] == [row["answer"] for row in rows]
    assert rows[5]["age_band"] == "14-15"  # the input is never modified


def test_k_anonymise_fills_a_small_fully_suppressed_class_from_spare_rows():
    spec = [("12-13", "2026-01")] * 8 + [("14-15", "2026-02"), ("16-17", "2026-03")]
    result = k_anonymise(make_rows(spec), ["age_band", "month"], k=3, suppressed_marker="*")
    assert_k_anonymous(result, ["age_band", "month"], 3)
    assert result.dropped_rows == 0
    assert len(result.rows) == 10
    assert sum(row["age_band"] == "*" for row in result.rows) == 3


def test_k_anonymise_drops_rows_only_when_the_table_is_smaller_than_k():
    rows = make_rows([("12-13", "2026-01"), ("14-15", "2026-01"), ("14-15", "2026-01")])
    result = k_anonymise(rows, ["age_band", "month"], k=5)
    assert result.rows == []
    assert result.dropped_rows == 3
    text = describe_suppression(result, k=5)
    assert "3 rows were left out because there were fewer than 5 rows in total" in text


def test_k_anonymise_rejects_bad_k_and_handles_edge_cases():
    with pytest.raises(ValueError, match="k must be"):
        k_anonymise([], ["a"], k=0)
    assert k_anonymise([], ["a"], k=5).rows == []
    rows = [{"a": 1}, {"a": 2}]
    assert k_anonymise(rows, [], k=5).rows == rows
    assert k_anonymise(rows, ["a"], k=1).rows == rows


@pytest.mark.parametrize("seed", range(8))
def test_k_anonymise_random_tables(seed):
    rng = random.Random(seed)
    k = rng.choice([2, 3, 5, 10])
    qis = ["age_band", "month", "service", "gender"][: rng.randint(1, 4)]
    values = {
        "age_band": ["12-13", "14-15", "16-17", "18-25", "Prefer not to say", None],
        "month": [f"2026-{m:02d}" for m in range(1, 13)],
        "service": ["Hub", "North Spoke", "East Spoke"],
        "gender": ["girl", "boy", "non-binary", "Prefer not to say"],
    }
    rows = [
        {"id": i, "answer": rng.random(), **{c: rng.choice(values[c]) for c in values}}
        for i in range(rng.randint(0, 400))
    ]
    result = k_anonymise(rows, qis, k=k)
    assert_k_anonymous(result, qis, k)
    if len(rows) >= k:
        assert result.dropped_rows == 0
        assert [row["id"] for row in result.rows] == [row["id"] for row in rows]
    kept = {row["id"]: row for row in rows}
    for row in result.rows:
        original = kept[row["id"]]
        for column, value in row.items():
            if column in qis:
                assert value in (original[column], "suppressed")
            else:
                assert value == original[column]
    changed = Counter(
        c for row in result.rows for c in qis if row[c] == "suppressed" != kept[row["id"]][c]
    )
    assert all(result.suppressed_cells[c] == changed[c] for c in qis)


@pytest.mark.parametrize("seed", range(4))
def test_k_anonymise_keys_gives_each_row_what_k_anonymise_gives_it(seed):
    rng = random.Random(seed)
    qis = ["age_band", "month", "gender"]
    rows = [
        {
            c: rng.choice([None, -2, 1, 2, 3, "x"][: rng.randint(2, 6)])
            for c in qis
            if rng.random() < 0.9
        }
        for _ in range(rng.randint(0, 60))
    ]
    k = rng.choice([1, 2, 4, 7])
    by_rows = k_anonymise(rows, qis, k, suppressed_marker=-2)
    keys, result = k_anonymise_keys([tuple(r.get(c) for c in qis) for r in rows], qis, k, -2)
    assert keys == [tuple(r.get(c) for c in qis) for r in by_rows.rows]
    assert result.suppressed_cells == by_rows.suppressed_cells
    assert (result.dropped_rows, result.padded_rows) == (by_rows.dropped_rows, by_rows.padded_rows)
    assert result.rows == []


def test_k_anonymise_is_fast_enough_for_large_exports():
    rng = random.Random(3)
    rows = [
        {"age_band": rng.choice(["12-13", "14-15", "16-17"]), "month": f"2026-{rng.randint(1, 12)}"}
        for _ in range(20_000)
    ]
    started = time.perf_counter()
    result = k_anonymise(rows, ["age_band", "month"], k=5)
    assert time.perf_counter() - started < 5
    assert_k_anonymous(result, ["age_band", "month"], 5)


def test_describe_suppression_is_plain_english():
    spec = [("12-13", "2026-01")] * 5 + [("14-15", "2026-01"), ("16-17", "2026-01")]
    spec += [("14-15", "2026-02")] * 5
    result = k_anonymise(make_rows(spec), ["age_band", "month"], k=5)
    text = describe_suppression(result, k=5, generalised={"month": "dates shown as months"})
    assert "dates shown as months" in text
    assert "(age_band, month)" in text
    assert "at least 5 rows" in text
    assert 'replaced with "suppressed"' in text
    untouched = k_anonymise(make_rows([("12-13", "2026-01")] * 5), ["age_band"], k=5)
    assert "No values needed to be replaced." in describe_suppression(untouched, k=5)
