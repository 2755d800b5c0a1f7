"""Possible disclosures in free text: generous, read in context, never inside another word."""

from __future__ import annotations

import time

import pytest

from participation.safeguarding.categories import CATEGORIES
from participation.safeguarding.check import (
    MODEL_RULE,
    Match,
    RuleText,
    check_text,
    compile_matcher,
    default_matcher,
    default_phrases,
    default_rules,
    parse_phrases,
    parse_rules,
    phrase_error,
)
from participation.safeguarding.model import WordModel, train

POSITIVES = [
    # the spellings young people use
    ("i want to kill myself", "suicide"),
    ("K.I.L.L myself", "suicide"),
    ("kill   my self", "suicide"),
    ("KILL-MYSELF", "suicide"),
    ("#killmyself", "suicide"),
    ("k i l l m y s e l f", "suicide"),
    ("im gonna k1ll meself", "suicide"),
    ("ki11 myself tbh", "suicide"),
    ("i wanna diiiie", "suicide"),
    ("i w4nt 2 d1e", "suicide"),
    ("I just want to fucking die", "suicide"),
    ("wanttodie", "suicide"),
    ("kms", "suicide"),
    ("feeling suicidal", "suicide"),
    ("i want to unalive myself", "suicide"),
    ("everyone would be better off without me", "suicide"),
    ("dont want 2 b alive any more", "suicide"),
    ("I've been cutting myself again", "self_harm"),
    ("i self-harm", "self_harm"),
    ("i h8 myself", "self_harm"),
    ("I'm not safe at home", "immediate_danger"),
    ("hes gonna hurt me", "immediate_danger"),
    ("he's outside my house right now", "immediate_danger"),
    # patterns with slots: coercion verbs x acts, threats to share x images, goods x debt
    ("he made me do stuff", "sexual_assault"),
    ("was made to do things at a party i didnt want to", "sexual_assault"),
    ("she pressured me into having sex", "sexual_assault"),
    ("keeps asking for pics and says hell share the ones he has", "online_coercion"),
    ("they said theyll post my nudes if i dont pay", "online_coercion"),
    ("carrying things to other towns", "criminal_exploitation"),
    ("owe them money so i have to run for them", "criminal_exploitation"),
    ("my bf is 23, he buys me stuff and says its our secret", "sexual_exploitation"),
    ("I ran away last week", "missing_trafficking"),
    ("stayin at his most nights", "missing_trafficking"),
    ("my stepdad hit me", "physical_domestic_abuse"),
    ("theres never any food at home", "neglect"),
    ("i smoke weed every day", "substance_misuse"),
    ("people keep bullying me", "bullying"),
    ("my mate is running for some older lads", "friend_worry"),
    # indirect: owing, gifts with strings, fear of home, images held
    ("they buy me stuff and i have to be nice to them", "sexual_exploitation"),
    ("a man gives me free vapes if i go round his", "sexual_exploitation"),
    ("pay up or everyone sees the pics", "online_coercion"),
    ("i used to cut but started again", "self_harm"),
    ("i only get fed at school", "neglect"),
]

NEGATIVES = [
    "I killed it at football",
    "my skills got better",
    "Killian came too",
    "overdue library book",
    "the session was to die for",
    "I feel safe here",
    "the homework was killing me",
    "this workshop is killing me lol",
    "i was dying of laughter",
    "I nearly killed myself laughing",
    "the rapport with the workers is great",
    "scunthorpe united",
    # a session's topic, negation, and "what if someone..."
    "the session about grooming was good",
    "the talk on county lines was interesting",
    "nobody makes me do anything i dont want",
    "no one has ever hit me",
    "i would never send nudes",
    "if someone asks for pics you should block them",
    "what would you do if a friend was being groomed",
    "no one has ever made me do anything i did not want to",
    # games
    "my brother always beats me at pool",
    "i got battered at fifa",
]


def categories(text: str) -> set[str]:
    return {m.category for m in check_text(text)}


@pytest.mark.parametrize(("text", "category"), POSITIVES)
def test_flags(text: str, category: str) -> None:
    assert category in categories(text)


@pytest.mark.parametrize("text", NEGATIVES)
def test_does_not_flag(text: str) -> None:
    assert check_text(text) == []


def test_every_category_is_tested_and_has_shipped_rules() -> None:
    assert {category for _, category in POSITIVES} == set(CATEGORIES)
    assert {rule.category for rule in default_rules()} == set(CATEGORIES)


