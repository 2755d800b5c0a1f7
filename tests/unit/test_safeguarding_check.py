"""Possible disclosures in free text: generous, but never inside another word."""

from __future__ import annotations

import time

import pytest

from participation.safeguarding.check import (
    CATEGORIES,
    Match,
    check_text,
    compile_matcher,
    default_phrases,
    parse_phrases,
    phrase_error,
)

POSITIVES = [
    # self-harm and suicide, with the spellings young people use
    ("i want to kill myself", "self_harm"),
    ("K.I.L.L myself", "self_harm"),
    ("kill   my self", "self_harm"),
    ("KILL-MYSELF", "self_harm"),
    ("#killmyself", "self_harm"),
    ("k i l l m y s e l f", "self_harm"),
    ("im gonna k1ll meself", "self_harm"),
    ("ki11 myself tbh", "self_harm"),
    ("thinking about killing myself", "self_harm"),
    ("i wanna diiiie", "self_harm"),
    ("i w4nt 2 d1e", "self_harm"),
    ("I just want to fucking die", "self_harm"),
    ("wanttodie", "self_harm"),
    ("kms", "self_harm"),
    ("sometimes I think about suicide", "self_harm"),
    ("feeling suicidal", "self_harm"),
    ("i want to unalive myself", "self_harm"),
    ("sewer slide", "self_harm"),
    ("I've been cutting myself again", "self_harm"),
    ("I cut my self", "self_harm"),
    ("i self-harm", "self_harm"),
    ("everyone would be better off without me", "self_harm"),
    ("I don't want to be here anymore", "self_harm"),
    ("dont want 2 b here any more", "self_harm"),
    ("I can't cope", "self_harm"),
    ("i h8 myself", "self_harm"),
    ("i wish i was dead", "self_harm"),
    # immediate danger
    ("I'm not safe at home", "immediate_danger"),
    ("i dont feel safe", "immediate_danger"),
    ("he's outside my house right now", "immediate_danger"),
    ("pls help me", "immediate_danger"),
    ("he said he's going to kill me", "immediate_danger"),
    ("they know where I live", "immediate_danger"),
    ("they threatened me", "immediate_danger"),
    ("I'm in danger", "immediate_danger"),
    ("hes gonna hurt me", "immediate_danger"),
    # sexual exploitation and abuse
    ("he made me do stuff", "sexual_exploitation_abuse"),
    ("he touched me", "sexual_exploitation_abuse"),
    ("he keeps touching me", "sexual_exploitation_abuse"),
    ("I sent pics", "sexual_exploitation_abuse"),
    ("i sent him pix", "sexual_exploitation_abuse"),
    ("he wants nudes", "sexual_exploitation_abuse"),
    ("my older boyfriend picks me up", "sexual_exploitation_abuse"),
    ("my bf is older, he's an older guy", "sexual_exploitation_abuse"),
    ("they gave me drugs", "sexual_exploitation_abuse"),
    ("he gives me money", "sexual_exploitation_abuse"),
    ("I owe him", "sexual_exploitation_abuse"),
    ("I was raped", "sexual_exploitation_abuse"),
    ("he was grooming me", "sexual_exploitation_abuse"),
    ("he said it's our secret", "sexual_exploitation_abuse"),
    ("he told me not to tell", "sexual_exploitation_abuse"),
    # going missing
    ("I ran away last week", "going_missing"),
    ("I'm going to run away", "going_missing"),
    ("i didn't go home for 3 days", "going_missing"),
    ("i was sleeping at his", "going_missing"),
    ("stayin at his most nights", "going_missing"),
    ("sleeping @ his", "going_missing"),
    ("i went missing", "going_missing"),
    ("i got kicked out", "going_missing"),
    ("they had me going country", "going_missing"),
    # violence
    ("he hits me", "violence"),
    ("my stepdad hit me", "violence"),
    ("she beat me up", "violence"),
    ("I got stabbed", "violence"),
    ("he carries a knife", "violence"),
    ("I'm being bullied", "violence"),
    ("people keep bullying me", "violence"),
    ("they jumped me after school", "violence"),
    ("he said kys", "violence"),
    ("he hits my mum", "violence"),
]

NEGATIVES = [
    "I killed it at football",
    "my skills got better",
    "I was really skilled at it",
    "the group was a scream",
    # "to die for" only praises; "want to die" needs the want.
    "the session was to die for",
    "the therapist was nice",
    "we had grapes and drapes",
    "the staff help me a lot",
    "I ran the quiz",
    "it was a hit",
    "I passed my exams",
    "Killian came too",
    "overdue library book",
    "we talked about staying safe online",
    "I feel safe here",
    "the group felt stable",
    "the homework was killing me",
    "I liked the games and the pizza",
    "the rapport with the workers is great",
    "Nothing to add, thanks",
    "scunthorpe united",
]

# Flagged on purpose: a person reads every flag, and these words are too often real.
ACCEPTED_FALSE_POSITIVES = [
    ("I nearly killed myself laughing", "self_harm"),
    ("we did some cutting out", "self_harm"),
    ("the talk really touched me", "sexual_exploitation_abuse"),
]


def categories(text: str) -> set[str]:
    return {m.category for m in check_text(text)}


