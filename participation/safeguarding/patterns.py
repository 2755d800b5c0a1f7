"""Rules the check looks for: plain phrases, or patterns with slots, choices and gaps.

A rule is written as words in order. Besides plain words it may use:

- ``word*``: the word and any longer word starting with it ("kill*" is killed, killing...);
- ``[slot]``: any entry of a named word list, such as ``[coerce]`` (made, forced, ...);
- ``(a/b c/d*)``: one of the choices written between the brackets (``|`` also separates);
- ``...``: up to five other words in between;
- a trailing ``?`` on a word, slot or choice: it may be left out.

Every part is read with the same spelling rules as the text, so "dont" and "do not" are one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from participation.safeguarding.normalise import (
    MIN_JOINED,
    Token,
    deleet,
    fold,
    normalise,
    raw_tokens,
    shape,
)

GAP_WORDS = 5
_MAX_SPELLINGS = 64  # beyond this, a rule is not also matched written as one word
_PART_RE = re.compile(r"\([^)]*\)\??|\[[^\]]*\]\??|\.\.\.|[^\s(\[]+")
_SLOT_NAME = re.compile(r"[a-z_]{2,30}")

# One written alternative: its canonical tokens, and which of them are wildcard stems.
Alt = tuple[tuple[str, ...], tuple[bool, ...]]


class PatternError(ValueError):
    """A rule that cannot be read, with the reason in plain words."""


@dataclass(frozen=True)
class Part:
    """One position of a rule: a choice of alternatives, or a gap of up to `gap` words."""

    alts: tuple[Alt, ...] = ()
    optional: bool = False
    gap: int = 0
    # Alternatives by their first word, and those starting with a wildcard: a long word list
    # is then tried only where its first word is.
    by_first: dict[str, tuple[Alt, ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )
    by_stem: dict[str, tuple[Alt, ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def __post_init__(self) -> None:
        by_first: dict[str, list[Alt]] = {}
        by_stem: dict[str, list[Alt]] = {}
        for alt in self.alts:
            word, wild = alt[0][0], alt[1][0]
            if not wild:
                by_first.setdefault(word, []).append(alt)
                continue
            for key in dict.fromkeys(stem_keys(word)):
                by_stem.setdefault(key, []).append(alt)
        object.__setattr__(self, "by_first", {k: tuple(v) for k, v in by_first.items()})
        object.__setattr__(self, "by_stem", {k: tuple(v) for k, v in by_stem.items()})

    def alts_at(self, word: str) -> tuple[Alt, ...]:
        """The alternatives that may start at a token reading `word`."""
        exact = self.by_first.get(word, ())
        wild = self.by_stem.get(word[:3], ())
        return exact + wild if wild else exact


def stem_keys(stem: str) -> tuple[str, ...]:
    """The three-letter beginnings of words a wildcard stem can match (see stem_matches)."""
    if stem.endswith("e"):
        return stem[:3], (stem[:-1] + "in")[:3]
    return (stem[:3],)


@dataclass(frozen=True)
class Rule:
    """A compiled rule: its category, the text as written, its parts and its weight."""

    category: str
    source: str
    parts: tuple[Part, ...]
    weight: float = 1.0
    exception: bool = False


def is_pattern(text: str) -> bool:
    """Whether `text` uses pattern syntax (slots, choices or gaps) rather than plain words."""
    return any(mark in text for mark in ("[", "(", "..."))


def phrase_alt(phrase: str) -> Alt:
    """Compile plain words (with optional trailing "*" wildcards) into one alternative."""
    tokens: list[str] = []
    prefix: list[bool] = []
    for word in phrase.split():
        raw = raw_tokens(*fold(word.rstrip("*")))
        if word.endswith("*"):
            # A wildcard stem is kept as typed (not expanded), so "pic*" still reaches "pictures".
            stem = shape(deleet(raw[-1].text, "i")) if len(raw) == 1 else ""
            if len(stem) < 3 or not stem.isalnum():
                raise PatternError(f"a wildcard needs one word of 3+ letters before it: {phrase!r}")
            tokens.append(stem)
            prefix.append(True)
            continue
        parts = [t.text for t in normalise(raw, "i")]
        tokens.extend(parts)
        prefix.extend([False] * len(parts))
    if not tokens:
        raise PatternError(f"phrase has no words to match: {phrase!r}")
    return tuple(tokens), tuple(prefix)


def parse_slots(lines: Iterable[str]) -> dict[str, tuple[Alt, ...]]:
    """Read "[name] = entry, entry, ..." lines into compiled word lists."""
    slots: dict[str, tuple[Alt, ...]] = {}
    for line in lines:
        name, sep, entries = line.partition("=")
        name = name.strip().strip("[]").strip()
        if not sep or not _SLOT_NAME.fullmatch(name):
            raise PatternError(f"expected '[name] = entry, entry': {line!r}")
        alts = [phrase_alt(entry.strip()) for entry in entries.split(",") if entry.strip()]
        slots[name] = tuple(dict.fromkeys(alts))
    return slots


def _part(piece: str, slots: Mapping[str, tuple[Alt, ...]]) -> Part:
    optional = piece.endswith("?") and len(piece) > 1
    body = piece[:-1] if optional else piece
    if body.startswith("["):
        name = body.strip("[]").strip()
        if name not in slots:
            known = ", ".join(sorted(slots))
            raise PatternError(f"there is no word list called [{name}] (there are: {known})")
        return Part(slots[name], optional)
    if body.startswith("("):
        choices = [c.strip() for c in re.split(r"[/|]", body.strip("()")) if c.strip()]
        if not choices:
            raise PatternError(f"the choice {piece!r} is empty")
        return Part(tuple(phrase_alt(c) for c in choices), optional)
    return Part((phrase_alt(body),), optional)


def compile_rule(
    category: str,
    source: str,
    slots: Mapping[str, tuple[Alt, ...]],
    weight: float = 1.0,
    exception: bool = False,
) -> Rule:
    """Compile one written rule; raise PatternError saying why it cannot be used."""
    text = " ".join(source.split())
    if not is_pattern(text):
        return Rule(category, text, (Part((phrase_alt(text),)),), weight, exception)
    parts: list[Part] = []
    for piece in _PART_RE.findall(text):
        if piece == "...":
            if not parts or parts[-1].gap:
                raise PatternError("a gap (...) must come between two words")
            parts.append(Part(gap=GAP_WORDS))
        else:
            parts.append(_part(piece, slots))
    if not parts or parts[-1].gap:
        raise PatternError("a gap (...) must come between two words")
    if all(p.optional or p.gap for p in parts):
        raise PatternError("a pattern needs at least one word that must be there")
    if parts[0].optional:
        raise PatternError("a pattern cannot start with a part that may be left out")
    return Rule(category, text, tuple(parts), weight, exception)


def _spellings(parts: tuple[Part, ...]) -> list[Alt] | None:
    """Every way the parts can be written out, or None if there are gaps or too many."""
    spellings: list[Alt] = [((), ())]
    for part in parts:
        if part.gap:
            return None
        options = [*part.alts, ((), ())] if part.optional else list(part.alts)
        spellings = [(t + o[0], p + o[1]) for t, p in spellings for o in options]
        if len(spellings) > _MAX_SPELLINGS:
            return None
    return spellings


def run_together(rule: Rule) -> Rule | None:
    """The rule for its words written as one ("killmyself", "#wanttodie"), if long enough."""
    spellings = _spellings(rule.parts)
    if spellings is None:
        return None
    alts: list[Alt] = []
    for tokens, prefix in spellings:
        joined = shape("".join(tokens))
        if len(tokens) > 1 and len(joined) >= MIN_JOINED:
            # Inner wildcards match only their stem in the joined-up form.
            alts.append(((joined,), (prefix[-1],)))
    if not alts:
        return None
    return Rule(rule.category, rule.source, (Part(tuple(dict.fromkeys(alts))),), rule.weight)


def stem_matches(token: str, stem: str) -> bool:
    """Whether a word continues a wildcard stem; "share*" also reaches "sharing" ("sharin")."""
    if token.startswith(stem):
        return True
    return stem.endswith("e") and token.startswith(stem[:-1] + "in")


def _alt_at(alt: Alt, tokens: list[Token], i: int) -> int:
    words, prefix = alt
    if i + len(words) > len(tokens):
        return -1
    for j, want in enumerate(words):
        got = tokens[i + j].text
        if not (stem_matches(got, want) if prefix[j] else got == want):
            return -1
    return i + len(words)


def match_parts(
    parts: tuple[Part, ...], k: int, tokens: list[Token], i: int, used: list[int]
) -> int:
    """Match parts[k:] from token i; return the end index (or -1), filling `used` tokens."""
    if k == len(parts):
        return i
    part = parts[k]
    if part.gap:
        sentence = tokens[i - 1].sentence
        for skip in range(part.gap + 1):
            if i + skip > len(tokens) or tokens[i + skip - 1].sentence != sentence:
                break
            end = match_parts(parts, k + 1, tokens, i + skip, used)
            if end >= 0:
                return end
        return -1
    if i >= len(tokens):
        return match_parts(parts, k + 1, tokens, i, used) if part.optional else -1
    for alt in part.alts_at(tokens[i].text):
        after = _alt_at(alt, tokens, i)
        if after < 0:
            continue
        mark = len(used)
        used.extend(range(i, after))
        end = match_parts(parts, k + 1, tokens, after, used)
        if end >= 0:
            return end
        del used[mark:]
    return match_parts(parts, k + 1, tokens, i, used) if part.optional else -1


def first_words(rule: Rule) -> Iterable[tuple[str, bool]]:
    """The (first token, is wildcard) pairs a rule can start with, for indexing."""
    for tokens, prefix in rule.parts[0].alts:
        yield tokens[0], prefix[0]
