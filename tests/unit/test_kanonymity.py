"""Unit tests for participation.privacy.kanonymity (generalisation and k-anonymity)."""

import random
import time
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from participation.privacy.kanonymity import (
    KAnonResult,
    age_band,
    describe_links,
    describe_suppression,
    generalise_month,
    k_anonymise,
    k_anonymise_keys,
    k_anonymise_links,
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


# --- links across rows: one young person's rows together ---------------------------------

JAN_14 = ("Spoke", "2026-01", "en", 2)  # service, month, language, age band code
FEB_14 = ("Spoke", "2026-02", "en", 2)
FEB_16 = ("Spoke", "2026-02", "en", 3)


def person_rows(people: dict[str, list[tuple[object, ...]]]):
    """(links, keys) of the rows of linked people given as {link: [their rows' keys]}."""
    pairs = [(link, key) for link, keys in people.items() for key in keys]
    return [link for link, _ in pairs], [key for _, key in pairs]


def profiles(links, keys) -> Counter:
    """How many linked people have each collection of rows."""
    rows: dict[str, Counter] = {}
    for link, key in zip(links, keys, strict=True):
        if link is not None:
            rows.setdefault(link, Counter())[key] += 1
    return Counter(frozenset(found.items()) for found in rows.values())


def test_a_rare_combination_across_linked_rows_loses_its_link_and_a_common_one_keeps_it():
    # Every row on its own is common (JAN_14 x6, FEB_14 x5, FEB_16 x1 is the reach change),
    # but only "b" answered 14-15 in January and 16-17 in February: linked, that narrows
    # them to one young person.
    people = {f"a{n}": [JAN_14, FEB_14] for n in range(5)}
    people["b"] = [JAN_14, FEB_16]
    links, keys = person_rows(people)
    result = k_anonymise_links(links, keys, k=5)
    assert result.links == [*links[:10], None, None]
    assert (result.linked_people, result.unlinked_people, result.unlinked_rows) == (6, 1, 2)


def test_reach_answers_never_narrow_a_linked_person_below_k():
    # Reach answers are quasi-identifiers: a link kept never ties together a combination of
    # them (with month and language) that fewer than k linked young people share.
    people = {f"a{n}": [JAN_14, FEB_14] for n in range(3)}
    people |= {f"b{n}": [JAN_14, FEB_16] for n in range(2)}
    people |= {f"c{n}": [FEB_16] for n in range(3)}
    links, keys = person_rows(people)
    result = k_anonymise_links(links, keys, k=3)
    kept = {link for link in result.links if link is not None}
    assert kept == {"a0", "a1", "a2", "c0", "c1", "c2"}
    assert min(profiles(result.links, keys).values()) >= 3


def test_how_many_rows_a_person_has_is_part_of_what_narrows_them():
    people = {f"once{n}": [JAN_14] for n in range(4)}
    people["twice"] = [JAN_14, JAN_14]
    links, keys = person_rows(people)
    result = k_anonymise_links(links, keys, k=4)
    assert [link for link in result.links if link is not None] == [f"once{n}" for n in range(4)]


def test_unlinked_rows_stay_unlinked_and_do_not_count_towards_k():
    links = ["a", "a", None, None, None, None, None]
    keys = [JAN_14, FEB_14, JAN_14, FEB_14, JAN_14, FEB_14, JAN_14]
    result = k_anonymise_links(links, keys, k=2)
    assert result.links == [None] * 7
    assert (result.linked_people, result.unlinked_people, result.unlinked_rows) == (1, 1, 2)


def test_the_order_of_a_persons_rows_does_not_matter():
    links = ["a", "a", "b", "b"]
    keys = [JAN_14, FEB_14, FEB_14, JAN_14]
    assert k_anonymise_links(links, keys, k=2).links == links


def test_k_anonymise_links_rejects_bad_input():
    with pytest.raises(ValueError, match="k must be"):
        k_anonymise_links(["a"], [JAN_14], k=0)
    with pytest.raises(ValueError, match="1 links for 2 rows"):
        k_anonymise_links(["a"], [JAN_14, FEB_14], k=1)
    assert k_anonymise_links([], [], k=5).links == []


@given(
    rows=st.lists(
        st.tuples(st.sampled_from([None, "a", "b", "c", "d", "e", "f"]), st.integers(0, 2)),
        max_size=40,
    ),
    k=st.integers(1, 4),
)
def test_every_kept_link_is_shared_by_at_least_k_linked_people(rows, k):
    links = [link for link, _ in rows]
    keys = [("Spoke", "2026-01", "en", code) for _, code in rows]
    result = k_anonymise_links(links, keys, k)
    assert all(after in (None, before) for before, after in zip(links, result.links, strict=True))
    assert all(count >= k for count in profiles(result.links, keys).values())
    # Only whole rare groups are blanked: every group shared by k or more keeps its links.
    before = profiles(links, keys)
    assert sum(n for n in before.values() if n >= k) == len(set(result.links) - {None})


def test_describe_links_is_plain_english():
    links, keys = person_rows({"a": [JAN_14], "b": [JAN_14], "c": [FEB_16, FEB_14]})
    text = describe_links(k_anonymise_links(links, keys, k=2), k=2)
    assert "at least 2 linked young people" in text and "blanked on 2 rows" in text
    assert "No links needed" in describe_links(k_anonymise_links(["a", "b"], keys[:2], k=2), k=2)
    assert "nobody in these rows" in describe_links(k_anonymise_links([None], [JAN_14], k=1), k=1)
