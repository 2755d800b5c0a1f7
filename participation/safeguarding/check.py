"""Find possible safeguarding disclosures in free text, for a human to review."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import NamedTuple

CATEGORIES = (
    "immediate_danger",
    "self_harm",
    "sexual_exploitation_abuse",
    "going_missing",
    "violence",
)
EXCERPT_CONTEXT = 60  # characters either side of a match

# Flags go to a person, and a missed disclosure costs far more than a needless review, so
# matching is deliberately generous: only "inside another word" matches are ruled out.

_APOSTROPHES = "'\u2019\u2018\u02bc`\u00b4"
_ZERO_WIDTH = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
# Cyrillic and Greek look-alikes of Latin letters, which NFKC leaves alone.
_CONFUSABLES = str.maketrans("аеорсухіјѕԁһкмтвԛԝοαιν", "aeopcyxijsdhkmtbqwoaiv")
_TOKEN_RE = re.compile(r"(?:[^\W_]|[@$!|])+")
_EDGE_SYMBOLS = "@$!|"
_LEET = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
_ONE_AS = ("i", "l")  # "1" and "|" stand for either; the text is read both ways
_REPEATS = re.compile(r"([^\W\d_])\1+")
_MIN_JOINED = 6  # shorter run-together forms ("hehit") collide with real words

# Whole-token txt-speak, looked up before leetspeak so "b4" is not read as "ba".
_TXT = {
    "2": "to",
    "4": "for",
    "b": "be",
    "r": "are",
    "b4": "before",
    "2day": "today",
    "2nite": "tonight",
    "2nyt": "tonight",
    "2moro": "tomorrow",
    "2mrw": "tomorrow",
    "gr8": "great",
    "m8": "mate",
    "m8s": "mates",
    "h8": "hate",
    "l8r": "later",
    "w8": "wait",
    "sum1": "someone",
    "some1": "someone",
    "any1": "anyone",
    "no1": "no one",
    "ne1": "anyone",
}

# Variant spellings and contractions, mapped to one canonical token sequence on both sides.
_CANON_SOURCE = {
    "u": "you",
    "yu": "you",
    "ya": "you",
    "ur": "your",
    "yr": "your",
    "yor": "your",
    "youre": "you are",
    "im": "i am",
    "iam": "i am",
    "ima": "i am going to",
    "imma": "i am going to",
    "ive": "i have",
    "dont": "do not",
    "dnt": "do not",
    "didnt": "did not",
    "didn": "did not",
    "doesnt": "does not",
    "cant": "can not",
    "carnt": "can not",
    "cannot": "can not",
    "cnt": "can not",
    "wont": "will not",
    "wouldnt": "would not",
    "couldnt": "could not",
    "shouldnt": "should not",
    "isnt": "is not",
    "aint": "is not",
    "wasnt": "was not",
    "werent": "were not",
    "havent": "have not",
    "hasnt": "has not",
    "hadnt": "had not",
    "hes": "he is",
    "shes": "she is",
    "theyre": "they are",
    "theyll": "they will",
    "thats": "that is",
    "wanna": "want to",
    "wana": "want to",
    "wanta": "want to",
    "gonna": "going to",
    "gunna": "going to",
    "gona": "going to",
    "guna": "going to",
    "gotta": "got to",
    "hafta": "have to",
    "tryna": "trying to",
    "lemme": "let me",
    "gimme": "give me",
    "dunno": "do not know",
    "pls": "please",
    "plz": "please",
    "plez": "please",
    "cos": "because",
    "coz": "because",
    "cuz": "because",
    "bc": "because",
    "ppl": "people",
    "noone": "no one",
    "nobody": "no one",
    "anymore": "any more",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "pix": "pics",
    "pic": "pics",
    "piccies": "pics",
    "nudez": "nudes",
    "nudies": "nudes",
    "wiv": "with",
    "wiff": "with",
    "myself": "my self",
    "meself": "my self",
    "maself": "my self",
    "miself": "my self",
    "mself": "my self",
    "myslef": "my self",
    "yourself": "your self",
    "urself": "your self",
    "yaself": "your self",
    "yerself": "your self",
}

# Intensifiers and swearing carry no meaning for matching ("want to fucking die"); dropped on
# both sides.
_FILLERS_SOURCE = (
    "fucking fuckin fking fkin fkn fckin fcking effing bloody really rly literally actually "
    "just so totally honestly srsly seriously proper well even"
)


@dataclass(frozen=True)
class Match:
    """A phrase found in a text, with the words around it."""

    category: str
    phrase: str
    excerpt: str
    span: tuple[int, int] = field(default=(0, 0), compare=False)


class _Token(NamedTuple):
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class _Pattern:
    category: str
    phrase: str
    tokens: tuple[str, ...]
    prefix: tuple[bool, ...]


def _shape(token: str) -> str:
    token = _REPEATS.sub(r"\1", token)
    # "killin" and "killing" read the same; dropping the g on both sides makes them match.
    if len(token) >= 5 and token.endswith("ing"):
        token = token[:-1]
    return token


_CANON = {_shape(k): tuple(_shape(t) for t in v.split()) for k, v in _CANON_SOURCE.items()}
_FILLERS = frozenset(_shape(w) for w in _FILLERS_SOURCE.split())


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _APOSTROPHES or ch in _ZERO_WIDTH:
        return ""
    out = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", ch).casefold())
    out = "".join(c for c in out if not unicodedata.combining(c))
    return out.translate(_CONFUSABLES)


def _fold(text: str) -> tuple[str, list[int] | None]:
    """Return the folded text and, unless it is the identity, each character's source index."""
    if text.isascii() and "'" not in text and "`" not in text:
        return text.lower(), None
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        chars.append(folded)
        origin.extend([i] * len(folded))
    return "".join(chars), origin


