"""Unanswered questions' markup, kept per activity content version.

Drawing a question's inputs (faces, lamps, options in the shown language) was the largest
part of rendering a young person's page. Before anything is entered, that markup depends
only on the question, the shown language, easy read and whether the question is the page's
heading, and the question can only change with a new content version
(participation.activities.content_version), so it is drawn once per process and version.
A page with an answer or an error draws the question afresh.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import current_app, get_template_attribute
from markupsafe import Markup

from participation.youth.wording import shown_language

COMPONENT = "youth/components/question.html"
# Far more than one process meets between restarts (a few hundred bytes each).
MAX_KEPT = 5000

_kept: dict[tuple[Any, ...], Markup] = {}
_lock = threading.Lock()


def blank_question(activity: Any, question: Any, *, easy: bool, heading: bool = False) -> Markup:
    """The question's inputs with nothing entered, exactly as the component draws them."""
    if not current_app.config.get("KEEP_QUESTION_MARKUP", True):
        return _draw(question, easy, heading)
    # The creation time too, as the activity snapshot does: a reused id is another activity.
    key = (
        activity.id,
        activity.content_version,
        activity.created_at,
        question.id,
        shown_language(),
        bool(easy),
        heading,
    )
    found = _kept.get(key)
    if found is None:
        found = _draw(question, easy, heading)
        with _lock:
            if len(_kept) >= MAX_KEPT:
                _kept.clear()
            _kept[key] = found
    return found


def _draw(question: Any, easy: bool, heading: bool) -> Markup:
    fields = get_template_attribute(COMPONENT, "question_fields")
    drawn = fields(question, None, {}, heading=heading, easy=easy)
    # An autoescaping macro hands back Markup already: its text is escaped where drawn.
    assert isinstance(drawn, Markup)
    return drawn


def forget_all() -> None:
    """Drop everything kept (tests)."""
    with _lock:
        _kept.clear()
