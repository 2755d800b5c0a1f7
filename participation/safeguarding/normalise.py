"""Read free text the way a young person meant it: one canonical token per word.

Spelling variants, txt-speak, leetspeak ("k1ll"), look-alike letters from other alphabets,
accents, repeated letters ("diiie"), spelled-out letters ("k.i.l.l") and contractions are all
folded away, and every token keeps where it came from in the original text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

_APOSTROPHES = "'\u2019\u2018\u02bc`\u00b4"
_ZERO_WIDTH = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
# Cyrillic and Greek look-alikes of Latin letters, which NFKC leaves alone.
_CONFUSABLES = str.maketrans("аеорсухіјѕԁһкмтвԛԝοαιν", "aeopcyxijsdhkmtbqwoaiv")
_TOKEN_RE = re.compile(r"(?:[^\W_]|[@$!|])+")
_EDGE_SYMBOLS = "@$!|"
# A full stop ends a sentence only before a space: "k.i.l.l" is one spelled-out word.
_SENTENCE_END = re.compile(r"\.\s|[!?\n]")
_CLAUSE_END = re.compile(r"\.\s|[!?\n,;:()\"]")
_LEET = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
ONE_AS = ("i", "l")  # "1" and "|" stand for either; the text is read both ways
_REPEATS = re.compile(r"([^\W\d_])\1+")
MIN_JOINED = 6  # shorter run-together forms ("hehit") collide with real words

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
    "every1": "everyone",
    "evry1": "everyone",
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
    "ill": "i will",
    "id": "i would",
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
    "wudnt": "would not",
    "wud": "would",
    "wld": "would",
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
    "theyve": "they have",
    "hell": "he will",
    "shell": "she will",
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
    "cause": "because",
    "bc": "because",
    "ppl": "people",
    "noone": "no one",
    "nobody": "no one",
    "nobodys": "no one",
    "anymore": "any more",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "bff": "best friend",
    "bfs": "boyfriend",
    "gfs": "girlfriend",
    "bestie": "best friend",
    "bestfriend": "best friend",
    "pix": "pics",
    "pic": "pics",
    "piccies": "pics",
    "nudez": "nudes",
    "nudies": "nudes",
    "abt": "about",
    "bout": "about",
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
    "herself": "her self",
    "himself": "him self",
    "themselves": "them self",
    "themself": "them self",
    "rn": "right now",
    "tn": "tonight",
    "stepdad": "step dad",
    "stepmum": "step mum",
    "stepmom": "step mum",
    "mum": "mum",
    "mom": "mum",
    "mam": "mum",
    "mummy": "mum",
    "mums": "mum",
    "dads": "dad",
    "daddy": "dad",
    "mate": "mate",
    "mates": "mates",
    "av": "have",
    "hav": "have",
    "wot": "what",
    "wat": "what",
    "wht": "what",
    "kno": "know",
    "knw": "know",
    "wen": "when",
    "dat": "that",
    "tht": "that",
    "dem": "them",
    "dey": "they",
    "nd": "and",
    "shud": "should",
    "cud": "could",
    "becos": "because",
    "becoz": "because",
    "becuz": "because",
    "bcos": "because",
    "bcoz": "because",
    "cus": "because",
    "sumthin": "something",
    "smth": "something",
    "sumone": "someone",
    "nuffin": "nothing",
    "nuthin": "nothing",
    "luv": "love",
}

# Intensifiers and swearing carry no meaning for matching ("want to fucking die"); dropped on
# both sides.
_FILLERS_SOURCE = (
    "fucking fuckin fking fkin fkn fckin fcking effing bloody really rly literally actually "
    "just so totally honestly srsly seriously proper well even like"
)


class Token(NamedTuple):
    """One canonical word of a text: where it came from, and which sentence and clause."""

    text: str
    start: int
    end: int
    sentence: int = 0
    clause: int = 0


def shape(token: str) -> str:
    """Squash repeated letters and the final g of "-ing", the same for text and phrases."""
    token = _REPEATS.sub(r"\1", token)
    # "killin" and "killing" read the same; dropping the g on both sides makes them match.
    if len(token) >= 5 and token.endswith("ing"):
        token = token[:-1]
    return token


_CANON = {shape(k): tuple(shape(t) for t in v.split()) for k, v in _CANON_SOURCE.items()}
# Squashing repeated letters makes "bff" read "bf": a word written as listed keeps its meaning.
_CANON_AS_WRITTEN = {k: tuple(shape(t) for t in v.split()) for k, v in _CANON_SOURCE.items()}
_FILLERS = frozenset(shape(w) for w in _FILLERS_SOURCE.split())


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _APOSTROPHES or ch in _ZERO_WIDTH:
        return ""
    out = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", ch).casefold())
    out = "".join(c for c in out if not unicodedata.combining(c))
    return out.translate(_CONFUSABLES)


# "mum's", "heating's", "tonight's": the 's goes, so the word reads as itself. After these
# words it stands for "is" and is kept ("he's" reads "he is").
_POSSESSIVE_S = re.compile(r"(\w+)['\u2019\u02bc`]s\b", re.IGNORECASE)
_S_MEANS_IS = frozenset(
    ["he", "she", "it", "that", "what", "there", "who", "where", "here", "let", "how", "when"]
)


def _possessives(text: str) -> set[int]:
    """Indexes of the "s" of each "'s" that marks a possessive (or "has"), to be dropped."""
    return {
        m.end() - 1 for m in _POSSESSIVE_S.finditer(text) if m.group(1).lower() not in _S_MEANS_IS
    }


def fold(text: str) -> tuple[str, list[int] | None]:
    """Return the folded text and, unless it is the identity, each character's source index."""
    if text.isascii() and "'" not in text and "`" not in text:
        return text.lower(), None
    dropped = _possessives(text)
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = "" if i in dropped else _fold_char(ch)
        chars.append(folded)
        origin.extend([i] * len(folded))
    return "".join(chars), origin