def _raw_tokens(folded: str, origin: list[int] | None) -> list[_Token]:
    tokens = []
    for m in _TOKEN_RE.finditer(folded):
        text = m.group().strip(_EDGE_SYMBOLS)
        if not text:
            # A lone "@" is "at" ("sleeping @ his"); other lone symbols are punctuation.
            if m.group() == "@":
                text = "at"
            else:
                continue
        start, end = m.start(), m.end()
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        tokens.append(_Token(text, start, end))
    return tokens


def _join_spelled_out(tokens: list[_Token]) -> list[_Token]:
    """Join runs of three or more single letters: "k.i.l.l" or "d i e" becomes one token."""
    out: list[_Token] = []
    run: list[_Token] = []
    for tok in [*tokens, _Token("", 0, 0)]:
        if len(tok.text) == 1 and tok.text.isalpha():
            run.append(tok)
            continue
        if len(run) >= 3:
            out.append(_Token("".join(t.text for t in run), run[0].start, run[-1].end))
        else:
            out.extend(run)
        run = []
        if tok.text:
            out.append(tok)
    return out


def _deleet(token: str, one_as: str) -> str:
    if token in _TXT:
        return _TXT[token]
    if token.isdigit() or token.isalpha():
        return token
    return "".join(_LEET.get(c, one_as if c in "1|" else c) for c in token)


@functools.lru_cache(maxsize=16384)
def _normalise_word(word: str, one_as: str) -> tuple[str, ...]:
    parts: list[str] = []
    for piece in _deleet(word, one_as).split():
        shaped = _shape(piece)
        parts.extend(p for p in _CANON.get(shaped, (shaped,)) if p not in _FILLERS)
    return tuple(parts)


def _normalise(tokens: list[_Token], one_as: str) -> list[_Token]:
    return [
        _Token(part, tok.start, tok.end)
        for tok in tokens
        for part in _normalise_word(tok.text, one_as)
    ]


def _views(text: str) -> Iterator[list[_Token]]:
    """Yield the token readings of text worth matching (usually just one)."""
    folded, origin = _fold(text)
    raw = _raw_tokens(folded, origin)
    joined = _join_spelled_out(raw)
    readings = [raw] if len(joined) == len(raw) else [raw, joined]
    ambiguous_one = "1" in folded or "|" in folded
    for tokens in readings:
        for one_as in _ONE_AS if ambiguous_one else _ONE_AS[:1]:
            yield _normalise(tokens, one_as)


def _phrase_tokens(phrase: str) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    tokens: list[str] = []
    prefix: list[bool] = []
    for word in phrase.split():
        raw = _raw_tokens(*_fold(word.rstrip("*")))
        if word.endswith("*"):
            # A wildcard stem is kept as typed (not expanded), so "pic*" still reaches "pictures".
            stem = _shape(_deleet(raw[-1].text, "i")) if len(raw) == 1 else ""
            if len(stem) < 3 or not stem.isalnum():
                raise ValueError(f"a wildcard needs one word of 3+ letters before it: {phrase!r}")
            tokens.append(stem)
            prefix.append(True)
            continue
        parts = [t.text for t in _normalise(raw, "i")]
        tokens.extend(parts)
        prefix.extend([False] * len(parts))
    if not tokens:
        raise ValueError(f"phrase has no words to match: {phrase!r}")
    return tuple(tokens), tuple(prefix)


