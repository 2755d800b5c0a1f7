"""Unit tests for participation.privacy.anonymise (free-text redaction, CSV safety, k-anonymity).

Every personal detail below is made up: 07700 900xxx numbers are reserved by Ofcom for
drama, example.com/.org addresses are reserved, and the names belong to nobody in particular.
"""

import csv
import io
import random
import time
from collections import Counter
from datetime import UTC, date, datetime

import pytest

from participation.privacy.anonymise import (
    KAnonResult,
    age_band,
    csv_field,
    describe_suppression,
    first_names,
    generalise_month,
    k_anonymise,
    k_anonymise_keys,
    neutralise_csv_cell,
    redact,
    safe_csv_writer,
)

REDACTIONS = [
    # phone numbers, UK and international
    ("My number is 07700 900123.", "My number is [phone]."),
    ("text me on 07700900456 after school", "text me on [phone] after school"),
    ("call +44 7700 900789 or +44 (0)7700 900321", "call [phone] or [phone]"),
    ("the office is 020 7946 0958", "the office is [phone]"),
    ("ring (0161) 496 0000 on Monday", "ring [phone] on Monday"),
    ("my cousin's number is +1 415 555 0100", "my cousin's number is [phone]"),
    ("in France it is +33 1 23 45 67 89", "in France it is [phone]"),
    ("0113 496 0123 or 0770-090-0987", "[phone] or [phone]"),
    # email addresses and web addresses
    ("email me at jo.bloggs@example.com please", "email me at [email] please"),
    ("or try sk8r_99+art@mail.example.org", "or try [email]"),
    ("see https://example.com/profile?id=12.", "see [url]."),
    ("my page is www.example.org/me", "my page is [url]"),
    ("look at example.co.uk/whatever for it", "look at [url] for it"),
    # social media handles
    ("follow @some_name for art", "follow [handle] for art"),
    ("snap: jojo_2009", "snap: [handle]"),
    ("insta: sunny.days", "insta: [handle]"),
    ("my snap is starlight_x", "my snap is [handle]"),
    ("add me on snapchat bluefox22", "add me on snapchat [handle]"),
    ("my insta is @art.by.kit", "my insta is [handle]"),
    ("find me on tiktok @dance.queen.22", "find me on tiktok [handle]"),
    # postcodes
    ("I live near SW1A 1AA", "I live near [postcode]"),
    ("postcode m1 1ae", "postcode [postcode]"),
    ("we moved to B33 8TH last year", "we moved to [postcode] last year"),
    # street addresses
    ("I live at 12 Acacia Avenue", "I live at [address]"),
    ("flat 3, 45 High Street is ours", "[address] is ours"),
    ("come to 7 Mill Lane, M1 1AE", "come to [address], [postcode]"),
    ("it was at 22 Oak Tree Close", "it was at [address]"),
    ("we are in flat 12b now", "we are in [address] now"),
    # dates of birth and dates
    ("I was born on 12/03/2009", "I was born on [date]"),
    ("DOB 1.2.2010", "DOB [date]"),
    ("born in 2009", "born in [date]"),
    ("my birthday is 3rd March 2009", "my birthday is [date]"),
    ("March 3rd 2009 was a Tuesday", "[date] was a Tuesday"),
    ("it happened on 12-3-09", "it happened on [date]"),
    ("my birthday is in March", "my birthday is in [date]"),
    # schools
    ("I go to St Mary's Academy", "I go to [school]"),
    ("Oakfield High School is strict", "[school] is strict"),
    ("my brother goes to Greenbank Primary", "my brother goes to [school]"),
    # names: cues, the list, surnames, titles
    ("My name is Sam", "My name is [name]"),
    ("my name is zephyrine and I'm 14", "my name is [name] and I'm 14"),
    ("I'm Kwabena and I like football", "I'm [name] and I like football"),
    ("my worker Priya helped me a lot", "my worker [name] helped me a lot"),
    ("My social worker is Zephyrine", "My social worker is [name]"),
    ("my key worker is called Tamsin", "my key worker is called [name]"),
    ("i went with jo and tom to the park", "i went with [name] and [name] to the park"),
    ("Sam Bloggs was there", "[name] was there"),
    ("Mr Smith listened to us", "Mr [name] listened to us"),
    ("Thank you Miss Khan", "Thank you Miss [name]"),
    ("Me and Tyler and Kayden went", "Me and [name] and [name] went"),
    ("Hi my names Tyler-James, I'm from Leeds", "Hi my names [name], I'm from Leeds"),
    ("Zoë and Siobhán came too", "[name] and [name] came too"),
    ("Ella-Rose's mum drove us", "[name]'s mum drove us"),
    ("I went with Will and Grace.", "I went with [name] and [name]."),
    ("Fatima, Oluwaseun and Mateusz ran the stall", "[name], [name] and [name] ran the stall"),
    ("add jo_b99 if you want", "add [name] if you want"),
    ("SAM helped", "[name] helped"),
    ("MY NAME IS SAM", "MY NAME IS [name]"),
    ("THEY CALL ME Jojo", "THEY CALL ME [name]"),
    ("ask dr Patel", "ask dr [name]"),
    # several at once
    (
        "Hi I'm Aisha, call 07700 900222 or email aisha@example.com, I live at 3 Rose Road",
        "Hi I'm [name], call [phone] or email [email], I live at [address]",
    ),
]

