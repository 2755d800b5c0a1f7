"""An activity's wording in a second language (Welsh): title, intro, consent, questions, options.

Only the words change: answers are stored against the same questions and option codes
whichever language a young person used. A changed second-language consent statement is a
new consent version (the English kept as it was), so every submission still records the
exact wording its young person agreed to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.activities.questions import asks_outcome
from participation.models import Activity, ConsentVersion, Question, Staff

SECOND_LANGUAGE = "cy"
MAX_TITLE = 120
MAX_TEXT = 5000


@dataclass
class QuestionWording:
    """One question's second-language words; blanks fall back to the English."""

    prompt: str = ""
    hint: str = ""
    options: dict[str, str] = field(default_factory=dict)
    boxes: list[str] = field(default_factory=list)


@dataclass
class ActivityWording:
    """An activity's second-language words, as the translations page shows and saves them."""

    title: str = ""
    intro: str = ""
    consent: str = ""
    questions: dict[int, QuestionWording] = field(default_factory=dict)


def _stored(thing: Activity | Question, lang: str) -> dict[str, Any]:
    found = (thing.translations or {}).get(lang)
    return found if isinstance(found, dict) else {}


def wording_of(activity: Activity, lang: str = SECOND_LANGUAGE) -> ActivityWording:
    """The second-language words given so far (empty strings where none)."""
    stored = _stored(activity, lang)
    consent = activity.current_consent
    wording = ActivityWording(
        title=str(stored.get("title", "")),
        intro=str(stored.get("intro", "")),
        consent=str((consent.translations or {}).get(lang, "")) if consent else "",
    )
    for question in activity.questions:
        words = _stored(question, lang)
        wording.questions[question.id] = QuestionWording(
            prompt=str(words.get("prompt", "")),
            hint=str(words.get("hint", "")),
            options={str(k): str(v) for k, v in (words.get("options") or {}).items()},
            boxes=[str(box) for box in words.get("boxes") or []],
        )
    return wording


def _clean(text: str, limit: int = MAX_TEXT) -> str:
    return text.replace("\r\n", "\n").strip()[:limit]


def _without_blanks(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in ("", {}, [], None)}


def _question_words(question: Question, words: QuestionWording) -> dict[str, Any]:
    codes = {str(option["code"]) for option in question.options}
    options = {c: _clean(t, MAX_TITLE) for c, t in words.options.items() if c in codes}
    boxes = [_clean(box, MAX_TITLE) for box in words.boxes[:3]]
    return _without_blanks(
        {
            "prompt": _clean(words.prompt),
            "hint": _clean(words.hint),
            "options": _without_blanks(options),
            "boxes": boxes if any(boxes) else [],
        }
    )


def _with_language(stored: dict[str, Any] | None, lang: str, words: Any) -> dict[str, Any]:
    updated = {key: value for key, value in (stored or {}).items() if key != lang}
    if words:
        updated[lang] = words
    return updated


def _save_consent(activity: Activity, lang: str, text: str) -> int | None:
    """A new consent version when the second-language statement changed; its number."""
    current = activity.current_consent
    if current is None or (current.translations or {}).get(lang, "") == text:
        return None
    version = current.version + 1
    activity.consent_versions.append(
        ConsentVersion(
            version=version,
            statement=current.statement,
            mode=current.mode,
            translations=_with_language(current.translations, lang, text),
        )
    )
    return version


def save_wording(
    session: Session,
    staff: Staff,
    activity: Activity,
    wording: ActivityWording,
    lang: str = SECOND_LANGUAGE,
) -> bool:
    """Store an activity's second-language words; whether anything changed (audited)."""
    before = wording_of(activity, lang)
    activity.translations = _with_language(
        activity.translations,
        lang,
        _without_blanks(
            {"title": _clean(wording.title, MAX_TITLE), "intro": _clean(wording.intro)}
        ),
    )
    for question in activity.questions:
        if asks_outcome(question):
            continue  # its Welsh is the outcomes bank's, the same in every activity
        words = wording.questions.get(question.id, QuestionWording())
        question.translations = _with_language(
            question.translations, lang, _question_words(question, words)
        )
    version = _save_consent(activity, lang, _clean(wording.consent))
    session.flush()
    changed = wording_of(activity, lang) != before
    if changed:
        audit.record(session, "translation_updated", staff=staff, target=activity, language=lang)
    if version is not None:
        audit.record(session, "consent_changed", staff=staff, target=activity, version=version)
    return changed