def test_a_disclosure_in_a_session_answer_is_still_flagged() -> None:
    # The topic words alone are set aside; the same words about "me" are not.
    assert categories("the session on grooming made me see he was grooming me") == {
        "sexual_exploitation"
    }
    assert "sexual_exploitation" in categories("i was groomed")
    # A session's topic named as the writer's own life is not set aside as a topic.
    assert "criminal_exploitation" in categories(
        "the session about county lines was good, thats what im doing for them"
    )
    # A teaching word skipped inside a match makes it a topic; "me" further on is the effect.
    assert categories("we did a role play about county lines it was good") == set()
    assert categories("the session about grooming made me think") == set()


def test_txt_speak_reads_as_the_words_it_stands_for() -> None:
    assert categories("my bf hits me") == {"physical_domestic_abuse"}
    assert categories("i av 2 do wot they say or they hurt my nan") != set()


def test_negation_reaches_only_its_own_clause() -> None:
    assert categories("no one knows he hits me") == {"physical_domestic_abuse"}
    assert categories("i never told anyone but he hits me") == {"physical_domestic_abuse"}
    assert categories("he never hits me") == set()
    assert "substance_misuse" in categories("i cant stop smoking weed")
    assert categories("i dont drink or smoke") == set()


def test_a_real_if_is_not_a_hypothetical() -> None:
    assert "physical_domestic_abuse" in categories("if my dad hits me again i will leave")
    assert categories("if i was being bullied i would tell a teacher") == set()


def test_match_fields_carry_the_evidence_and_score() -> None:
    text = "It was ok. But honestly I want to kill myself. The pizza was nice."
    [match] = check_text(text)
    assert match == Match("suicide", "kill* [self]", match.excerpt)
    assert match.evidence == ("kill myself",)
    assert match.score == 1.0
    assert text[match.span[0] : match.span[1]] == "kill myself"
    assert "kill myself" in match.excerpt


def test_evidence_keeps_the_words_a_gap_skipped_out() -> None:
    [match] = check_text(
        "my bf keeps asking me over and over for pics",
        [RuleText("online_coercion", "(asking/asks) ... for [images]")],
    )
    assert match.evidence == ("asking", "for pics")


def test_clues_below_one_add_up_in_their_category() -> None:
    rules = [RuleText("neglect", "hungry", 0.5), RuleText("neglect", "no heating", 0.5)]
    assert check_text("we were hungry at the weekend", rules) == []
    found = check_text("we were hungry at the weekend and no heating", rules)
    assert {m.category for m in found} == {"neglect"}
    assert {m.score for m in found} == {1.0}


def test_an_answer_of_a_word_or_two_counts_its_clue_double() -> None:
    assert categories("help") == {"immediate_danger"}
    assert categories("scared") == {"immediate_danger"}
    assert categories("help was there when i needed it") == set()


def test_someone_else_named_with_a_harm_is_a_friend_worry() -> None:
    assert categories("my friend said her dad hits her") == {
        "friend_worry",
        "physical_domestic_abuse",
    }
    assert categories("my friend helped me with my homework") == set()


def test_an_exception_sets_aside_matches_in_its_own_category() -> None:
    rules = [
        RuleText("self_harm", "cut* my self"),
        RuleText("self_harm", "cut my self short", 1, True),
    ]
    assert check_text("i cut myself short in the speech", rules) == []
    assert [m.category for m in check_text("i cut myself again", rules)] == ["self_harm"]


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


def test_each_rule_reported_once_in_order() -> None:
    rules = [RuleText("physical_domestic_abuse", "hit* me"), RuleText("bullying", "bullied")]
    found = check_text("he hits me. I got bullied. he hits me again. bullied again.", rules)
    assert [(m.category, m.phrase) for m in found] == [
        ("physical_domestic_abuse", "hit* me"),
        ("bullying", "bullied"),
    ]


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
        "ǅ ß ﬁ İ",
        "@ $ ! | ' ` - _",
        "1111 |||| !!!!",
        "... . , if if if not not no",
    ],
)
def test_odd_text_does_not_crash(text: str) -> None:
    assert isinstance(check_text(text), list)


def test_homoglyphs_and_accents() -> None:
    assert categories("𝐤𝐢𝐥𝐥 𝐦𝐲𝐬𝐞𝐥𝐟") == {"suicide"}
    assert categories("k\u0456ll myself") == {"suicide"}  # Cyrillic i
    assert categories("kíll mysélf") == {"suicide"}
    assert categories("ki\u0301ll my\u200bself") == {"suicide"}