def raw_tokens(folded: str, origin: list[int] | None) -> list[Token]:
    """Split folded text into word tokens, each marked with its sentence and clause."""
    tokens = []
    sentence = clause = 0
    last = 0
    for m in _TOKEN_RE.finditer(folded):
        between = folded[last : m.start()]
        last = m.end()
        if _CLAUSE_END.search(between) or (between and not between.isascii()):
            clause += 1  # punctuation or an emoji ends a clause
            if _SENTENCE_END.search(between):
                sentence += 1
        text = m.group().strip(_EDGE_SYMBOLS)
        if not text:
            # A lone "@" is "at" ("sleeping @ his"); other lone symbols are punctuation.
            if m.group() != "@":
                clause += 1
                continue
            text = "at"
        start, end = m.start(), m.end()
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        tokens.append(Token(text, start, end, sentence, clause))
    return tokens


def _join_spelled_out(tokens: list[Token]) -> list[Token]:
    """Join runs of three or more single letters: "k.i.l.l" or "d i e" becomes one token."""
    out: list[Token] = []
    run: list[Token] = []
    for tok in [*tokens, Token("", 0, 0)]:
        if len(tok.text) == 1 and tok.text.isalpha():
            run.append(tok)
            continue
        if len(run) >= 3:
            first = run[0]
            out.append(Token("".join(t.text for t in run), first.start, run[-1].end, *first[3:]))
        else:
            out.extend(run)
        run = []
        if tok.text:
            out.append(tok)
    return out


def deleet(token: str, one_as: str) -> str:
    """Read digits and symbols inside a word as the letters they stand for."""
    if token in _TXT:
        return _TXT[token]
    if token.isdigit() or token.isalpha():
        return token
    return "".join(_LEET.get(c, one_as if c in "1|" else c) for c in token)


@functools.lru_cache(maxsize=16384)
def normalise_word(word: str, one_as: str) -> tuple[str, ...]:
    """The canonical tokens one written word stands for (none for a filler word)."""
    parts: list[str] = []
    for piece in deleet(word, one_as).split():
        shaped = shape(piece)
        canon = _CANON_AS_WRITTEN.get(piece) or _CANON.get(shaped, (shaped,))
        parts.extend(p for p in canon if p not in _FILLERS)
    return tuple(parts)


def normalise(tokens: list[Token], one_as: str) -> list[Token]:
    """Replace each token by its canonical tokens, keeping positions."""
    return [tok._replace(text=part) for tok in tokens for part in normalise_word(tok.text, one_as)]


def views(text: str) -> Iterator[list[Token]]:
    """Yield the token readings of text worth matching (usually just one)."""
    folded, origin = fold(text)
    raw = raw_tokens(folded, origin)
    joined = _join_spelled_out(raw)
    readings = [raw] if len(joined) == len(raw) else [raw, joined]
    # Only a "1" or "|" inside a word ("k1ll") is read both ways; plain numbers are numbers.
    ambiguous_one = ("1" in folded or "|" in folded) and any(
        ("1" in t.text or "|" in t.text) and not t.text.isdigit() for t in raw
    )
    for tokens in readings:
        for one_as in ONE_AS if ambiguous_one else ONE_AS[:1]:
            yield normalise(tokens, one_as)
