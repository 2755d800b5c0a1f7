"""A word model learned from the labelled corpus: the check's second opinion.

The rules catch what they were written for; young people find many other ways to say the
same thing. This naive Bayes model, trained when first used on the shipped corpus, scores
an answer's words (and pairs of words) against each category and against "not a
disclosure". When the rules flag nothing but the model is confident enough, the answer is
flagged with the model's category and the words that weighed most, for the lead to judge.
"""

from __future__ import annotations

import functools
import itertools
import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from participation.safeguarding.normalise import Token

NONE = ""
# How much likelier (in natural log odds) a category must be than "not a disclosure". Chosen
# on answers written after the rules, never trained on: flags most disclosures the rules miss
# while adding few false alarms (see the report in tests/unit/test_safeguarding_corpus.py).
MARGIN = 16.0
SMOOTHING = 0.5
_STOP_WORDS = (
    "the a an and or to of in on at is it was be for with this that so as but if are were am "
    "have has had do did"
)
_STOP = frozenset(_STOP_WORDS.split())


def features(tokens: Sequence[Token]) -> set[str]:
    """The words (less the commonest) and the pairs of neighbouring words of an answer."""
    words = [t.text for t in tokens]
    found = {w for w in words if w not in _STOP}
    found.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    return found


@dataclass(frozen=True)
class Opinion:
    """The model's most likely category, by how much, and the words that weighed most."""

    category: str
    margin: float
    words: tuple[str, ...]


class WordModel:
    """Naive Bayes over an answer's features, one class per category and one for none."""

    def __init__(self, examples: Iterable[tuple[set[str], str | None]]) -> None:
        counts: Counter[str] = Counter()
        seen: dict[str, Counter[str]] = {}
        for feats, category in examples:
            label = category or NONE
            counts[label] += 1
            for feat in feats:
                seen.setdefault(feat, Counter())[label] += 1
        total = sum(counts.values())
        self.classes = tuple(counts)
        self._prior = [math.log(counts[c] / total) for c in self.classes]
        # One compact row of log likelihoods per feature, in class order (a few MB otherwise).
        self._weights = {
            feat: array(
                "d", (math.log((by[c] + SMOOTHING) / (counts[c] + 1)) for c in self.classes)
            )
            for feat, by in seen.items()
        }

    def opinion(self, tokens: Sequence[Token]) -> Opinion | None:
        """The best category against none, or None when the model knows none of the words."""
        feats = [f for f in features(tokens) if f in self._weights]
        if not feats or NONE not in self.classes or len(self.classes) < 2:
            return None
        score = list(self._prior)
        for feat in feats:
            for i, weight in enumerate(self._weights[feat]):
                score[i] += weight
        none = self.classes.index(NONE)
        best = max((i for i in range(len(self.classes)) if i != none), key=score.__getitem__)
        lift = sorted(feats, key=lambda f: self._weights[f][none] - self._weights[f][best])
        return Opinion(self.classes[best], score[best] - score[none], tuple(lift[:4]))


def train(answers: Iterable[tuple[str, str | None]]) -> WordModel:
    """Train a model on (text, category or None) pairs."""
    from participation.safeguarding.normalise import views

    return WordModel((features(next(views(text))), category) for text, category in answers)


@functools.cache
def default_model() -> WordModel:
    """The model trained on the shipped corpus (once per process)."""
    from participation.safeguarding.corpus import corpus

    return train((a.text, a.category) for a in corpus())
