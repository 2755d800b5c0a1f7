"""The labelled corpus of synthetic answers, and how well a matcher does on it.

The corpus ships with the package so a safeguarding lead can see, before saving a rule,
which answers it would newly flag or unflag; the corpus test measures the shipped rules.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

from participation.safeguarding.categories import CATEGORIES
from participation.safeguarding.check import Matcher


@dataclass(frozen=True)
class CorpusAnswer:
    """One synthetic answer: its words, whether it should be flagged, and its category."""

    text: str
    flag: bool
    category: str | None
    note: str = ""


@dataclass(frozen=True)
class Figures:
    """How a matcher did on the corpus: per category and overall."""

    positives: int
    caught: int
    negatives: int
    false_alarms: int
    right_category: int
    by_category: dict[str, tuple[int, int]]  # category: (caught, positives)
    false_by_category: dict[str, int]  # category: negatives wrongly flagged with it

    @property
    def recall(self) -> float:
        """The share of answers that should be flagged and were."""
        return self.caught / self.positives if self.positives else 1.0

    @property
    def false_alarm_rate(self) -> float:
        """The share of answers that should not be flagged but were."""
        return self.false_alarms / self.negatives if self.negatives else 0.0

    @property
    def category_rate(self) -> float:
        """The share of caught answers whose labelled category is among the matches."""
        return self.right_category / self.caught if self.caught else 1.0


def parse_corpus(lines: Iterable[str]) -> list[CorpusAnswer]:
    """Read JSON lines into answers, refusing unknown categories."""
    answers = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        category = row.get("category")
        if category is not None and category not in CATEGORIES:
            raise ValueError(f"line {number}: unknown category {category!r}")
        if bool(row["flag"]) != (category is not None):
            raise ValueError(f"line {number}: a flagged answer needs a category, others none")
        answers.append(CorpusAnswer(row["text"], bool(row["flag"]), category, row.get("note", "")))
    return answers


@functools.cache
def _corpus() -> tuple[CorpusAnswer, ...]:
    path = resources.files("participation") / "data" / "safeguarding_corpus.jsonl"
    return tuple(parse_corpus(path.read_text("utf-8").splitlines()))


def corpus() -> list[CorpusAnswer]:
    """The shipped corpus of labelled synthetic answers."""
    return list(_corpus())


def measure(matcher: Matcher, answers: Sequence[CorpusAnswer]) -> Figures:
    """Run `matcher` over `answers` and count what it caught and what it flagged wrongly."""
    caught = false_alarms = right = 0
    by_category = {key: [0, 0] for key in CATEGORIES}
    false_by_category = dict.fromkeys(CATEGORIES, 0)
    for answer in answers:
        found = {match.category for match in matcher.check(answer.text)}
        if not answer.flag:
            false_alarms += bool(found)
            for key in found:
                false_by_category[key] = false_by_category.get(key, 0) + 1
            continue
        counts = by_category.setdefault(str(answer.category), [0, 0])
        counts[1] += 1
        if found:
            caught += 1
            counts[0] += 1
            right += answer.category in found
    positives = sum(1 for a in answers if a.flag)
    return Figures(
        positives=positives,
        caught=caught,
        negatives=len(answers) - positives,
        false_alarms=false_alarms,
        right_category=right,
        by_category={key: (c[0], c[1]) for key, c in by_category.items()},
        false_by_category=false_by_category,
    )


def cross_validated(matcher: Matcher, answers: Sequence[CorpusAnswer], folds: int = 5) -> Figures:
    """Measure rules plus a word model trained without the answers being measured, fold by fold.

    The shipped model learned from the whole corpus, so measuring it there would flatter it:
    each fifth of the corpus is measured with a model trained on the other four fifths.
    """
    from participation.safeguarding.model import train

    parts = []
    for fold in range(folds):
        held = [a for i, a in enumerate(answers) if i % folds == fold]
        rest = [(a.text, a.category) for i, a in enumerate(answers) if i % folds != fold]
        parts.append(measure(matcher.with_model(train(rest)), held))
    return _sum(parts)


def _sum(parts: Sequence[Figures]) -> Figures:
    by_category: dict[str, tuple[int, int]] = {}
    false_by_category: dict[str, int] = {}
    for part in parts:
        for key, (caught, positives) in part.by_category.items():
            old = by_category.get(key, (0, 0))
            by_category[key] = (old[0] + caught, old[1] + positives)
        for key, count in part.false_by_category.items():
            false_by_category[key] = false_by_category.get(key, 0) + count
    return Figures(
        positives=sum(p.positives for p in parts),
        caught=sum(p.caught for p in parts),
        negatives=sum(p.negatives for p in parts),
        false_alarms=sum(p.false_alarms for p in parts),
        right_category=sum(p.right_category for p in parts),
        by_category=by_category,
        false_by_category=false_by_category,
    )
