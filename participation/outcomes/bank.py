"""The outcomes bank: each Hub's outcome questions, asked in the same words by all its Spokes.

Every outcome question is answered on the same five-point scale, stored as codes 1 (not at
all true) to 5 (completely true), so change over time is a comparison of codes. A bank
question's wording is fixed: to say something different, add a new question (a new key)
and retire the old one. Retired questions stay in activities that already ask them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.activities.questions import append_question
from participation.activities.settings import ActivityError, Problem
from participation.clock import utcnow
from participation.models import Activity, OutcomeQuestion, Question, Service, Staff
from participation.models.enums import QuestionKind
from participation.models.services import HUB
from participation.models.staff import LEAD
from participation.outcomes import hub_id_of
from participation.problems import Forbidden, NotFound

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


def _standard_question(hub_id: int, position: int) -> OutcomeQuestion:
    key, area, prompt, prompt_cy = STANDARD[position]
    return OutcomeQuestion(
        hub_id=hub_id,
        key=key,
        area=area,
        prompt=prompt,
        hint=HINT,
        translations={SECOND_LANGUAGE: {"prompt": prompt_cy, "hint": HINT_CY}},
        position=position,
    )


def ensure_standard(session: Session, hub_id: int) -> None:
    """Add to a Hub's bank any standard question it has never had (retired ones stay retired)."""
    have = set(session.scalars(select(OutcomeQuestion.key).where(OutcomeQuestion.hub_id == hub_id)))
    for position, (key, *_) in enumerate(STANDARD):
        if key not in have:
            session.add(_standard_question(hub_id, position))
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


def questions_in_use(session: Session, hub_id: int) -> list[OutcomeQuestion]:
    """The bank questions activities may add, read without writing (a page a lead only views).

    Until a Hub's bank is first saved these are its standard questions, not yet stored.
    """
    stored = list(
        session.scalars(
            select(OutcomeQuestion)
            .where(OutcomeQuestion.hub_id == hub_id)
            .order_by(OutcomeQuestion.position, OutcomeQuestion.id)
        )
    )
    if not stored:
        stored = [_standard_question(hub_id, position) for position in range(len(STANDARD))]
    return [item for item in stored if not item.is_retired]


def question_by_key(session: Session, hub_id: int, key: str) -> OutcomeQuestion:
    """The question of a Hub's bank with this key (retired or not); NotFound for none."""
    for item in bank_for(session, hub_id):
        if item.key == key:
            return item
    raise NotFound()


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


# --- managing a Hub's bank ----------------------------------------------------------------

MAX_WORDING = 300
WORDING_FIXED = (
    "A question's wording can't be changed once saved: a new wording gets a new key. Add the "
    "new question and retire the old one, so figures over time always compare like with like."
)


@dataclass(frozen=True)
class BankWording:
    """What an admin or Hub lead typed to add a question to the bank."""

    area: str
    prompt: str
    hint: str = ""
    prompt_cy: str = ""
    hint_cy: str = ""


def can_manage_bank(staff: Staff, hub_id: int) -> bool:
    """Whether `staff` may add, retire and restore the questions of this Hub's bank.

    Admins may for any Hub, a Hub's own leads for their Hub; Spoke leads and researchers
    only read it, so every Spoke asks what the Hub agreed.
    """
    if staff.is_admin:
        return True
    service = staff.service
    return (
        staff.role == LEAD and service is not None and service.kind == HUB and service.id == hub_id
    )


def _ensure_can_manage(staff: Staff, hub_id: int) -> None:
    if not can_manage_bank(staff, hub_id):
        raise Forbidden("Only administrators and the Hub's leads can change its outcomes bank.")


def _wording_problems(wording: BankWording) -> list[Problem]:
    problems: list[Problem] = []
    if wording.area not in AREAS:
        problems.append(("area", "Choose the outcome area the question measures."))
    if not wording.prompt:
        problems.append(("prompt", "Enter the question in English."))
    fields = (
        ("prompt", wording.prompt, "question in English"),
        ("hint", wording.hint, "hint in English"),
        ("prompt_cy", wording.prompt_cy, "question in Welsh"),
        ("hint_cy", wording.hint_cy, "hint in Welsh"),
    )
    for name, text, what in fields:
        if len(text) > MAX_WORDING:
            problems.append(
                (name, f"Use {MAX_WORDING} characters or fewer for the {what} ({len(text)} now).")
            )
    if wording.hint_cy and not wording.prompt_cy:
        problems.append(("prompt_cy", "Give the question in Welsh as well as its Welsh hint."))
    return problems


