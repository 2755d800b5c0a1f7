"""The templates' gettext: the request's language and translations are looked up once.

Flask-Babel's template callables find the translations afresh for each string (several
context look-ups each time), which was about a fifth of the CPU of a young person's page
with its forty-odd strings. These keep them on `g` for the rest of the request, and keep
each language's catalogue for the app, so a request only asks the locale selector which
language it is. Code that draws part of a page in another language calls `use` on entering
and `forget` on leaving, as `participation.youth.wording.in_language` does.

They are template globals called directly, with the meaning of Jinja's "new style" gettext
(the translation is a format string, its variables escaped) but without its two extra
layers of context-passing calls per string. Every template is HTML, so every result is Markup.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, has_request_context
from flask_babel import force_locale, get_locale, get_translations
from markupsafe import Markup

from participation.youth.preferences import ENGLISH, locale_for_request

_KEY = "_translations"
_CATALOGUES = "youth_catalogues"


def _catalogue(language: str) -> tuple[Any, str]:
    """Flask-Babel's translations for `language`, found once per app."""
    catalogues = current_app.extensions.setdefault(_CATALOGUES, {})
    found = catalogues.get(language)
    if found is None:
        with force_locale(language):
            found = catalogues[language] = (get_translations(), language)
    return found


def _kept() -> tuple[Any, str]:
    found = g.get(_KEY)
    if found is None:
        if has_request_context():
            language = locale_for_request()  # the app's own locale selector
        else:
            locale = get_locale()
            language = locale.language if locale is not None else ENGLISH
        found = _catalogue(language)
        setattr(g, _KEY, found)
    return found


def _translations() -> Any:
    return _kept()[0]


def shown_language() -> str:
    """The language pages are being drawn in now ("en" or "cy")."""
    return _kept()[1]


def use(language: str) -> None:
    """Draw what follows in `language`, until `forget`."""
    setattr(g, _KEY, _catalogue(language))


def forget() -> None:
    """Look the language and translations up again (after a change of language)."""
    g.pop(_KEY, None)


def _markup(translated: str) -> Markup:
    # The catalogue's strings are the project's own markup (links, <kbd>), trusted as
    # Jinja's own gettext trusts them; only the variables formatted into them are escaped.
    return Markup(translated)  # noqa: S704


def gettext(string: str, /, **variables: Any) -> Markup:
    """`string` in the request's language, with `variables` escaped into it."""
    translated = _translations().ugettext(string)
    if not variables and "%" not in translated:
        return _markup(translated)  # formatting would change nothing
    return _markup(translated) % variables


def ngettext(singular: str, plural: str, num: int, /, **variables: Any) -> Markup:
    """The singular or plural form for `num` (also given as `num` to the format)."""
    variables.setdefault("num", num)
    return _markup(_translations().ungettext(singular, plural, num)) % variables


def pgettext(context: str, string: str, /, **variables: Any) -> Markup:
    """`string` as translated in `context`."""
    variables.setdefault("context", context)
    return _markup(_translations().upgettext(context, string)) % variables


def npgettext(context: str, singular: str, plural: str, num: int, /, **variables: Any) -> Markup:
    """The singular or plural form for `num`, as translated in `context`."""
    variables.setdefault("context", context)
    variables.setdefault("num", num)
    return _markup(_translations().unpgettext(context, singular, plural, num)) % variables


def install(app: Flask) -> None:
    """Replace Flask-Babel's template gettext callables with the request-cached ones."""
    app.jinja_env.globals.update(
        _=gettext, gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext
    )