def test_large_text_is_fast() -> None:
    text = ("The workshop was good and I liked the games, ça va 🙂 10/10. " * 2000)[:100_000]
    text += " he hits me"
    started = time.perf_counter()
    found = check_text(text)
    assert time.perf_counter() - started < 2
    assert [m.category for m in found] == ["physical_domestic_abuse"]


def test_custom_phrases_and_patterns() -> None:
    matcher = compile_matcher(
        [
            ("physical_domestic_abuse", "punch* him"),
            ("missing_trafficking", "gone awol"),
            ("criminal_exploitation", "(hold/keep) [goods] ... for (them/him)"),
        ]
    )
    assert [m.phrase for m in matcher.check("she punched him")] == ["punch* him"]
    assert [m.phrase for m in matcher.check("he's gone AWOL")] == ["gone awol"]
    assert matcher.check("counterpunch him") == []
    assert [m.category for m in matcher.check("i keep stuff in my room for them")] == [
        "criminal_exploitation"
    ]
    assert matcher.check("i keep stuff in my room for my little brother to find") == []


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("", "no words"),
        ("   ", "no words"),
        ("!!!", "no words"),
        ("ab*", "wildcard"),
        ("* me", "wildcard"),
        ("'", "no words"),
        ("[nonsense] me", "no word list"),
        ("... me", "gap"),
        ("me ...", "gap"),
        ("(pics/)?", "must be there"),
        ("(pics)? me", "left out"),
        ("()", "empty"),
    ],
)
def test_bad_rules_are_refused_with_a_reason(rule: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        compile_matcher([("bullying", rule)])
    assert reason in (phrase_error(rule) or "")


def test_phrase_error_accepts_good_rules() -> None:
    assert phrase_error("kill* my self") is None
    assert phrase_error("[coerce] me ... [sex_act]") is None
    assert phrase_error("(send/sent) (him/them)? [images]") is None


def test_parse_rules_reads_word_lists_and_weights() -> None:
    text = (
        "# comment\n\n[pets] = cat, dog*\nneglect|no food  # trailing comment\n"
        "bullying | picked on|0.5\n"
    )
    slots, rules = parse_rules(text)
    assert slots == ["[pets] = cat, dog*"]
    assert rules == [RuleText("neglect", "no food"), RuleText("bullying", "picked on", 0.5)]
    assert parse_phrases(text) == [("neglect", "no food"), ("bullying", "picked on")]
    with pytest.raises(ValueError, match="line 1"):
        parse_phrases("no separator here")


def test_default_rules() -> None:
    phrases = default_phrases()
    assert len(set(phrases)) == len(phrases)
    for category in CATEGORIES:
        assert sum(1 for c, _ in phrases if c == category) >= 5, category
    phrases.append(("bullying", "mutating the copy"))
    assert ("bullying", "mutating the copy") not in default_phrases()


def test_every_plain_default_phrase_matches_itself() -> None:
    plain = [r for r in default_rules() if r.weight >= 1 and not any(c in r.text for c in "[(.")]
    assert len(plain) > 40
    for rule in plain:
        text = rule.text.replace("*", "")
        assert (rule.category, rule.text) in {(m.category, m.phrase) for m in check_text(text)}, (
            rule.text
        )


def test_the_word_model_gives_a_second_opinion_when_the_rules_find_nothing() -> None:
    examples = [("he hurts me at home", "physical_domestic_abuse")] * 20
    examples += [("the pizza was nice", None)] * 20
    model = train(examples)
    matcher = compile_matcher([]).with_model(model)
    [match] = matcher.check("he hurts me at home again")
    assert (match.category, match.phrase) == ("physical_domestic_abuse", MODEL_RULE)
    assert match.score >= 1 and set(match.evidence) <= {
        "he",
        "hurts",
        "me",
        "home",
        "he hurts",
        "hurts me",
        "me at",
        "at home",
    }
    assert matcher.check("the pizza was nice and hot") == []
    assert matcher.check("unknown words entirely") == []
    # Without a model, or when a rule already flags, the model is not asked.
    assert compile_matcher([]).check("he hurts me at home again") == []
    ruled = compile_matcher([("bullying", "hurts me")]).with_model(model)
    assert [m.category for m in ruled.check("he hurts me at home")] == ["bullying"]
    # When a rule of the model's category matched and its context set it aside, the model
    # does not overrule the context.
    denied = compile_matcher([("physical_domestic_abuse", "hurts me")]).with_model(model)
    assert denied.check("no one hurts me at home") == []


def test_the_shipped_matcher_has_the_word_model() -> None:
    assert default_matcher().model is not None
    assert isinstance(default_matcher().model, WordModel)