def _tidy(text: str) -> str:
    """Surrounding space gone, one line; every character typed (accents, emoji) kept."""
    return " ".join(text.split())


def add_bank_question(
    session: Session, staff: Staff, hub_id: int, wording: BankWording
) -> OutcomeQuestion:
    """Add a question to the end of a Hub's bank under a new key. Caller commits."""
    _ensure_can_manage(staff, hub_id)
    wording = BankWording(
        area=wording.area,
        prompt=_tidy(wording.prompt),
        hint=_tidy(wording.hint),
        prompt_cy=_tidy(wording.prompt_cy),
        hint_cy=_tidy(wording.hint_cy),
    )
    problems = _wording_problems(wording)
    bank = bank_for(session, hub_id)
    same = next(
        (item for item in bank if item.prompt.casefold() == wording.prompt.casefold()), None
    )
    if same is not None and not problems:
        where = " (retired: restore it instead)" if same.is_retired else ""
        problems.append(("prompt", f"The bank already has this question{where}: {same.key}."))
    if problems:
        raise ActivityError(*problems)
    welsh = {"prompt": wording.prompt_cy, "hint": wording.hint_cy} if wording.prompt_cy else {}
    item = OutcomeQuestion(
        hub_id=hub_id,
        key=new_key(session, hub_id, wording.prompt),
        area=wording.area,
        prompt=wording.prompt,
        hint=wording.hint,
        translations={SECOND_LANGUAGE: {k: v for k, v in welsh.items() if v}} if welsh else {},
        position=max((other.position for other in bank), default=-1) + 1,
        created_by_id=staff.id,
    )
    session.add(item)
    session.flush()
    audit.record(
        session, "outcome_added", staff=staff, target=item, service_id=hub_id, key=item.key
    )
    return item


def retire_bank_question(
    session: Session, staff: Staff, hub_id: int, question_id: int, retired: bool
) -> OutcomeQuestion:
    """Retire (or restore) one question of a Hub's bank, if `staff` may. Caller commits."""
    _ensure_can_manage(staff, hub_id)
    item = outcome_question(session, hub_id, question_id)
    if item.is_retired != retired:
        set_retired(session, staff, item, retired)
    return item


def hub_service_ids(session: Session, hub_id: int) -> list[int]:
    """The Hub and its Spokes: the services whose activities ask the Hub's bank questions."""
    spokes = session.scalars(select(Service.id).where(Service.parent_id == hub_id))
    return [hub_id, *spokes]


def activities_asking(
    session: Session, hub_id: int, within: set[int] | None = None
) -> dict[str, int]:
    """How many of the Hub's (and its Spokes') activities ask each outcome key.

    `within` (the services a member of staff may see; None for all) keeps a Spoke's lead to
    their own Spoke's activities.
    """
    services = [sid for sid in hub_service_ids(session, hub_id) if within is None or sid in within]
    rows = session.execute(
        select(Question.key, func.count(func.distinct(Question.activity_id)))
        .join(Activity, Activity.id == Question.activity_id)
        .where(Question.key.startswith(KEY_PREFIX), Activity.service_id.in_(services))
        .group_by(Question.key)
    )
    return {key: count for key, count in rows}


def bank_hubs(session: Session, staff: Staff) -> list[Service]:
    """The Hubs whose bank `staff` may open: every Hub for an admin, else their own Hub."""
    if staff.is_admin:
        return list(
            session.scalars(select(Service).where(Service.kind == HUB).order_by(Service.name))
        )
    if staff.service is None:
        return []
    hub = session.get(Service, hub_id_of(staff.service))
    return [hub] if hub is not None else []


def bank_hub(session: Session, staff: Staff, requested_id: int | None = None) -> Service:
    """The Hub whose bank `staff` is looking at (an admin may choose); NotFound otherwise."""
    hubs = bank_hubs(session, staff)
    if not hubs:
        raise NotFound("There is no Hub whose outcomes bank you can see.")
    if requested_id is None or not staff.is_admin:
        return hubs[0]
    for hub in hubs:
        if hub.id == requested_id:
            return hub
    raise NotFound()
