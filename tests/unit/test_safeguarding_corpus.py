"""The check measured on the labelled corpus of synthetic answers.

The rules plus the word model are measured fold by fold, each fifth of the corpus with a
model trained on the other four fifths (the shipped model has seen every answer, so measuring
it on them would flatter it). Run with ``-s`` (or ``-rA``) to read recall and false alarms per
category; the same figures are attached to the test report with record_property.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from participation.safeguarding.categories import CATEGORIES, label_of
from participation.safeguarding.check import compile_matcher, default_matcher, default_rules
from participation.safeguarding.corpus import (
    CorpusAnswer,
    Figures,
    corpus,
    cross_validated,
    measure,
    parse_corpus,
)

MIN_RECALL = 0.95
MAX_FALSE_ALARMS = 0.05
MIN_RIGHT_CATEGORY = 0.90
TEST_COPY = Path(__file__).resolve().parent.parent / "data" / "safeguarding_corpus.jsonl"


@pytest.fixture(scope="module")
def figures() -> Figures:
    return cross_validated(compile_matcher(default_rules()), corpus())


@pytest.fixture(scope="module")
def rules_alone() -> Figures:
    return measure(compile_matcher(default_rules()), corpus())


def report(figures: Figures) -> list[str]:
    lines = [f"{'category':<46} {'recall':>14}   {'false alarms':>16}"]
    for key in CATEGORIES:
        caught, positives = figures.by_category[key]
        share = caught / positives if positives else 1.0
        wrong = figures.false_by_category[key]
        lines.append(
            f"{label_of(key):<46} {caught:>4}/{positives:<4} {share:6.1%}   "
            f"{wrong:>4}/{figures.negatives:<4} {wrong / figures.negatives:6.1%}"
        )
    lines.append(
        f"overall recall {figures.caught}/{figures.positives} {figures.recall:.1%}; "
        f"false alarms {figures.false_alarms}/{figures.negatives} "
        f"{figures.false_alarm_rate:.1%}; right category {figures.category_rate:.1%}"
    )
    return lines


def test_the_corpus_is_big_and_balanced_enough() -> None:
    answers = corpus()
    assert len(answers) >= 400
    negatives = [a for a in answers if not a.flag]
    assert len(negatives) * 3 >= len(answers)
    assert {a.category for a in answers if a.flag} == set(CATEGORIES)
    assert len({a.text for a in answers}) == len(answers), "a duplicated answer"


def test_the_tests_copy_is_the_shipped_corpus() -> None:
    assert TEST_COPY.is_symlink()
    shipped = Path(os.path.realpath(TEST_COPY))
    assert shipped.parts[-3:] == ("participation", "data", "safeguarding_corpus.jsonl")
    assert parse_corpus(TEST_COPY.read_text("utf-8").splitlines()) == corpus()


def test_recall_and_false_alarms(figures: Figures, rules_alone: Figures, record_property) -> None:
    lines = report(figures)
    alone = report(rules_alone)[-1]
    print("\nRules and word model, cross-validated in 5 folds:\n" + "\n".join(lines))
    print(f"Rules alone: {alone}")
    record_property("rules_alone", alone)
    record_property("safeguarding_recall", round(figures.recall, 4))
    record_property("safeguarding_false_alarm_rate", round(figures.false_alarm_rate, 4))
    record_property("safeguarding_right_category", round(figures.category_rate, 4))
    for key in CATEGORIES:
        record_property(f"recall_{key}", "{}/{}".format(*figures.by_category[key]))
        record_property(f"false_alarms_{key}", figures.false_by_category[key])
    assert figures.recall >= MIN_RECALL, "\n".join(lines)
    assert figures.false_alarm_rate <= MAX_FALSE_ALARMS, "\n".join(lines)


def test_a_flagged_answer_carries_its_labelled_category(figures: Figures) -> None:
    assert figures.category_rate >= MIN_RIGHT_CATEGORY, "\n".join(report(figures))


def test_the_figures_count_what_they_say() -> None:
    answers = [
        CorpusAnswer("he hits me", True, "physical_domestic_abuse"),
        CorpusAnswer("i want to kill myself", True, "self_harm"),
        CorpusAnswer("lovely day", True, "neglect"),
        CorpusAnswer("he hit me with a snowball lol", False, None),
        CorpusAnswer("the pizza was good", False, None),
    ]
    figures = measure(default_matcher(), answers)
    assert (figures.positives, figures.caught, figures.right_category) == (3, 2, 1)
    assert (figures.negatives, figures.false_alarms) == (2, 1)
    assert figures.by_category["neglect"] == (0, 1)
    assert figures.false_by_category["physical_domestic_abuse"] == 1


@pytest.mark.parametrize(
    "line",
    [
        '{"text": "x", "flag": true, "category": "nonsense"}',
        '{"text": "x", "flag": true, "category": null}',
        '{"text": "x", "flag": false, "category": "neglect"}',
    ],
)
def test_bad_corpus_lines_are_refused(line: str) -> None:
    with pytest.raises(ValueError, match="line 1"):
        parse_corpus([line])
