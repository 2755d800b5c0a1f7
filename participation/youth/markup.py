"""Parts of young people's pages drawn once per activity content version, then kept.

Drawing a question's inputs (faces, lamps, options in the shown language), the consent
statement, the help footer and the exit bar and switches at the top was the largest part of
rendering a young person's page. Before anything is entered, a question's markup depends only
on the question, the shown language, easy read and whether it is the page's heading; the
consent layers and the footer only on the activity, the language and a flag or two; the exit
bar and switches only on the language, the young person's choices and the address they post
to. An activity can only change with a new content version
(participation.activities.content_version), so each is drawn once per process and version.
A page with an answer or an error draws the question afresh.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app, get_template_attribute
from markupsafe import Markup

from participation.activities.snapshot import ActivityData
from participation.youth.wording import shown_language

# Far more than one process meets between restarts (a few hundred bytes each).
MAX_KEPT = 5000

_kept: dict[Hashable, Markup] = {}
_lock = threading.Lock()


def _version(activity: ActivityData | None) -> Hashable:
    # The creation time too, as the activity snapshot does: a reused id is another activity.
    if activity is None:
        return None
    return (activity.id, activity.content_version, activity.created_at)


def _kept_or_drawn(key: Hashable, draw: Callable[[], Markup]) -> Markup:
    if not current_app.config.get("KEEP_QUESTION_MARKUP", True):
        return draw()
    found = _kept.get(key)
    if found is None:
        found = draw()
        with _lock:
            if len(_kept) >= MAX_KEPT:
                _kept.clear()
            _kept[key] = found
    return found


def _macro(template: str, name: str, *args: Any, **kwargs: Any) -> Markup:
    drawn = get_template_attribute(template, name)(*args, **kwargs)
    # An autoescaping macro hands back Markup already: its text is escaped where drawn.
    assert isinstance(drawn, Markup)
    return drawn


def blank_question(
    activity: ActivityData, question: Any, *, easy: bool, heading: bool = False
) -> Markup:
    """The question's inputs with nothing entered, exactly as the component draws them."""
    key = ("question", _version(activity), question.id, shown_language(), bool(easy), heading)
    return _kept_or_drawn(
        key,
        lambda: _macro(
            "youth/components/question.html",
            "question_fields",
            question,
            None,
            {},
            heading=heading,
            easy=easy,
        ),
    )


def kept_part(activity: Any, template: str, name: str, *args: Hashable) -> Markup:
    """A macro's markup for the activity (None: no activity) and `args`, kept per version.

    The macro is called as name(activity, *args) and may only depend on those, the shown
    language and the activity's content (the consent layers, the help footer).
    """

    def draw() -> Markup:
        return _macro(template, name, activity, *args)

    if activity is not None and not isinstance(activity, ActivityData):
        return draw()  # an ORM activity may hold changes not yet given a version
    return _kept_or_drawn((template, name, _version(activity), shown_language(), args), draw)


def top_of_page(prefs: dict[str, Any], form_id: str | None, action: str) -> Markup:
    """The quick exit and the switches for these choices and this form."""
    key = ("top", shown_language(), prefs["lang"], prefs["easy"], prefs["colours"], form_id, action)
    return _kept_or_drawn(
        key,
        lambda: _macro("youth/components/switches.html", "top_of_page", prefs, form_id, action),
    )


def forget_all() -> None:
    """Drop everything kept (tests)."""
    with _lock:
        _kept.clear()
