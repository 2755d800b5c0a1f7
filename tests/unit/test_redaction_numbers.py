"""Redaction of NHS numbers and spelled-out phone numbers, and of nothing else numeric.

The NHS numbers are made up (999 numbers are set aside for testing; 943 476 5919 is the
NHS's own published example), and phone numbers use Ofcom's 07700 900xxx drama range.
"""

import time

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from participation.privacy.redaction import redact
from participation.privacy.redaction_numbers import is_nhs_number

PROPERTY = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _check_digit(nine: str) -> int:
    total = sum(int(digit) * weight for digit, weight in zip(nine, range(10, 1, -1), strict=True))
    return (11 - total % 11) % 11


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my NHS number is 943 476 5919", "my NHS number is [nhs number]"),
        ("nhs no 9434765919.", "nhs no [nhs number]."),
        ("it's 999-000-0018 on my card", "it's [nhs number] on my card"),
        ("999 000 0026, that's it", "[nhs number], that's it"),
        ("two of them: 9990000034 and 999 000 0042", "two of them: [nhs number] and [nhs number]"),
        ("call me on oh seven seven double oh nine oh oh one two three", "call me on [phone]"),
        ("zero 7 7 0 0 9 0 0 4 5 6 ok", "[phone] ok"),
        ("ring 0 seven 7 double oh 9 0 0 7 8 9 after", "ring [phone] after"),
        ("Oh Seven Seven Double Oh, Nine Oh Oh, One Two Three", "[phone]"),
        ("o seven seven triple oh, nine double oh one two", "[phone]"),
        ("+44 seven seven double oh nine oh oh one two three", "[phone]"),
        ("plus four four seven seven double oh nine oh oh one two three x", "[phone] x"),
        ("07700 90012 three is my number", "[phone] is my number"),
        ("nought one one three four nine six oh one two three", "[phone]"),
        (
            "oh seven seven double oh nine oh oh one two three one more thing",
            "[phone] one more thing",
        ),
    ],
)
def test_redact_replaces_nhs_numbers_and_spoken_phone_numbers(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I gave it 7 out of 10",
        "we went 2 or 3 times",
        "it cost £12.50 and the bus was £2",
        "in 2019 and 2020 it was better",
        "1234567890 stars",  # ten digits, but the check digit is wrong
        "123 456 7890 is not anything",
        "999 000 0019 fails the check",
        "9434765918",
        "the numbers 9 4 3 4 7 6 5 9 1 9 in a row",
        "ref 94347659190",  # eleven digits
        "3.9434765919",
        "oh no, oh well",
        "one two three four five six seven eight nine ten",
        "oh oh oh oh oh oh oh oh oh oh oh",
        "I had one, then two, then three",
        "Scores: 10 9 8 7 6 5 4 3 2 1",
    ],
)
def test_redact_keeps_ordinary_numbers(text):
    assert redact(text) == text


def test_nhs_check_digit_follows_the_modulus_11_rule():
    assert is_nhs_number("9434765919")
    assert not is_nhs_number("9434765918")
    assert not is_nhs_number("943476591")
    assert not is_nhs_number("94347659190")
    assert not is_nhs_number("943476591a")
    assert not is_nhs_number("٩٤٣٤٧٦٥٩١٩")  # Arabic-Indic digits are not an NHS number
    # A check digit of 10 means the first nine digits are no NHS number at all.
    assert _check_digit("100000001") == 10
    assert not any(is_nhs_number("100000001" + str(last)) for last in range(10))


_NINE = st.text("0123456789", min_size=9, max_size=9).filter(lambda s: s[0] != "0")
_SEPARATORS = st.sampled_from(["", " ", "-"])


def _layout(digits: str, separator: str) -> str:
    return f"{digits[:3]}{separator}{digits[3:6]}{separator}{digits[6:]}"


