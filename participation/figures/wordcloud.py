"""A word cloud of short written answers, drawn on the server as SVG (no JavaScript).

Words are counted after stop words are removed, sized by how often they appear and set
out in centred lines, largest first. The same answers always give the same picture, so
the screen does not jump about when it refreshes, and it prints as it shows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 1200
MIN_SIZE, MAX_SIZE = 30, 96
GAP = 28
LINE_GAP = 14
MAX_WORDS = 30
CHAR_WIDTH = 0.62  # of the font size; generous, as the server has no font metrics
FILLS = ("#0b0c0c", "#1d70b8", "#00703c", "#912b88")  # each at least 4.5:1 on white
FONT_FAMILY = "Arial, Helvetica, sans-serif"

# Common English words that say little on their own (kept to short, everyday ones).
_STOP_WORDS_TEXT = """
a about above after again all also am an and any are as at be because been before being
below both but by can could did do does doing don dont down during each few for from
further get got had has have having he her here hers him his how i if im in into is it
its itself just like me more most my no nor not now of off on once only or other our
ours out over own really same she should so some such than that thats the their them
then there these they this those through to too under until up very was we were what
when where which while who whom why will with would you your yours yourself
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@dataclass(frozen=True)
class Word:
    """One word of the cloud, how often it was written and where it is drawn."""

    text: str
    count: int
    size: int
    x: float = 0.0
    y: float = 0.0
    fill: str = FILLS[0]


def word_counts(answers: Iterable[str], limit: int = MAX_WORDS) -> list[tuple[str, int]]:
    """The most written words (lower case, stop words removed), most often first, then A-Z."""
    counts: Counter[str] = Counter()
    for answer in answers:
        for raw in _WORD.findall(answer.casefold()):
            word = raw.replace("’", "'")
            if len(word) > 1 and word.replace("'", "") not in STOP_WORDS:
                counts[word] += 1
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]


def _size(count: int, top: int) -> int:
    if top <= 1:
        return (MIN_SIZE + MAX_SIZE) // 2
    return round(MIN_SIZE + (MAX_SIZE - MIN_SIZE) * (count - 1) / (top - 1))


def _width(word: Word) -> float:
    return len(word.text) * word.size * CHAR_WIDTH


def layout(counts: list[tuple[str, int]], width: int = WIDTH) -> tuple[list[Word], float]:
    """Place the words in centred lines, largest first; returns the words and the height."""
    top = counts[0][1] if counts else 0
    words = [
        # A long word is made smaller rather than run off the edge.
        Word(
            text,
            count,
            min(_size(count, top), int(width / (len(text) * CHAR_WIDTH))),
            fill=FILLS[i % len(FILLS)],
        )
        for i, (text, count) in enumerate(counts)
    ]
    lines: list[list[Word]] = []
    for word in words:
        line = lines[-1] if lines else None
        used = sum(_width(w) + GAP for w in line) if line else 0
        if line is None or used + _width(word) > width:
            lines.append([word])
        else:
            line.append(word)
    placed: list[Word] = []
    y = 0.0
    for line in lines:
        tallest = max(w.size for w in line)
        y += tallest
        used = sum(_width(w) for w in line) + GAP * (len(line) - 1)
        x = (width - used) / 2
        for word in line:
            placed.append(Word(word.text, word.count, word.size, x, y, word.fill))
            x += _width(word) + GAP
        y += LINE_GAP + tallest * 0.25
    return placed, y


def word_cloud_svg(answers: Iterable[str], *, title: str, cloud_id: str) -> Markup:
    """The cloud as an inline SVG; its words and counts are also in its description."""
    words, height = layout(word_counts(answers))
    if not words:
        return Markup("")
    desc = "; ".join(
        f"{w.text}: written {w.count} {'time' if w.count == 1 else 'times'}" for w in words
    )
    texts = "".join(
        f'<text x="{w.x:.0f}" y="{w.y:.0f}" font-size="{w.size}" fill="{w.fill}">'
        f"{escape(w.text)}</text>"
        for w in words
    )
    cid = escape(cloud_id)
    # Every interpolated text is escaped; the rest are numbers and constants.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="word-cloud" role="img" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" aria-labelledby="{cid}-title" '
        f'aria-describedby="{cid}-desc" font-family="{FONT_FAMILY}" font-weight="bold">'
        f'<title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(desc)}</desc>{texts}</svg>'
    )
