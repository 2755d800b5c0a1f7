"""A young person's own choices for the pages: language, easy read and colours.

They live in the signed session cookie, which identifies nobody, and change with a button
on every page. On a page that carries answers the buttons post that page's form, so
switching never loses an answer; elsewhere they reload the page with `?lang=cy` and so on.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request, session

ENGLISH, WELSH = "en", "cy"
# The interface languages, each named in itself (what the switch offers).
LANGUAGES = {ENGLISH: "English", WELSH: "Cymraeg"}
SECOND_LANGUAGE = WELSH
AUTO, LIGHT, DARK, HIGH = "auto", "light", "dark", "high"
COLOURS = (AUTO, LIGHT, DARK, HIGH)
CHOICES = ("lang", "easy", "colours")


def remember_choices() -> None:
    """Keep any choice this request makes (a switch was pressed) for the rest of the visit."""
    values = request.values
    lang = values.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
    easy = values.get("easy")
    if easy in ("on", "off"):
        session["easy"] = easy == "on"
    colours = values.get("colours")
    if colours == AUTO and "colours" in session:
        session.pop("colours")
    elif colours in COLOURS:
        session["colours"] = colours


def switch_pressed() -> bool:
    """Whether this post was a language or display switch rather than Next, Back or Send."""
    return any(name in request.form for name in CHOICES)


def language() -> str:
    """The language the young person chose ("en" unless they switched)."""
    if not has_request_context():
        return ENGLISH
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else ENGLISH


def locale_for_request() -> str:
    """Flask-Babel's locale: the young person's language on their pages, English for staff."""
    if request.blueprint == "youth":
        return language()
    return ENGLISH


def easy_read(activity: Any = None) -> bool:
    """Whether to show easy read: the young person's switch, else the activity's setting."""
    chosen = session.get("easy") if has_request_context() else None
    if isinstance(chosen, bool):
        return chosen
    return bool(getattr(activity, "easy_read", False))


def colours() -> str:
    """The colours chosen ("auto" follows the phone's dark and high-contrast settings)."""
    chosen = session.get("colours") if has_request_context() else None
    return chosen if chosen in COLOURS else AUTO


def page_settings(activity: Any = None) -> dict[str, Any]:
    """What a young person's page needs to draw itself and its switches."""
    lang = language()
    return {
        "lang": lang,
        "other_lang": WELSH if lang == ENGLISH else ENGLISH,
        "languages": LANGUAGES,
        "easy": easy_read(activity),
        "colours": colours(),
    }
