"""The outcomes bank: each Hub's outcome questions, asked in the same words by all its Spokes.

Every outcome question is answered on the same five-point scale, stored as codes 1 (not at
all true) to 5 (completely true), so change over time is a comparison of codes. A bank
question's wording is fixed: to say something different, add a new question (a new key)
and retire the old one. Retired questions stay in activities that already ask them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.activities.questions import append_question
from participation.activities.settings import ActivityError
from participation.clock import utcnow
from participation.models import Activity, OutcomeQuestion, Question, Staff
from participation.models.enums import QuestionKind
from participation.problems import NotFound

KEY_PREFIX = "outcome:"
SECOND_LANGUAGE = "cy"

# The evaluation's outcome for young people ("Outcomes improve for young people supported by
# Spoke services") in the areas its participation strand asks about.
AREAS: dict[str, str] = {
    "safety": "Feeling safe",
    "help": "Knowing where to get help",
    "listened": "Feeling listened to",
    "trust": "Trusting workers",
    "say": "Having a say in the service",
    "confidence": "Confidence",
}

# (code, English, Welsh): higher is better for every bank question.
SCALE: tuple[tuple[int, str, str], ...] = (
    (1, "Not true at all", "Ddim yn wir o gwbl"),
    (2, "A little true", "Ychydig yn wir"),
    (3, "Partly true", "Rhannol wir"),
    (4, "Mostly true", "Gan amlaf yn wir"),
    (5, "Completely true", "Hollol wir"),
)
SCALE_CODES = tuple(code for code, _, _ in SCALE)
HINT = "How true is this for you at the moment?"
HINT_CY = "Pa mor wir yw hyn i ti ar hyn o bryd?"

# The questions every Hub's bank starts with: (key, area, English, Welsh).
STANDARD: tuple[tuple[str, str, str, str], ...] = (
    ("outcome:feel-safe", "safety", "I feel safe.", "Rwy'n teimlo'n ddiogel."),
    (
        "outcome:know-where-to-get-help",
        "help",
        "I know where to get help if I need it.",
        "Rwy'n gwybod ble i gael help os bydd ei angen arna i.",
    ),
    (
        "outcome:feel-listened-to",
        "listened",
        "The people who work with me listen to me.",
        "Mae'r bobl sy'n gweithio gyda fi yn gwrando arna i.",
    ),
    (
        "outcome:trust-workers",
        "trust",
        "I trust the workers who support me.",
        "Rwy'n ymddiried yn y gweithwyr sy'n fy nghefnogi.",
    ),
    (
        "outcome:have-a-say",
        "say",
        "I have a say in how this service is run.",
        "Mae gen i lais yn y ffordd mae'r gwasanaeth hwn yn cael ei redeg.",
    ),
    (
        "outcome:confidence",
        "confidence",
        "I feel confident about what comes next for me.",
        "Rwy'n teimlo'n hyderus am beth sy'n dod nesaf i fi.",
    ),
)


def is_outcome_key(key: str) -> bool:
    """Whether a question key belongs to the outcomes bank."""
    return key.startswith(KEY_PREFIX)


def ensure_standard(session: Session, hub_id: int) -> None:
    """Add to a Hub's bank any standard question it has never had (retired ones stay retired)."""
    have = set(session.scalars(select(OutcomeQuestion.key).where(OutcomeQuestion.hub_id == hub_id)))
    for position, (key, area, prompt, prompt_cy) in enumerate(STANDARD):
        if key not in have:
            session.add(
                OutcomeQuestion(
                    hub_id=hub_id,
                    key=key,
                    area=area,
                    prompt=prompt,
                    hint=HINT,
                    translations={SECOND_LANGUAGE: {"prompt": prompt_cy, "hint": HINT_CY}},
                    position=position,
                )
            )
    session.flush()


def bank_for(
    session: Session, hub_id: int, *, include_retired: bool = True
) -> list[OutcomeQuestion]:
    """A Hub's outcome questions in bank order (the standard set is added on first use)."""
    ensure_standard(session, hub_id)
    query = select(OutcomeQuestion).where(OutcomeQuestion.hub_id == hub_id)
    if not include_retired:
        query = query.where(OutcomeQuestion.retired_at.is_(None))
    return list(session.scalars(query.order_by(OutcomeQuestion.position, OutcomeQuestion.id)))


def outcome_question(session: Session, hub_id: int, question_id: int) -> OutcomeQuestion:
    """One question of a Hub's bank; NotFound for another Hub's or an unknown id."""
    found = session.get(OutcomeQuestion, question_id)
    if found is None or found.hub_id != hub_id:
        raise NotFound()
    return found


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain.lower())
    return "-".join(words)[:60].strip("-") or "question"


def new_key(session: Session, hub_id: int, prompt: str) -> str:
    """A key for a new wording: from its words, numbered when that key was ever used."""
    base = KEY_PREFIX + _slug(prompt)
    taken = set(
        session.scalars(select(OutcomeQuestion.key).where(OutcomeQuestion.hub_id == hub_id))
    )
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def question_fields(item: OutcomeQuestion) -> dict[str, Any]:
    """The fields of an activity question that asks this bank question (key kept)."""
    welsh = dict((item.translations or {}).get(SECOND_LANGUAGE) or {})
    options = [{"code": code, "label": label} for code, label, _ in SCALE]
    if welsh:
        welsh["options"] = {str(code): label_cy for code, _, label_cy in SCALE}
    return {
        "key": item.key,
        "kind": QuestionKind.SINGLE_CHOICE,
        "prompt": item.prompt,
        "hint": item.hint,
        "options": options,
        "settings": {"outcome": item.key},
        "translations": {SECOND_LANGUAGE: welsh} if welsh else {},
    }


def is_outcome_question(question: Question) -> bool:
    """Whether an activity question asks a bank outcome question (its wording is fixed)."""
    return is_outcome_key(question.key)


def add_to_activity(
    session: Session, staff: Staff, activity: Activity, item: OutcomeQuestion
) -> Question:
    """Ask a bank outcome question in an activity, at the end. Caller commits."""
    if item.is_retired:
        raise ActivityError(("outcome", "This outcome question is retired. Choose another one."))
    if any(question.key == item.key for question in activity.questions):
        raise ActivityError(("outcome", "This activity already asks that outcome question."))
    return append_question(session, staff, activity, question_fields(item), outcome=item.key)


def set_retired(session: Session, staff: Staff, item: OutcomeQuestion, retired: bool) -> None:
    """Retire a bank question (no new activity may add it) or bring it back. Caller commits."""
    item.retired_at = utcnow() if retired else None
    session.flush()
    audit.record(
        session,
        "outcome_retired" if retired else "outcome_restored",
        staff=staff,
        target=item,
        service_id=item.hub_id,
        key=item.key,
    )
