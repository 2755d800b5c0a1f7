"""Linking-code cards: an A4 sheet of cards, each with a fresh code a young person can keep.

The codes are made as the sheet is printed and never stored or logged: only a young person
who types one ever gives it to the app, and then only its keyed hash is kept.
"""

from __future__ import annotations

from flask import render_template

from participation.outcomes.linking import new_card_code

CARDS_PER_SHEET = 10
MAX_SHEETS = 10
CARD_WORDS = (
    "Your code for linking your answers over time. Keep this card. You don't have to use it."
)
CARD_HOW = "Type it when you're asked for a linking code."


def fresh_codes(count: int) -> list[str]:
    """`count` new card codes, all different."""
    codes: list[str] = []
    seen: set[str] = set()
    while len(codes) < count:
        code = new_card_code()
        if code not in seen:
            seen.add(code)
            codes.append(code)
    return codes


def cards_html(service_name: str, sheets: int = 1) -> str:
    """Self-contained HTML for `sheets` A4 pages of cards, each with a fresh code."""
    sheets = min(max(sheets, 1), MAX_SHEETS)
    codes = fresh_codes(sheets * CARDS_PER_SHEET)
    pages = [
        codes[start : start + CARDS_PER_SHEET] for start in range(0, len(codes), CARDS_PER_SHEET)
    ]
    return render_template(
        "pdf/linking_cards.html",
        pages=pages,
        service_name=service_name,
        words=CARD_WORDS,
        how=CARD_HOW,
    )