UNCHANGED = [
    "The group was fun and I liked the art",
    "Will we do this again next year?",
    "May I have more time to finish?",
    "Hope you all have a good summer.",
    "Summer was the best bit, I went in May.",
    "Grace is what we said before lunch",
    "Mark the answers with a tick",
    "Jack up the volume!",
    "I'm tired and I'm happy",
    "I scored it 10/10 and 3 people came from year 9",
    "It took 2 hours and we walked 3 miles down the road",
    "Childline on 0800 1111 helped me, and you can ring 999",
    "I went to school and then college",
    "The School was big. My school is ok.",
    "we did 2 things in a row",
    "It was 50% good, -2 points for the food",
    "my foster carer and my social worker came",
    "I went to ED with my mum",
    "I'm so glad I came",
    "my snap is private lol",
    "The CSE team helped. I saw CAMHS twice.",
    "call me when you can",
    "I'm 15 and in Year 11",
    "It is on the 5th floor, room 12",
    "Nobody Here Today",
    "",
]


@pytest.mark.parametrize(("text", "expected"), REDACTIONS)
def test_redact_replaces_personal_details(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_redact_keeps_text_without_personal_details(text):
    assert redact(text) == text


def test_there_are_enough_synthetic_sentences():
    assert len(REDACTIONS) >= 40


@pytest.mark.parametrize("text", [text for text, _ in REDACTIONS] + UNCHANGED)
def test_redact_is_idempotent(text):
    once = redact(text)
    assert redact(once) == once


def test_redact_is_idempotent_on_random_text():
    rng = random.Random(7)
    vocabulary = [word for text, _ in REDACTIONS for word in text.split()] + [
        "[name]", "[phone]", "0", "+", "(", ")", "@", ".", "\n", "Will", "May", "St", "Road",
    ]  # fmt: skip
    for _ in range(300):
        text = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 25)))
        once = redact(text)
        assert redact(once) == once, text


@pytest.mark.parametrize(
    "text",
    [
        "\x00Sam\x00 07700 900123\x00",
        "مرحبا اسمي سارة and my name is Sam",
        "😀😀 my snap is 🦊 and I'm Sam 👍",
        "\u202eSam\u202c",
        "[[name]] [phone [url",
        "\ud800 lone surrogate",
    ],
)
def test_redact_never_crashes_on_odd_strings(text):
    assert isinstance(redact(text), str)


@pytest.mark.parametrize(
    "unit",
    ["a.", "0 ", "1-", "@a", "(0", "1/1/", "Abc Def ", "1 Abc ", "my snap ", "a_", "Sam\n"],
)
def test_redact_is_fast_on_100_kb_of_hostile_input(unit):
    text = unit * (100_000 // len(unit))
    started = time.perf_counter()
    redact(text)
    # Linear scanning takes well under a second; catastrophic backtracking would take hours.
    assert time.perf_counter() - started < 10


def test_first_names_list_is_large_lower_case_and_loaded_once():
    names = first_names()
    assert len(names) >= 1500
    assert all(name == name.lower() and " " not in name for name in names)
    assert {"sam", "aisha", "oluwaseun", "siobhan", "mateusz"} <= names
    assert not {"the", "and", "art", "mum", "dad"} & names
    assert first_names() is names


# --- CSV injection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://example.com","click")', '\'=HYPERLINK("http://example.com","click")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\x00=1+1", "'=1+1"),
        ("good\x00 fun", "good fun"),
        ("well-being - it was fine", "well-being - it was fine"),
        ("a = b", "a = b"),
        ("", ""),
        (-2, -2),
        (-2.5, -2.5),
        (None, None),
        (True, True),
    ],
)
def test_neutralise_csv_cell(value, expected):
    assert neutralise_csv_cell(value) == expected


def test_csv_field_writes_a_cell_exactly_as_the_safe_writer_does():
    rng = random.Random(5)
    alphabet = ["a", " ", ",", '"', "\r", "\n", "=", "+", "-", "@", "\t", "\x00", "é", "'", ";"]
    for _ in range(3000):
        cells = [
            "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
            if rng.random() < 0.7
            else rng.choice([None, -1, -2, 0, 12])
            for _ in range(rng.randint(2, 5))
        ]
        written = io.StringIO()
        safe_csv_writer(written).writerow(cells)
        assert ",".join(map(csv_field, cells)) + "\r\n" == written.getvalue()


def test_safe_csv_writer_round_trip_has_no_live_formulas():
    stream = io.StringIO()
    writer = safe_csv_writer(stream)
    writer.writerow(["answer", "score"])
    writer.writerows([['=HYPERLINK("http://example.com")', -3], ["-2+3", 4], ["fine - ok", 5]])
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows[0] == ["answer", "score"]
    assert rows[1] == ['\'=HYPERLINK("http://example.com")', "-3"]
    assert rows[2] == ["'-2+3", "4"]
    assert rows[3] == ["fine - ok", "5"]
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


# --- quasi-identifiers -------------------------------------------------------------------


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