@pytest.mark.parametrize(("text", "category"), POSITIVES + ACCEPTED_FALSE_POSITIVES)
def test_flags(text: str, category: str) -> None:
    assert category in categories(text)


@pytest.mark.parametrize("text", NEGATIVES)
def test_does_not_flag(text: str) -> None:
    assert check_text(text) == []


def test_every_category_is_tested() -> None:
    assert {category for _, category in POSITIVES} == set(CATEGORIES)


def test_match_fields() -> None:
    [match] = check_text("It was ok. But honestly I want to kill myself. The pizza was nice.")
    assert match == Match("self_harm", "kill* my self", match.excerpt)
    assert "kill myself" in match.excerpt
    text = "It was ok. But honestly I want to kill myself. The pizza was nice."
    assert text[match.span[0] : match.span[1]] == "kill myself"


def test_span_points_into_the_original_text_after_unicode_folding() -> None:
    text = "Ｉ’m fine… ｋíll   my-self 🙂"
    [match] = check_text(text)
    assert text[match.span[0] : match.span[1]] == "ｋíll   my-self"


def test_excerpt_is_trimmed_around_the_match() -> None:
    text = ("blah " * 100) + "he hits me" + (" blah" * 100)
    [match] = check_text(text)
    assert match.excerpt.startswith("…") and match.excerpt.endswith("…")
    assert "he hits me" in match.excerpt
    assert len(match.excerpt) < 200


def test_each_phrase_reported_once_in_order() -> None:
    found = check_text("he hits me. I ran away. he hits me again. I ran away again.")
    assert [(m.category, m.phrase) for m in found] == [
        ("violence", "hit* me"),
        ("going_missing", "ran away"),
    ]


def test_several_categories_in_one_text() -> None:
    text = "My older boyfriend hits me and I want to die, so I ran away"
    assert categories(text) == {
        "sexual_exploitation_abuse",
        "violence",
        "self_harm",
        "going_missing",
    }


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "🙂🙂🙂",
        "👨‍👩‍👧‍👦 🏳️‍🌈",
        "שלום עולם",
        "مرحبا بالعالم",
        "\u202eevil\u202c",
        "\x00\x01\x02",
        "\ud800 lone surrogate",
        "𝐤𝐢𝐥𝐥 𝐦𝐲𝐬𝐞𝐥𝐟",
        "ǅ ß ﬁ İ",
        "@ $ ! | ' ` - _",
        "1111 |||| !!!!",
    ],
)
def test_odd_text_does_not_crash(text: str) -> None:
    assert isinstance(check_text(text), list)


def test_homoglyphs_and_accents() -> None:
    assert categories("𝐤𝐢𝐥𝐥 𝐦𝐲𝐬𝐞𝐥𝐟") == {"self_harm"}
    assert categories("k\u0456ll myself") == {"self_harm"}  # Cyrillic i
    assert categories("kíll mysélf") == {"self_harm"}
    assert categories("ki\u0301ll my\u200bself") == {"self_harm"}


def test_large_text_is_fast() -> None:
    text = ("The workshop was good and I liked the games, ça va 🙂 10/10. " * 2000)[:100_000]
    text += " he hits me"
    started = time.perf_counter()
    found = check_text(text)
    assert time.perf_counter() - started < 2
    assert [m.category for m in found] == ["violence"]


def test_custom_phrases_and_wildcards() -> None:
    matcher = compile_matcher([("violence", "punch* him"), ("going_missing", "gone awol")])
    assert [m.phrase for m in matcher.check("she punched him")] == ["punch* him"]
    assert [m.phrase for m in matcher.check("he's gone AWOL")] == ["gone awol"]
    assert matcher.check("counterpunch him") == []
    assert check_text("gone awol", [("going_missing", "gone awol")])[0].category == "going_missing"


@pytest.mark.parametrize("phrase", ["", "   ", "!!!", "ab*", "* me", "'"])
def test_bad_phrases_are_refused(phrase: str) -> None:
    with pytest.raises(ValueError, match=r"phrase|wildcard"):
        compile_matcher([("violence", phrase)])


def test_phrase_error_for_admin_forms() -> None:
    assert phrase_error("kill* my self") is None
    assert phrase_error("ab*") is not None
    assert phrase_error("!!!") is not None


def test_parse_phrases() -> None:
    text = "# comment\n\nself_harm|kill myself  # trailing comment\nviolence | hit* me\n"
    assert parse_phrases(text) == [("self_harm", "kill myself"), ("violence", "hit* me")]
    with pytest.raises(ValueError, match="line 1"):
        parse_phrases("no separator here")


def test_default_phrases() -> None:
    phrases = default_phrases()
    assert {category for category, _ in phrases} == set(CATEGORIES)
    for category in CATEGORIES:
        count = sum(1 for c, _ in phrases if c == category)
        assert 20 <= count <= 70, category
    assert len(set(phrases)) == len(phrases)
    phrases.append(("violence", "mutating the copy"))
    assert ("violence", "mutating the copy") not in default_phrases()


def test_every_default_phrase_matches_itself() -> None:
    for category, phrase in default_phrases():
        text = phrase.replace("*", "")
        assert (category, phrase) in {(m.category, m.phrase) for m in check_text(text)}, phrase
