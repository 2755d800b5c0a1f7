"""Join codes, withdrawal codes and idempotency keys."""

from __future__ import annotations

import math
import random
import re

import pytest

from participation.activities import codes
from participation.safeguarding.check import check_text


def test_join_code_alphabet_has_no_look_alikes() -> None:
    assert not set("0O1IL") & set(codes.JOIN_CODE_ALPHABET)
    assert len(set(codes.JOIN_CODE_ALPHABET)) == len(codes.JOIN_CODE_ALPHABET) == 31


def test_new_join_code_shape() -> None:
    for _ in range(200):
        code = codes.new_join_code()
        assert len(code) == codes.JOIN_CODE_LENGTH
        assert set(code) <= set(codes.JOIN_CODE_ALPHABET)
        assert codes.looks_like_join_code(code)


def test_new_join_code_uses_the_given_rng() -> None:
    assert codes.new_join_code(random.Random(7)) == codes.new_join_code(random.Random(7))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("abc234", "ABC234"),
        ("  abc 234  ", "ABC234"),
        ("abc-234", "ABC234"),
        ("ABC\u2013234", "ABC234"),  # en dash from autocorrect
        ("ＡＢＣ２３４", "ABC234"),  # full-width, from some phone keyboards
        ("demoyp", "DEMOYP"),
        ("", ""),
        ("   ", ""),
        ("abc!234", ""),
        ("<script>", ""),
        ("ab\u00e7234", ""),
        ("x" * 500, ""),
    ],
)
def test_normalise_join_code(raw: str, expected: str) -> None:
    assert codes.normalise_join_code(raw) == expected


def test_normalise_join_code_rejects_non_strings() -> None:
    assert codes.normalise_join_code(None) == ""  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["DEMOYP", "ABC234", "OOOOOO", "123456"])
def test_looks_like_join_code_accepts(code: str) -> None:
    assert codes.looks_like_join_code(code)


@pytest.mark.parametrize("code", ["", "abc234", "ABC23", "ABC2345", "ABC 23", "ABC-23", None, 123])
def test_looks_like_join_code_rejects(code: object) -> None:
    assert not codes.looks_like_join_code(code)


def test_word_list_is_big_enough_and_well_formed() -> None:
    words = codes.withdrawal_words()
    assert len(words) >= 1024
    assert len(set(words)) == len(words)
    assert all(re.fullmatch(r"[a-z]{3,7}", w) for w in words)
    assert math.log2(len(words)) * codes.WITHDRAWAL_CODE_WORDS >= 40


def test_word_list_avoids_words_children_in_crisis_should_not_see() -> None:
    never = {
        "die", "dead", "death", "kill", "blood", "knife", "gun", "bomb", "sex", "naked", "kiss",
        "baby", "mum", "dad", "home", "secret", "alone", "drunk", "drug", "weed", "pill", "money",
        "cash", "party", "bed", "body", "heart", "hand", "fire", "ghost", "grave", "hell", "slut",
        "bitch", "gay", "fat", "ugly", "stupid", "hate", "hurt", "cut", "pain", "cry", "scary",
    }  # fmt: skip
    assert never.isdisjoint(codes.withdrawal_words())
    flagged = [w for w in codes.withdrawal_words() if check_text(w)]
    assert flagged == []


def test_new_withdrawal_code_shape() -> None:
    words = set(codes.withdrawal_words())
    seen = set()
    for _ in range(100):
        code = codes.new_withdrawal_code()
        parts = code.split("-")
        assert len(parts) == codes.WITHDRAWAL_CODE_WORDS
        assert set(parts) <= words
        assert codes.normalise_withdrawal_code(code) == code
        assert codes.looks_like_withdrawal_code(code)
        seen.add(code)
    assert len(seen) == 100


@pytest.mark.parametrize(
    "raw",
    [
        "otter-maple-kite-river",
        "Otter Maple Kite River",
        "  OTTER   maple--kite__river. ",
        "otter.maple.kite.river",
        "otter_maple_kite_river",
        "otter\u2013maple\u2014kite river",
        "ｏｔｔｅｒ maple kite river",
        "otter, maple, kite, river",
    ],
)
def test_normalise_withdrawal_code(raw: str) -> None:
    assert codes.normalise_withdrawal_code(raw) == "otter-maple-kite-river"


@pytest.mark.parametrize("raw", ["", "   ", "otter", "otter-maple-kite", "1234-5678", "a-b-c-d"])
def test_looks_like_withdrawal_code_rejects(raw: str) -> None:
    assert not codes.looks_like_withdrawal_code(raw)


def test_hash_withdrawal_code_is_keyed_deterministic_and_normalised() -> None:
    h = codes.hash_withdrawal_code("otter-maple-kite-river", "secret-one")
    assert re.fullmatch(r"[0-9a-f]{64}", h)
    assert codes.hash_withdrawal_code(" Otter Maple Kite River ", "secret-one") == h
    assert codes.hash_withdrawal_code("otter-maple-kite-river", b"secret-one") == h
    assert codes.hash_withdrawal_code("otter-maple-kite-river", "secret-two") != h
    assert codes.hash_withdrawal_code("otter-maple-kite-rivet", "secret-one") != h


def test_hash_withdrawal_code_refuses_an_empty_secret() -> None:
    with pytest.raises(ValueError, match="secret"):
        codes.hash_withdrawal_code("otter-maple-kite-river", "")


def test_idempotency_keys() -> None:
    keys = {codes.new_idempotency_key() for _ in range(200)}
    assert len(keys) == 200
    for key in keys:
        assert len(key) >= 22
        assert re.fullmatch(r"[A-Za-z0-9_-]+", key)
        assert codes.valid_idempotency_key(key)


@pytest.mark.parametrize(
    "key",
    ["", "short", "a" * 21, "a" * 65, "a" * 21 + "/", "a b" * 10, None, 12345678901234567890123],
)
def test_invalid_idempotency_keys(key: object) -> None:
    assert not codes.valid_idempotency_key(key)
