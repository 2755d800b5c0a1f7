"""Adding, changing, removing and ordering an activity's questions.

Once young people have answered an activity its questions are fixed: adding, removing or
moving one would make the answers mean something else. Wording fixes are still allowed
(a typo, a clearer phrase), checked as small edits that keep the options and settings.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.activities.design import get_activity, has_answers
from participation.activities.kinds import (
    DEFAULT_MAX_LENGTH,
    MAX_OPTIONS,
    MAX_RANKING_ITEMS,
    REACH_TOPICS,
    THREE_BOX_PROMPTS,
    fixed_options,
    numbered,
    reach_options,
)
from participation.activities.settings import ActivityError, Problem
from participation.models import Activity, Question, Staff
from participation.models.activities import ARCHIVED, QUESTION_KINDS
from participation.models.enums import QuestionKind
from participation.problems import NotFound

MAX_QUESTIONS = 50
MAX_PROMPT = 500
MAX_HINT = 500
MAX_OPTION = 120
MIN_TEXT_LENGTH, MAX_TEXT_LENGTH = 20, 2000
CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.RANKING)
DEFAULT_THREE_BOXES_PROMPT = "Tell us what you think"
# How alike old and new wording must be (difflib ratio) to count as a fix, not a new question.
WORDING_FIX_SIMILARITY = 0.6

ANSWERED = (
    "Young people have already answered this activity, so its questions can't be added, "
    "removed or moved. Duplicate the activity and change the copy instead."
)
ANSWERED_SETTINGS = (
    "Young people have already answered this question, so you can only fix its wording. "
    "Duplicate the activity to change its {what}."
)
FROM_OUTCOMES_BANK = (
    "This question is from your Hub's outcomes bank, so its wording and choices can't be "
    "changed here: answers are compared over time and across services by asking it in the "
    "same words everywhere. You can still move or remove it. To ask something different, "
    "an admin or Hub lead adds a new question to the bank."
)
NOT_A_FIX = (
    "Young people have already answered this question, so you can only make small wording "
    "fixes that keep the meaning. {what} reads like a different question now. Duplicate "
    "the activity to ask something new."
)


@dataclass
class QuestionDraft:
    """What a lead typed on the question form."""

    kind: str
    prompt: str = ""
    hint: str = ""
    options: list[str] = field(default_factory=list)
    max_picks: int | None = None
    max_length: int | None = None
    topic: str | None = None
    never_on_screen: bool | None = None  # None: the kind's default (reach questions: on)


def draft_of(question: Question) -> QuestionDraft:
    """A question as the form shows it."""
    settings = question.settings or {}
    return QuestionDraft(
        kind=question.kind,
        prompt=question.prompt,
        hint=question.hint,
        options=[option["label"] for option in question.options]
        if question.kind in CHOICE_KINDS
        else [],
        max_picks=settings.get("max_picks"),
        max_length=settings.get("max_length"),
        topic=settings.get("topic"),
        never_on_screen=question.never_on_screen,
    )


def asks_outcome(question: Question) -> bool:
    """Whether the question asks one of the Hub's outcomes bank questions (wording fixed)."""
    # participation.outcomes.bank builds on this module, so its test is not imported here.
    return question.key.startswith("outcome:")


def get_question(session: Session, staff: Staff, activity_id: int, question_id: int) -> Question:
    """The question with this id on this activity, if `staff` may see it; otherwise NotFound."""
    activity = get_activity(session, staff, activity_id)
    question = session.get(Question, question_id)
    if question is None or question.activity_id != activity.id:
        raise NotFound()
    return question


def _option_problems(kind: str, labels: list[str]) -> list[Problem]:
    limit = MAX_RANKING_ITEMS if kind == QuestionKind.RANKING else MAX_OPTIONS
    if len(labels) < 2:
        return [("options", "Give at least 2 options, one on each line.")]
    if len(labels) > limit:
        if kind == QuestionKind.RANKING:
            return [("options", f"A ranking can have up to {limit} items.")]
        return [("options", f"Give no more than {limit} options.")]
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for number, label in enumerate(labels, start=1):
        if len(label) > MAX_OPTION:
            problems.append(
                ("options", f"Option {number} is too long: use {MAX_OPTION} characters or fewer.")
            )
        key = " ".join(label.casefold().split())
        if key in seen:
            problems.append(("options", f"Option {number} is the same as option {seen[key]}."))
        seen.setdefault(key, number)
    return problems


