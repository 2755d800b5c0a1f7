"""An activity's words in the language the young person chose, falling back to English.

Leads give the second-language wording in the studio (`translations` on the activity, its
questions and consent versions). Anything they left blank shows in English, except the
ready-made option labels and box prompts, which the interface catalogue already knows.
Answers never depend on the language: they are stored against question ids and option codes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import force_locale, gettext

from participation.activities.kinds import THREE_BOX_PROMPTS
from participation.youth import translating
from participation.youth.preferences import ENGLISH
from participation.youth.translating import shown_language


def _get(thing: Any, name: str, default: Any = None) -> Any:
    if isinstance(thing, Mapping):
        return thing.get(name, default)
    return getattr(thing, name, default)


def translation_of(thing: Any, lang: str | None = None) -> Mapping[str, Any]:
    """The second-language wording stored on an activity or question ({} when none)."""
    lang = lang or shown_language()
    stored = _get(thing, "translations") or {}
    found = stored.get(lang) if isinstance(stored, Mapping) else None
    # A Mapping, not a dict: the activity snapshot hands out read-only mappings.
    return found if isinstance(found, Mapping) else {}


def local(thing: Any, field: str) -> str:
    """An activity's or question's text (title, intro, prompt, hint) in the shown language."""
    english = str(_get(thing, field) or "")
    if shown_language() == ENGLISH or not english:
        return english
    # Ready-made wording (reach questions, for example) is in the interface catalogue.
    return str(translation_of(thing).get(field) or gettext(english))


def option_label(question: Any, option: Mapping[str, Any]) -> str:
    """One option's label in the shown language."""
    english = str(option.get("label", ""))
    if shown_language() == ENGLISH:
        return english
    given = (translation_of(question).get("options") or {}).get(str(option.get("code")))
    return str(given) if given else gettext(english)


def label_for_code(question: Any, code: Any) -> str:
    """The label of the option with `code` in the shown language ("" when there is none)."""
    for option in _get(question, "options") or []:
        if option.get("code") == code:
            return option_label(question, option)
    return ""


def box_prompts(question: Any) -> list[str]:
    """The three boxes' prompts in the shown language."""
    settings = _get(question, "settings") or {}
    english = list(settings.get("boxes") or THREE_BOX_PROMPTS)
    if shown_language() == ENGLISH:
        return english
    given = translation_of(question).get("boxes") or []
    return [
        (given[i] if i < len(given) and given[i] else gettext(text))
        for i, text in enumerate(english)
    ]


def consent_statement(consent: Any) -> str:
    """A consent version's statement in the shown language (English when not given)."""
    if consent is None:
        return ""
    english = str(_get(consent, "statement") or "")
    if shown_language() == ENGLISH:
        return english
    stored = _get(consent, "translations") or {}
    return str(stored.get(shown_language()) or english)


def in_language(lang: str, render: Callable[..., str], *args: Any) -> str:
    """Render part of a page in another language (the studio previews both)."""
    with force_locale(lang):
        translating.use(lang)
        try:
            return render(*args)
        finally:
            translating.forget()