@PROPERTY
@given(nine=_NINE, separator=_SEPARATORS, before=st.sampled_from(["my nhs number is", "it's", ""]))
def test_every_valid_nhs_number_is_redacted(nine, separator, before):
    check = _check_digit(nine)
    assume(check != 10)
    number = _layout(nine + str(check), separator)
    redacted = redact(f"{before} {number}, ok".strip())
    assert redacted == f"{before} [nhs number], ok".strip()


@PROPERTY
@given(nine=_NINE, last=st.integers(0, 9), separator=_SEPARATORS)
def test_ten_digits_failing_the_check_are_left_alone(nine, last, separator):
    assume(last != _check_digit(nine))
    text = f"the code on the box was {_layout(nine + str(last), separator)} I think"
    assert redact(text) == text


_ORDINARY = st.one_of(
    st.integers(0, 10).map(lambda n: f"I gave it {n} out of 10"),
    st.tuples(st.integers(1, 9), st.integers(1, 20)).map(lambda p: f"{p[0]} or {p[1]} times"),
    st.tuples(st.integers(0, 999), st.integers(0, 99)).map(lambda p: f"it was £{p[0]}.{p[1]:02d}"),
    st.integers(1950, 2035).map(lambda year: f"things were better in {year}"),
    st.integers(0, 10**9).map(lambda n: f"about {n} people came"),
    st.lists(st.integers(0, 10), min_size=1, max_size=12).map(
        lambda scores: "scores " + " ".join(map(str, scores))
    ),
)


@PROPERTY
@given(text=_ORDINARY)
def test_ordinary_numbers_in_answers_are_untouched(text):
    assert redact(text) == text


_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_ZEROS = ["oh", "zero", "nought", "o", "Oh", "ZERO"]


@st.composite
def _spoken_mobile(draw):
    digits = "07" + draw(st.text("0123456789", min_size=9, max_size=9))
    parts, index, spelled = [], 0, False
    while index < len(digits):
        digit = digits[index]
        repeat = 1
        if draw(st.booleans()) and digits[index : index + 2] == digit * 2:
            repeat = 3 if digits[index : index + 3] == digit * 3 and draw(st.booleans()) else 2
        in_words = draw(st.booleans())
        spelled = spelled or in_words or repeat > 1
        if in_words:
            word = draw(st.sampled_from(_ZEROS)) if digit == "0" else _WORDS[int(digit)]
        else:
            word = digit
        prefix = {1: "", 2: "double ", 3: "triple "}[repeat]
        parts.append(prefix + word)
        index += repeat
    assume(spelled)
    separators = draw(st.lists(st.sampled_from([" ", ", ", " - ", "  "]), min_size=len(parts)))
    return "".join(part + sep for part, sep in zip(parts, separators, strict=False)).rstrip(" ,-")


@PROPERTY
@given(number=_spoken_mobile())
def test_every_spoken_mobile_number_is_redacted(number):
    assert redact(f"text me on {number} after school") == "text me on [phone] after school"


@PROPERTY
@given(
    text=st.lists(
        st.sampled_from(
            [
                "oh",
                "seven",
                "double",
                "nine",
                "one",
                "0",
                "7700",
                "900123",
                "943",
                "476",
                "5919",
                ",",
                "-",
                "and",
                "my",
                "number",
                "is",
                "+44",
                "NHS",
                "12.50",
                "2019",
            ]
        ),
        max_size=30,
    ).map(" ".join)
)
def test_redacting_numbers_is_idempotent(text):
    once = redact(text)
    assert redact(once) == once


@pytest.mark.parametrize(
    "unit", ["oh ", "oh seven ", "double oh ", "12 ", "1234567890 ", "943 476 5919 ", "0 seven "]
)
def test_number_patterns_are_fast_on_100_kb_of_hostile_input(unit):
    text = unit * (100_000 // len(unit))
    started = time.perf_counter()
    redact(text)
    assert time.perf_counter() - started < 10
