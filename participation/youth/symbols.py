"""Easy read's symbols: a small picture beside each option, drawn inline (no symbol service).

The symbol is chosen from the option's English label (and its Welsh one), so "Yes" gets a
tick and "At home with family" a house; an option no word matches gets a plain shape by its
place in the list, so neighbouring options still look different. The drawings are in
templates/youth/components/symbols.html, defined once per page and reused with <use>.
"""

from __future__ import annotations

import re

# (symbol, words that choose it), first match wins; whole words, English and Welsh.
_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("private", ("prefer not", "gwell gen i beidio", "rather not")),
    ("unsure", ("not sure", "don't know", "ddim yn siŵr", "ddim yn gwybod", "maybe", "efallai")),
    ("yes", ("yes", "ie", "ydw", "oes", "do")),
    ("no", ("no", "na", "nac ydw", "nac oes", "naddo")),
    ("home", ("home", "house", "family", "cartref", "teulu", "foster", "maeth", "housing", "tai")),
    ("school", ("school", "college", "learning", "ysgol", "coleg", "dysgu")),
    ("people", ("friend", "friends", "group", "ffrind", "ffrindiau", "grŵp", "people", "pobl")),
    ("person", ("worker", "staff", "me", "my own", "gweithiwr", "staff", "fi")),
    ("chat", ("talk", "chat", "say", "listen", "siarad", "sgwrs", "gwrando", "dweud")),
    ("phone", ("phone", "online", "app", "text", "ffôn", "ar-lein", "neges")),
    ("time", ("time", "when", "hour", "day", "week", "amser", "pryd", "diwrnod", "wythnos")),
    ("safe", ("safe", "safety", "diogel", "diogelwch")),
    ("star", ("fun", "activity", "activities", "trip", "hwyl", "gweithgaredd", "gweithgareddau")),
)
SHAPES = ("circle", "square", "triangle", "diamond", "hexagon")
SYMBOLS = tuple(name for name, _ in _WORDS) + SHAPES

_PATTERNS = tuple(
    (name, re.compile(r"(?<![\w'])(" + "|".join(map(re.escape, words)) + r")(?![\w'])", re.I))
    for name, words in _WORDS
)


def symbol_for(label: str, position: int = 0) -> str:
    """The symbol beside an option: one its words choose, else a shape by its place."""
    for name, pattern in _PATTERNS:
        if pattern.search(label):
            return name
    return SHAPES[position % len(SHAPES)]