def build_question(draft: QuestionDraft) -> dict[str, Any]:
    """The stored fields (kind, prompt, hint, options, settings) for a draft, or ActivityError.

    Faces and traffic lights always have their fixed options, reach questions always offer
    "Prefer not to say", and nothing can make a question mandatory: every one can be passed.
    """
    kind = draft.kind
    if kind not in QUESTION_KINDS:
        raise ActivityError(("kind", "Choose a kind of question."))
    prompt, hint = draft.prompt.strip(), draft.hint.strip()
    options: list[dict[str, Any]] = fixed_options(kind) or []
    settings: dict[str, Any] = {}
    if kind == QuestionKind.REACH:
        if draft.topic not in REACH_TOPICS:
            raise ActivityError(("topic", "Choose what the question is about."))
        settings["topic"] = draft.topic
        options = reach_options(draft.topic)
        prompt = prompt or REACH_TOPICS[draft.topic]["prompt"]
    if kind == QuestionKind.THREE_BOXES:
        prompt = prompt or DEFAULT_THREE_BOXES_PROMPT
        settings["boxes"] = list(THREE_BOX_PROMPTS)
    problems = _wording_problems(prompt, hint)
    if kind in CHOICE_KINDS:
        options = _choice_fields(draft, settings, problems)
    if kind in (QuestionKind.FREE_TEXT, QuestionKind.THREE_BOXES):
        settings["max_length"] = _text_length(draft, problems)
    if problems:
        raise ActivityError(*problems)
    fields: dict[str, Any] = {
        "kind": kind,
        "prompt": prompt,
        "hint": hint,
        "options": options,
        "settings": settings,
    }
    # Reach ("about you") questions start off the big screen unless the lead says otherwise.
    never = kind == QuestionKind.REACH if draft.never_on_screen is None else draft.never_on_screen
    if never or draft.never_on_screen is not None:
        fields["never_on_screen"] = never
    return fields


def _wording_problems(prompt: str, hint: str) -> list[Problem]:
    problems: list[Problem] = []
    if not prompt:
        problems.append(("prompt", "Enter the question."))
    elif len(prompt) > MAX_PROMPT:
        problems.append(("prompt", f"Use {MAX_PROMPT} characters or fewer for the question."))
    if len(hint) > MAX_HINT:
        problems.append(("hint", f"Use {MAX_HINT} characters or fewer for the hint."))
    return problems


def _choice_fields(
    draft: QuestionDraft, settings: dict[str, Any], problems: list[Problem]
) -> list[dict[str, Any]]:
    """The numbered options of a choice question; a pick limit goes into `settings`."""
    labels = [label.strip() for label in draft.options if label.strip()]
    option_problems = _option_problems(draft.kind, labels)
    problems.extend(option_problems)
    if draft.kind == QuestionKind.MULTIPLE_CHOICE and draft.max_picks is not None:
        if option_problems or not 1 <= draft.max_picks <= len(labels):
            problems.append(
                (
                    "max_picks",
                    f"The most a young person can pick must be between 1 and {max(len(labels), 1)}.",
                )
            )
        else:
            settings["max_picks"] = draft.max_picks
    return numbered(labels)


def _text_length(draft: QuestionDraft, problems: list[Problem]) -> int:
    """The longest answer a text question takes (checked against the allowed range)."""
    max_length = draft.max_length or DEFAULT_MAX_LENGTH
    if not MIN_TEXT_LENGTH <= max_length <= MAX_TEXT_LENGTH:
        problems.append(
            (
                "max_length",
                f"The longest answer must be between {MIN_TEXT_LENGTH} and {MAX_TEXT_LENGTH} characters.",
            )
        )
    return max_length


def _ensure_editable(session: Session, activity: Activity) -> None:
    if activity.status == ARCHIVED:
        raise ActivityError(
            (
                "questions",
                "This activity is archived, so it can't be changed. Duplicate it instead.",
            )
        )
    if has_answers(session, activity):
        raise ActivityError(("questions", ANSWERED))


def _is_wording_fix(old: str, new: str) -> bool:
    matcher = difflib.SequenceMatcher(None, old.casefold(), new.casefold())
    return matcher.ratio() >= WORDING_FIX_SIMILARITY


