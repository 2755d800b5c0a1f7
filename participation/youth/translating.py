"""The templates' gettext: the request's translations are looked up once, not for every string.

Flask-Babel's template callables find the translations afresh for each string (several
context look-ups each time), which was about a fifth of the CPU of a young person's page
with its forty-odd strings. These keep them on `g` for the rest of the request. Code that
switches language part-way through a request (`force_locale`) must call `forget` on entering
and on leaving, as `participation.youth.wording.in_language` does.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g
from flask_babel import get_translations

_KEY = "_translations"


def _translations() -> Any:
    found = g.get(_KEY)
    if found is None:
        found = get_translations()
        setattr(g, _KEY, found)
    return found


def forget() -> None:
    """Look the translations up again on the next string (after a change of language)."""
    g.pop(_KEY, None)


def install(app: Flask) -> None:
    """Replace Flask-Babel's template gettext callables with the request-cached ones."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
