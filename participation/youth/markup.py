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

Whole pages that nothing entered can change (the consent page, the thanks page) are kept
too, with holes for what every visit has of its own: the form's CSRF token, the draft, the
withdrawal code. A page is kept only once its filled-in copy is found byte-identical to the
page drawn for that same request.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, get_template_attribute, render_template, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from participation.activities.snapshot import ActivityData
from participation.youth import preferences
from participation.youth.wording import shown_language

# Far more than one process meets between restarts (a few hundred bytes each).
MAX_KEPT = 5000
# Whole pages are larger (6–25 KB): a few per open activity and language is what is needed.
MAX_KEPT_PAGES = 300
CSRF_HOLE = "csrf_token"
# What a kept page's key may hold besides the activity: plain values, compared by equality.
_PLAIN = (bool, int, str, type(None))

_kept: dict[Hashable, Markup] = {}
_lock = threading.Lock()


def _version(activity: ActivityData | None) -> Hashable:
    # The creation time too, as the activity snapshot does: a reused id is another activity.
    if activity is None:
        return None
    return (activity.id, activity.content_version, activity.created_at)


def _keeping() -> bool:
    return bool(current_app.config.get("KEEP_QUESTION_MARKUP", True))


def _keep(store: dict[Hashable, Any], key: Hashable, value: Any, limit: int) -> None:
    # Emptied when full: what is still in use is drawn again on its next request.
    with _lock:
        if len(store) >= limit:
            store.clear()
        store[key] = value


def _kept_or_drawn(key: Hashable, draw: Callable[[], Markup]) -> Markup:
    if not _keeping():
        return draw()
    found = _kept.get(key)
    if found is None:
        found = draw()
        _keep(_kept, key, found, MAX_KEPT)
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


@dataclass(frozen=True)
class _HoledPage:
    """A page's markup cut at its holes: texts[0], hole[0], texts[1], …, texts[-1]."""

    texts: tuple[str, ...]
    holes: tuple[str, ...]

    def fill(self, values: Mapping[str, str]) -> str:
        """The page with each hole's value in place, escaped as the template escapes it."""
        escaped = {name: str(escape(value)) for name, value in values.items()}
        pieces = [self.texts[0]]
        for hole, text in zip(self.holes, self.texts[1:], strict=True):
            pieces += (escaped[hole], text)
        return "".join(pieces)


def kept_page(
    template: str, activity: ActivityData, holes: Mapping[str, str | None], **context: Any
) -> str:
    """A young person's page, drawn once per activity version and request shape, then filled.

    `holes` are the values of this visit alone (they must not change what else is drawn);
    `context` is the rest of what the template is given. The CSRF token is a hole on every
    kept page. Drawn afresh when keeping is off, a message is waiting to be shown, or the
    context holds anything but plain values.
    """
    # An empty hole (no withdrawal code, say) may change what is drawn around it: it is part
    # of the key instead.
    context = {**context, **{name: value for name, value in holes.items() if not value}}
    holes = {name: value for name, value in holes.items() if value}
    values = {**holes, CSRF_HOLE: generate_csrf()}

    def drawn() -> str:
        return render_template(template, activity=activity, **holes, **context)

    keyed = tuple(sorted(context.items()))
    if (
        not _keeping()
        or "_flashes" in session
        or not all(isinstance(value, _PLAIN) for _, value in keyed)
        or not all(isinstance(value, str) for value in holes.values())
    ):
        return drawn()
    key = (
        template,
        _version(activity),
        shown_language(),
        preferences.language(),
        preferences.easy_read(activity),
        preferences.colours(),
        request.script_root,
        request.path,
        request.method,
        tuple(sorted(holes)),
        keyed,
    )
    pages: dict[Hashable, _HoledPage] = current_app.extensions.setdefault("kept_pages", {})
    page = pages.get(key)
    if page is not None:
        return page.fill(values)
    page_now = drawn()
    holed = _draw_holed(template, activity, holes, context)
    # Identical, and each value only where its hole is (a value drawn some other way would
    # be kept for everyone).
    if holed.fill(values) == page_now and not any(
        value in text for value in values.values() for text in holed.texts
    ):
        _keep(pages, key, holed, MAX_KEPT_PAGES)
    else:
        current_app.logger.warning("kept page %s differs from the page drawn; not kept", template)
    return page_now


def _draw_holed(
    template: str, activity: ActivityData, holes: Mapping[str, Any], context: Mapping[str, Any]
) -> _HoledPage:
    """The page drawn with a random stand-in in each hole, cut where the stand-ins are."""
    stand_ins = {f"kept{secrets.token_hex(12)}": name for name in [*holes, CSRF_HOLE]}
    by_name = {name: stand_in for stand_in, name in stand_ins.items()}
    g.csrf_stand_in = by_name[CSRF_HOLE]  # what templating.csrf_token gives meanwhile
    try:
        markup = render_template(
            template, activity=activity, **{name: by_name[name] for name in holes}, **context
        )
    finally:
        g.pop("csrf_stand_in", None)
    # The stand-ins are random letters and digits: escaping leaves them as they are, and no
    # page holds them by chance. Split with a group: texts and hole stand-ins alternate.
    pieces = re.split(f"({'|'.join(stand_ins)})", markup)
    return _HoledPage(tuple(pieces[0::2]), tuple(stand_ins[s] for s in pieces[1::2]))


def forget_all() -> None:
    """Drop everything kept (tests)."""
    with _lock:
        _kept.clear()