def _wording_only_problems(question: Question, fields: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    old_settings, new_settings = question.settings or {}, fields["settings"]
    for key, label in (("max_picks", "most picks"), ("max_length", "longest answer")):
        if old_settings.get(key) != new_settings.get(key):
            problems.append((key, ANSWERED_SETTINGS.format(what=label)))
    if old_settings.get("topic") != new_settings.get("topic"):
        problems.append(("topic", ANSWERED_SETTINGS.format(what="topic")))
    if len(question.options) != len(fields["options"]):
        problems.append(("options", ANSWERED_SETTINGS.format(what="options")))
    else:
        for number, (old, new) in enumerate(
            zip(question.options, fields["options"], strict=True), start=1
        ):
            if not _is_wording_fix(old["label"], new["label"]):
                problems.append(("options", NOT_A_FIX.format(what=f"Option {number}")))
    if not _is_wording_fix(question.prompt, fields["prompt"]):
        problems.append(("prompt", NOT_A_FIX.format(what="The question")))
    return problems


def add_question(
    session: Session, staff: Staff, activity: Activity, draft: QuestionDraft
) -> Question:
    """Add a question at the end of the activity."""
    return append_question(session, staff, activity, build_question(draft))


def append_question(
    session: Session, staff: Staff, activity: Activity, fields: dict[str, Any], **details: Any
) -> Question:
    """Add a question made of `fields` at the end of the activity, audited with `details`."""
    _ensure_editable(session, activity)
    if len(activity.questions) >= MAX_QUESTIONS:
        raise ActivityError(("questions", f"An activity can have up to {MAX_QUESTIONS} questions."))
    question = Question(position=len(activity.questions), **fields)
    activity.questions.append(question)
    session.flush()
    audit.record(
        session,
        "question_added",
        staff=staff,
        target=question,
        service_id=activity.service_id,
        activity_id=activity.id,
        kind=question.kind,
        **details,
    )
    return question


def update_question(
    session: Session, staff: Staff, question: Question, draft: QuestionDraft
) -> None:
    """Change a question; once answered, only wording fixes that keep options and settings.

    A question asked from the outcomes bank is never changed here: it keeps the bank's words.
    """
    activity = question.activity
    if asks_outcome(question):
        raise ActivityError(("prompt", FROM_OUTCOMES_BANK))
    if activity.status == ARCHIVED:
        raise ActivityError(
            ("prompt", "This activity is archived, so it can't be changed. Duplicate it instead.")
        )
    if draft.kind != question.kind:
        raise ActivityError(
            ("kind", "A question's kind can't be changed. Remove it and add a new question.")
        )
    fields = build_question(draft)
    answered = has_answers(session, activity)
    if answered:
        problems = _wording_only_problems(question, fields)
        if problems:
            raise ActivityError(*problems)
        # Keep each option's code, so the answers already given still point at it.
        fields["options"] = [
            {**old, "label": new["label"]}
            for old, new in zip(question.options, fields["options"], strict=True)
        ]
    for name, value in fields.items():
        setattr(question, name, value)
    session.flush()
    audit.record(
        session,
        "question_changed",
        staff=staff,
        target=question,
        service_id=activity.service_id,
        activity_id=activity.id,
        wording_fix_after_answers=answered,
    )


def _renumber(session: Session, activity: Activity, ordered: list[Question]) -> None:
    for position, question in enumerate(ordered):
        question.position = position
    session.flush()
    session.expire(activity, ["questions"])


def remove_question(session: Session, staff: Staff, question: Question) -> None:
    """Remove a question from an activity nobody has answered yet."""
    activity = question.activity
    _ensure_editable(session, activity)
    remaining = [q for q in activity.questions if q.id != question.id]
    audit.record(
        session,
        "question_removed",
        staff=staff,
        target=question,
        service_id=activity.service_id,
        activity_id=activity.id,
        prompt=question.prompt,
    )
    activity.questions.remove(question)
    session.flush()
    _renumber(session, activity, remaining)


def move_question(session: Session, staff: Staff, question: Question, offset: int) -> None:
    """Move a question up (offset -1) or down (offset +1); at either end nothing changes."""
    activity = question.activity
    _ensure_editable(session, activity)
    ordered = list(activity.questions)
    index = ordered.index(question)
    target = index + offset
    if not 0 <= target < len(ordered) or offset not in (-1, 1):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    _renumber(session, activity, ordered)
    audit.record(
        session,
        "question_moved",
        staff=staff,
        target=question,
        service_id=activity.service_id,
        activity_id=activity.id,
        position=target,
    )


def reorder_questions(
    session: Session, staff: Staff, activity: Activity, question_ids: list[int]
) -> None:
    """Put the questions in the given order (every question id, once each)."""
    _ensure_editable(session, activity)
    by_id = {question.id: question for question in activity.questions}
    if sorted(question_ids) != sorted(by_id):
        raise ActivityError(("questions", "The page was out of date. Reload it and try again."))
    _renumber(session, activity, [by_id[question_id] for question_id in question_ids])
    audit.record(session, "questions_reordered", staff=staff, target=activity)
