"""Find possible safeguarding disclosures in free text, for a human to review.

Rules (see ``data/safeguarding_phrases.txt`` and patterns.py) are matched against the text as
normalise.py reads it. Each match is then weighed in its context (context.py): a clause that
denies it, a "what if someone...", a session's topic or a laugh sets it aside. What is left
adds its weight to its category's score, and a category scoring 1 or more is flagged, with the
words that matched as evidence for the safeguarding lead.
"""

from __future__ import annotations

import copy
import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import NamedTuple

from participation.safeguarding import context
from participation.safeguarding.categories import CATEGORIES
from participation.safeguarding.model import MARGIN as MODEL_MARGIN
from participation.safeguarding.model import Opinion, WordModel, default_model
from participation.safeguarding.normalise import Token, views
from participation.safeguarding.patterns import (
    Alt,
    Part,
    PatternError,
    Rule,
    compile_rule,
    first_words,
    match_parts,
    parse_slots,
    run_together,
    stem_keys,
    stem_matches,
)

__all__ = ["CATEGORIES", "Match", "Matcher", "RuleText", "check_text", "compile_matcher"]

EXCERPT_CONTEXT = 60  # characters either side of a match
FLAG_AT = 1.0  # a category whose weights add up to this is flagged
FRIEND = "friend_worry"
SHORT_ANSWER = 3  # words
MODEL_RULE = "(words like those of disclosures in the corpus)"
# Words of harm that also describe games and sport ("got hit", "run round the hall").
_PLAYED_AT = frozenset({"physical_domestic_abuse", "missing_trafficking", "criminal_exploitation"})
# Neglect is an absence: "no one does my washing" states it rather than denying it.
_NEGLECT = "neglect"
_WEIGHT_RE = re.compile(r"\|\s*(\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Match:
    """A rule found in a text: its category, the rule, the words around it and the evidence."""

    category: str
    phrase: str
    excerpt: str
    span: tuple[int, int] = field(default=(0, 0), compare=False)
    score: float = field(default=1.0, compare=False)
    evidence: tuple[str, ...] = field(default=(), compare=False)


class RuleText(NamedTuple):
    """A rule as written: its category, its words, its weight and whether it is an exception."""

    category: str
    text: str
    weight: float = 1.0
    exception: bool = False


class _Hit(NamedTuple):
    rule: Rule
    start: int
    end: int
    used: tuple[int, ...]


class Matcher:
    """A compiled set of rules; call check(text) to find possible disclosures."""

    def __init__(self, rules: Iterable[Rule], model: WordModel | None = None) -> None:
        self.model = model
        self._exact: dict[str, list[Rule]] = defaultdict(list)
        self._prefix: dict[str, list[Rule]] = defaultdict(list)
        self.rules = tuple(rules)
        for rule in self.rules:
            for word, is_prefix in set(first_words(rule)):
                if not is_prefix:
                    self._exact[word].append(rule)
                    continue
                for key in stem_keys(word):
                    if rule not in self._prefix[key]:
                        self._prefix[key].append(rule)

    def with_model(self, model: WordModel | None) -> Matcher:
        """The same rules, with `model` giving a second opinion when they find nothing."""
        twin = copy.copy(self)
        twin.model = model
        return twin

    def _candidates(self, token: str) -> Iterator[Rule]:
        yield from self._exact.get(token, ())
        for rule in self._prefix.get(token[:3], ()):
            if any(stem_matches(token, w) for w, p in first_words(rule) if p):
                yield rule

    def _hits(self, tokens: list[Token]) -> Iterator[_Hit]:
        for i, tok in enumerate(tokens):
            for rule in self._candidates(tok.text):
                used: list[int] = []
                end = match_parts(rule.parts, 0, tokens, i, used)
                if end > i and tokens[end - 1].sentence == tok.sentence:
                    yield _Hit(rule, i, end, tuple(used))

    def check(self, text: str) -> list[Match]:
        """Return the possible disclosures in text, one per rule, in the order they appear."""
        if not text:
            return []
        found: dict[tuple[str, str], Match] = {}
        aside: set[str] = set()
        short = False
        first: list[Token] | None = None
        for tokens in views(text):
            first = tokens if first is None else first
            self._weigh(text, tokens, found, aside)
            short = len(tokens) <= SHORT_ANSWER
        flagged = _scored(found.values(), short=short)
        if flagged or self.model is None or not first:
            return flagged
        opinion = self.model.opinion(first)
        if opinion is not None and opinion.category in aside:
            # The rules read these words and their context set them aside ("i am not scared
            # to go home", "a film about a girl who ran away"): the model does not overrule.
            return []
        return _second_opinion(text, opinion)

    def _weigh(
        self,
        text: str,
        tokens: list[Token],
        found: dict[tuple[str, str], Match],
        aside: set[str],
    ) -> None:
        """Add each rule hit in `tokens` to `found`, or its category to `aside` if set aside."""
        hits = list(self._hits(tokens))
        excepted = _excepted_spans(hits)
        for hit in hits:
            key = (hit.rule.category, hit.rule.source)
            if hit.rule.exception or key in found:
                continue
            if _set_aside(tokens, hit, excepted):
                aside.add(hit.rule.category)
                continue
            found[key] = _match(text, tokens, hit)


def _second_opinion(text: str, opinion: Opinion | None) -> list[Match]:
    """A flag from the word model when it is confident enough, with the words that weighed."""
    if opinion is None or opinion.margin < MODEL_MARGIN:
        return []
    end = min(len(text), 2 * EXCERPT_CONTEXT)
    score = round(opinion.margin / MODEL_MARGIN, 2)
    return [
        Match(opinion.category, MODEL_RULE, _excerpt(text, 0, end), (0, end), score, opinion.words)
    ]


def _excepted_spans(hits: list[_Hit]) -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for hit in hits:
        if hit.rule.exception:
            spans[hit.rule.category].append((hit.start, hit.end))
    return spans


def _set_aside(
    tokens: list[Token], hit: _Hit, excepted: Mapping[str, list[tuple[int, int]]]
) -> bool:
    """Whether the hit's context shows it is not a disclosure (or a lead said it is not)."""
    start, end, used = hit.start, hit.end, list(hit.used)
    if any(lo <= start and end <= hi for lo, hi in excepted.get(hit.rule.category, ())):
        return True
    if hit.rule.category in _PLAYED_AT and context.at_play(tokens, start, end):
        return True
    return (
        context.defined(tokens, start, end)
        or (hit.rule.category != _NEGLECT and context.negated(tokens, start))
        or context.negated_inside(tokens, start, end, used)
        or context.hypothetical(tokens, start)
        or context.about_a_topic(tokens, start, end, used)
        or context.laughing(tokens, end)
    )


def _match(text: str, tokens: list[Token], hit: _Hit) -> Match:
    start, end = tokens[hit.start].start, tokens[hit.end - 1].end
    return Match(
        hit.rule.category,
        hit.rule.source,
        _excerpt(text, start, end),
        (start, end),
        hit.rule.weight,
        _evidence(text, tokens, hit.used),
    )


def _evidence(text: str, tokens: list[Token], used: Iterable[int]) -> tuple[str, ...]:
    """The words that matched, as written, with runs of neighbouring words kept together."""
    runs: list[list[int]] = []
    for i in sorted(set(used)):
        if runs and runs[-1][-1] >= i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return tuple(" ".join(text[tokens[run[0]].start : tokens[run[-1]].end].split()) for run in runs)


def _scored(matches: Iterable[Match], *, short: bool = False) -> list[Match]:
    """Keep the categories whose clues add up to a flag; each match carries its category score."""
    score: dict[str, float] = defaultdict(float)
    for m in matches:
        # Before scoring, a match carries its rule's weight. An answer of a word or two ("help",
        # "scared") is all about that clue, so its weight counts double.
        score[m.category] += m.score * (2 if short else 1)
    harm = any(s >= FLAG_AT for c, s in score.items() if c != FRIEND)
    if harm and score.get(FRIEND):
        # Someone else named alongside a harm: a worry about a friend, as well as the harm.
        score[FRIEND] += FLAG_AT
    kept = [
        Match(m.category, m.phrase, m.excerpt, m.span, round(score[m.category], 2), m.evidence)
        for m in matches
        if score[m.category] >= FLAG_AT
    ]
    return sorted(kept, key=lambda m: m.span)


def _excerpt(text: str, start: int, end: int) -> str:
    lo, hi = max(0, start - EXCERPT_CONTEXT), min(len(text), end + EXCERPT_CONTEXT)
    # Widen to whole words so the excerpt does not begin or end mid-word.
    while lo > 0 and not text[lo - 1].isspace() and start - lo < EXCERPT_CONTEXT + 20:
        lo -= 1
    while hi < len(text) and not text[hi].isspace() and hi - end < EXCERPT_CONTEXT + 20:
        hi += 1
    body = " ".join(text[lo:hi].split())
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


def _as_rule_text(item: RuleText | tuple[str, str]) -> RuleText:
    return item if isinstance(item, RuleText) else RuleText(*item)


def compile_matcher(
    rules: Iterable[RuleText | tuple[str, str]], slots: Mapping[str, tuple[Alt, ...]] | None = None
) -> Matcher:
    """Compile (category, text[, weight, exception]) rules into a Matcher."""
    slots = default_slots() if slots is None else slots
    explicit: list[Rule] = []
    joined: list[Rule] = []
    for item in rules:
        spec = _as_rule_text(item)
        try:
            rule = compile_rule(spec.category, spec.text, slots, spec.weight, spec.exception)
        except PatternError as error:
            raise PatternError(f"{error} (in {spec.category}|{spec.text})") from error
        explicit.append(rule)
        together = None if rule.exception else run_together(rule)
        if together is not None:
            joined.append(together)
    compiled: dict[tuple[str, tuple[Part, ...], bool], Rule] = {}
    for rule in explicit + joined:  # a phrase as written wins over another's run-together form
        compiled.setdefault((rule.category, rule.parts, rule.exception), rule)
    return Matcher(compiled.values())


def phrase_error(phrase: str) -> str | None:
    """Return why a phrase or pattern cannot be matched (for forms), or None if it is fine."""
    try:
        compile_rule("any", phrase, default_slots())
    except PatternError as error:
        return str(error)
    return None


def parse_phrases(text: str) -> list[tuple[str, str]]:
    """Parse "category|phrase" lines ("#" starts a comment) into (category, phrase) pairs."""
    return [(r.category, r.text) for r in parse_rules(text)[1]]


def parse_rules(text: str) -> tuple[list[str], list[RuleText]]:
    """Parse a rules file into its word-list lines and its rules."""
    slot_lines: list[str] = []
    rules: list[RuleText] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("["):
            slot_lines.append(line)
            continue
        category, sep, rest = (part.strip() for part in line.partition("|"))
        weight = _WEIGHT_RE.search(rest)
        if weight:
            rest = rest[: weight.start()].strip()
        if not sep or not category or not rest:
            raise ValueError(f"line {number}: expected 'category|phrase', got {line!r}")
        rules.append(RuleText(category, rest, float(weight.group(1)) if weight else 1.0))
    return slot_lines, rules


@functools.cache
def _shipped() -> tuple[tuple[str, ...], tuple[RuleText, ...]]:
    path = resources.files("participation") / "data" / "safeguarding_phrases.txt"
    slot_lines, rules = parse_rules(path.read_text("utf-8"))
    unknown = {r.category for r in rules} - set(CATEGORIES)
    if unknown:
        raise ValueError(f"unknown safeguarding categories: {sorted(unknown)}")
    return tuple(slot_lines), tuple(rules)


@functools.cache
def default_slots() -> Mapping[str, tuple[Alt, ...]]:
    """The shipped word lists patterns may name as [slot]."""
    return parse_slots(_shipped()[0])


def word_lists() -> dict[str, str]:
    """The shipped word lists as written, by name, for staff to read."""
    lists = {}
    for line in _shipped()[0]:
        name, _, entries = line.partition("=")
        lists[name.strip().strip("[]")] = " ".join(entries.split())
    return lists


def default_rules() -> list[RuleText]:
    """Return the shipped rules (phrases and patterns, with their weights)."""
    return list(_shipped()[1])


def default_phrases() -> list[tuple[str, str]]:
    """Return the shipped (category, rule) pairs."""
    return [(r.category, r.text) for r in _shipped()[1]]


@functools.cache
def default_matcher() -> Matcher:
    """Return the compiled matcher for the shipped rules, with the corpus-trained word model."""
    return compile_matcher(_shipped()[1]).with_model(default_model())


def check_text(text: str, rules: Iterable[RuleText | tuple[str, str]] | None = None) -> list[Match]:
    """Return possible disclosures in text, using the shipped rules unless others are given."""
    matcher = default_matcher() if rules is None else compile_matcher(rules)
    return matcher.check(text)