class Matcher:
    """A compiled set of phrases; call check(text) to find them."""

    def __init__(self, patterns: Iterable[_Pattern]) -> None:
        self._exact: dict[str, list[_Pattern]] = defaultdict(list)
        self._prefix: dict[str, list[_Pattern]] = defaultdict(list)
        for p in patterns:
            if p.prefix[0]:
                self._prefix[p.tokens[0][:3]].append(p)
            else:
                self._exact[p.tokens[0]].append(p)

    def _candidates(self, token: str) -> Iterator[_Pattern]:
        yield from self._exact.get(token, ())
        for p in self._prefix.get(token[:3], ()):
            if token.startswith(p.tokens[0]):
                yield p

    def check(self, text: str) -> list[Match]:
        """Return the phrases found in text, each once, in the order they first appear."""
        if not text:
            return []
        found: dict[tuple[str, str], Match] = {}
        for tokens in _views(text):
            for i, tok in enumerate(tokens):
                for p in self._candidates(tok.text):
                    key = (p.category, p.phrase)
                    if key in found or not _matches_at(p, tokens, i):
                        continue
                    start, end = tok.start, tokens[i + len(p.tokens) - 1].end
                    found[key] = Match(
                        p.category, p.phrase, _excerpt(text, start, end), (start, end)
                    )
        return sorted(found.values(), key=lambda m: m.span)


def _matches_at(p: _Pattern, tokens: list[_Token], i: int) -> bool:
    if i + len(p.tokens) > len(tokens):
        return False
    for j, (want, is_prefix) in enumerate(zip(p.tokens, p.prefix, strict=True)):
        got = tokens[i + j].text
        if not (got.startswith(want) if is_prefix else got == want):
            return False
    return True


def _excerpt(text: str, start: int, end: int) -> str:
    lo, hi = max(0, start - EXCERPT_CONTEXT), min(len(text), end + EXCERPT_CONTEXT)
    # Widen to whole words so the excerpt does not begin or end mid-word.
    while lo > 0 and not text[lo - 1].isspace() and start - lo < EXCERPT_CONTEXT + 20:
        lo -= 1
    while hi < len(text) and not text[hi].isspace() and hi - end < EXCERPT_CONTEXT + 20:
        hi += 1
    body = " ".join(text[lo:hi].split())
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


def compile_matcher(phrases: Iterable[tuple[str, str]]) -> Matcher:
    """Compile (category, phrase) pairs into a Matcher; "*" ends a word that may continue."""
    explicit: list[_Pattern] = []
    joined: list[_Pattern] = []
    for category, phrase in phrases:
        tokens, prefix = _phrase_tokens(phrase)
        explicit.append(_Pattern(category, phrase, tokens, prefix))
        run_together = _shape("".join(tokens))
        # Run-together spellings ("killmyself", "#wanttodie") come for free; inner wildcards
        # match only their stem there.
        if len(tokens) > 1 and len(run_together) >= _MIN_JOINED:
            joined.append(_Pattern(category, phrase, (run_together,), (prefix[-1],)))
    patterns: dict[tuple[str, tuple[str, ...], tuple[bool, ...]], _Pattern] = {}
    for p in explicit + joined:  # a phrase as written wins over another's run-together form
        patterns.setdefault((p.category, p.tokens, p.prefix), p)
    return Matcher(patterns.values())


def phrase_error(phrase: str) -> str | None:
    """Return why phrase cannot be matched (for form validation), or None if it is fine."""
    try:
        _phrase_tokens(phrase)
    except ValueError as error:
        return str(error)
    return None


def parse_phrases(text: str) -> list[tuple[str, str]]:
    """Parse "category|phrase" lines ("#" starts a comment) into (category, phrase) pairs."""
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        category, sep, phrase = (part.strip() for part in line.partition("|"))
        if not sep or not category or not phrase:
            raise ValueError(f"line {number}: expected 'category|phrase', got {line!r}")
        pairs.append((category, phrase))
    return pairs


@functools.cache
def _default_phrases() -> tuple[tuple[str, str], ...]:
    path = resources.files("participation") / "data" / "safeguarding_phrases.txt"
    pairs = parse_phrases(path.read_text("utf-8"))
    unknown = {c for c, _ in pairs} - set(CATEGORIES)
    if unknown:
        raise ValueError(f"unknown safeguarding categories: {sorted(unknown)}")
    return tuple(pairs)


def default_phrases() -> list[tuple[str, str]]:
    """Return the shipped (category, phrase) pairs."""
    return list(_default_phrases())


@functools.cache
def default_matcher() -> Matcher:
    """Return the compiled matcher for the shipped phrases."""
    return compile_matcher(_default_phrases())


def check_text(text: str, phrases: Iterable[tuple[str, str]] | None = None) -> list[Match]:
    """Return possible disclosures in text, using the shipped phrases unless others are given."""
    matcher = default_matcher() if phrases is None else compile_matcher(phrases)
    return matcher.check(text)
