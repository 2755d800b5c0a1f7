"""Checking and storing what a young person sends, and deleting it again when they ask.

Answers arrive as {question id: value}, where the value depends on the question's kind:
an option code for scales, traffic lights, pick one and reach questions; a list of codes for
pick any; a string for free text; a list of up to three strings for three boxes; and
{option code: place (1 = first)} for ranking. An empty value means the question was passed.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Table, delete, exists, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from participation import db
from participation.activities.codes import (
    hash_withdrawal_code,
    looks_like_withdrawal_code,
    new_withdrawal_code,
    valid_idempotency_key,
)
from participation.activities.kinds import DEFAULT_MAX_LENGTH
from participation.activities.snapshot import AnyActivity, AnyConsent, AnyQuestion
from participation.answering.joining import JoinProblem, answering_problem
from participation.answering.languages import ANSWER_LANGUAGES
from participation.clock import to_hour, utcnow
from participation.models import (
    Activity,
    Answer,
    Flag,
    SafeguardingPhrase,
    Submission,
)
from participation.models.enums import QuestionKind
from participation.models.submissions import PENDING
from participation.safeguarding.check import Matcher, compile_matcher, default_rules
from participation.safeguarding.flags import new_flag
from participation.safeguarding.model import default_model
from participation.safeguarding.phrases import lead_rules

ONE_CHOICE_KINDS = (
    QuestionKind.EMOJI_SCALE,
    QuestionKind.TRAFFIC_LIGHT,
    QuestionKind.SINGLE_CHOICE,
    QuestionKind.REACH,
)
BOXES = 3

# Control characters other than tab and newline can break exports and screens; NUL breaks
# PostgreSQL outright. Format characters (right-to-left marks, zero-width joiners in emoji)
# are kept: they are part of how the young person wrote.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# The keyed hash of a linking code (participation.outcomes.linking.link_hash).
_LINK_HASH = re.compile(r"[0-9a-f]{64}")

ErrorKey = tuple[int, int | None]


class InvalidAnswers(ValueError):
    """Some answers cannot be stored; `errors` maps (question id, part or None) to a message."""

    def __init__(self, errors: dict[ErrorKey, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class ActivityNotAccepting(RuntimeError):
    """The activity stopped taking answers (closed, or not open yet)."""

    def __init__(self, problem: JoinProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class AnswerRow:
    """One row to store for one question (a question may give several)."""

    question_id: int
    part: int = 0
    choice: int | None = None
    text: str | None = None


@dataclass
class SubmissionResult:
    """What happened on submit: the stored submission's id and whether anything was flagged."""

    submission_id: int
    flagged: bool
    created: bool
    # Known only when this call made the code or was given the matching one.
    withdrawal_code: str | None = None
    categories: list[str] = field(default_factory=list)
    session: Session | None = field(default=None, repr=False, compare=False)

    @property
    def submission(self) -> Submission:
        """The stored submission, loaded on first use (the send itself never needs it)."""
        assert self.session is not None
        found = self.session.get(Submission, self.submission_id)
        assert found is not None
        return found


class WithdrawOutcome(StrEnum):
    """What happened to a withdrawal request."""

    WITHDRAWN = "withdrawn"
    NOT_FOUND = "not_found"
    TOO_LATE = "too_late"


def clean_text(value: object) -> str:
    """Tidy typed text: drop control characters, normalise line ends and Unicode, trim."""
    if not isinstance(value, str):
        return ""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub("", text)
    return unicodedata.normalize("NFC", text).strip()


def max_length(question: AnyQuestion) -> int:
    """The most characters a text answer to `question` may have."""
    return int((question.settings or {}).get("max_length") or DEFAULT_MAX_LENGTH)


def _as_code(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 6:
        return int(value.strip())
    return None


def is_passed(value: object) -> bool:
    """Whether a value means "passed" (nothing given)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not clean_text(value)
    if isinstance(value, list | tuple):
        return all(is_passed(v) for v in value)
    if isinstance(value, Mapping):
        return all(is_passed(v) for v in value.values())
    return False


def _too_long(question: AnyQuestion, text: str) -> str:
    return (
        f"Your answer has {len(text):,} characters. "
        f"Make it {max_length(question):,} characters or fewer."
    )


def _check_one(question: AnyQuestion, value: object) -> tuple[list[AnswerRow], dict[ErrorKey, str]]:
    """Rows for one question's value, or errors keyed by (question id, part)."""
    if is_passed(value):
        return [], {}
    codes = {option["code"] for option in question.options or []}
    if question.kind in ONE_CHOICE_KINDS:
        return _check_single(question, value, codes)
    check = _CHECKS.get(question.kind)
    if check is None:
        return [], {(question.id, None): "This question cannot be answered."}
    return check(question, value, codes)


def _check_single(
    question: AnyQuestion, value: object, codes: set[int]
) -> tuple[list[AnswerRow], dict[ErrorKey, str]]:
    code = _as_code(value)
    if code is None or code not in codes:
        return [], {(question.id, None): "Choose one of the answers shown, or pass this question."}
    return [AnswerRow(question.id, choice=code)], {}


def _check_multiple(
    question: AnyQuestion, value: object, codes: set[int]
) -> tuple[list[AnswerRow], dict[ErrorKey, str]]:
    qid = question.id
    values = value if isinstance(value, list | tuple) else [value]
    picked = list(dict.fromkeys(_as_code(v) for v in values if not is_passed(v)))
    if any(code is None or code not in codes for code in picked):
        return [], {(qid, None): "Choose from the answers shown, or pass this question."}
    limit = (question.settings or {}).get("max_picks")
    if limit and len(picked) > int(limit):
        return [], {(qid, None): f"Choose up to {limit}. You chose {len(picked)}."}
    return [AnswerRow(qid, choice=code) for code in picked if code is not None], {}


def _check_free_text(
    question: AnyQuestion, value: object, _codes: set[int]
) -> tuple[list[AnswerRow], dict[ErrorKey, str]]:
    text = clean_text(value)
    if len(text) > max_length(question):
        return [], {(question.id, None): _too_long(question, text)}
    return [AnswerRow(question.id, text=text)], {}


def _check_three_boxes(
    question: AnyQuestion, value: object, _codes: set[int]
) -> tuple[list[AnswerRow], dict[ErrorKey, str]]:
    qid = question.id
    boxes = list(value) if isinstance(value, list | tuple) else None
    if boxes is None or len(boxes) > BOXES:
        return [], {(qid, None): "Write in the boxes shown, or pass this question."}
    rows: list[AnswerRow] = []
    errors: dict[ErrorKey, str] = {}
    for part, box in enumerate(boxes):
        text = clean_text(box)
        if len(text) > max_length(question):
            errors[(qid, part)] = _too_long(question, text)
        elif text:
            rows.append(AnswerRow(qid, part=part, text=text))
    return ([], errors) if errors else (rows, {})


def _check_ranking(
    question: AnyQuestion, value: object, codes: set[int]
) -> tuple[list[AnswerRow], dict[ErrorKey, str]]:
    qid = question.id
    if not isinstance(value, Mapping):
        return [], {(qid, None): "Give each one a place, or pass this question."}
    places: dict[int, int] = {}
    for raw_code, raw_place in value.items():
        if is_passed(raw_place):
            continue
        code, place = _as_code(raw_code), _as_code(raw_place)
        if code is None or code not in codes or place is None or not 1 <= place <= len(codes):
            return [], {(qid, None): "Give each one a place from the list, or pass this question."}
        places[code] = place
    if len(set(places.values())) != len(places):
        return [], {(qid, None): "Give each one a different place."}
    missing = [code for code in codes if code not in places]
    if len(missing) == 1:
        # With only one left there is only one place it can go.
        free = set(range(1, len(codes) + 1)) - set(places.values())
        places[missing[0]] = free.pop()
    elif missing:
        return [], {(qid, None): "Give every one a place, or pass this question."}
    ordered = sorted(places, key=places.__getitem__)
    return [AnswerRow(qid, part=index, choice=code) for index, code in enumerate(ordered)], {}


Check = Callable[[AnyQuestion, object, set[int]], tuple[list[AnswerRow], dict[ErrorKey, str]]]
_CHECKS: dict[str, Check] = {
    QuestionKind.MULTIPLE_CHOICE: _check_multiple,
    QuestionKind.FREE_TEXT: _check_free_text,
    QuestionKind.THREE_BOXES: _check_three_boxes,
    QuestionKind.RANKING: _check_ranking,
}


def check_answer(question: AnyQuestion, value: object) -> dict[ErrorKey, str]:
    """The problems with one question's value ({} when it can be stored or is passed)."""
    return _check_one(question, value)[1]


def validate_answers(
    activity: AnyActivity, answers: Mapping[Any, object]
) -> tuple[list[AnswerRow], dict[ErrorKey, str]]:
    """Check answers against the activity's own questions; rows to store, or errors."""
    questions = {question.id: question for question in activity.questions}
    rows: list[AnswerRow] = []
    errors: dict[ErrorKey, str] = {}
    for raw_id, value in answers.items():
        question = questions.get(_as_code(raw_id) or -1)
        if question is None:
            if not is_passed(value):
                errors[(_as_code(raw_id) or 0, None)] = (
                    "That question is not part of this activity."
                )
            continue
        found, problems = _check_one(question, value)
        rows.extend(found)
        errors.update(problems)
    return ([], errors) if errors else (rows, {})


# The compiled phrase matcher is cached and rebuilt only when the active phrases change;
# the key is cheap to read (one aggregate query) and changes with any add, edit or toggle.
_matcher_lock = threading.Lock()
_matcher_cache: dict[str, Any] = {"key": None, "matcher": None}
# Read on every send with a written answer: plain SQL straight to the driver.
_PHRASES_KEY = (
    "SELECT count(id), max(id), sum(id), sum(length(phrase) + length(category)) "
    "FROM safeguarding_phrases WHERE is_active = {0}"
)


def active_matcher(session: Session) -> Matcher:
    """The compiled matcher for the shipped rules and those leads added, cached between requests."""
    active = SafeguardingPhrase.is_active.is_(True)
    key = db.first_row(session, _PHRASES_KEY, (True,))
    with _matcher_lock:
        cached = _matcher_cache["matcher"]
        if _matcher_cache["key"] == key and isinstance(cached, Matcher):
            return cached
    added = session.execute(
        select(SafeguardingPhrase.category, SafeguardingPhrase.phrase, SafeguardingPhrase.kind)
        .where(active)
        .order_by(SafeguardingPhrase.id)
    ).all()
    matcher = compile_matcher([*default_rules(), *lead_rules(added)]).with_model(default_model())
    with _matcher_lock:
        _matcher_cache.update(key=key, matcher=matcher)
    return matcher


def _existing(session: Session, activity_id: int, idempotency_key: str) -> tuple[int, str] | None:
    row = session.execute(
        select(Submission.id, Submission.withdrawal_code_hash).where(
            Submission.activity_id == activity_id, Submission.idempotency_key == idempotency_key
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


def is_flagged(session: Session, submission_id: int) -> bool:
    """Whether any answer of a submission was flagged for the safeguarding lead."""
    answer_ids = select(Answer.id).where(Answer.submission_id == submission_id)
    return bool(session.scalar(select(exists().where(Flag.answer_id.in_(answer_ids)))))


def already_submitted(session: Session, activity_id: int, idempotency_key: str) -> bool:
    """Whether answers with this idempotency key were already stored."""
    return _existing(session, activity_id, idempotency_key) is not None


def _replay(
    session: Session, existing: tuple[int, str], withdrawal_code: str | None, secret: str
) -> SubmissionResult:
    submission_id, code_hash = existing
    same_code = withdrawal_code is not None and (
        hash_withdrawal_code(withdrawal_code, secret) == code_hash
    )
    return SubmissionResult(
        submission_id,
        is_flagged(session, submission_id),
        created=False,
        withdrawal_code=withdrawal_code if same_code else None,
        session=session,
    )


@functools.cache
def _insert_once_statement(dialect_name: str) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id, built once per database kind."""
    table = cast(Table, Submission.__table__)
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return (
        dialect.insert(table)
        .on_conflict_do_nothing(index_elements=["activity_id", "idempotency_key"])
        .returning(table.c.id)
    )


_INSERT_ANSWERS = insert(cast(Table, Answer.__table__))


def _insert_once(session: Session, values: dict[str, Any]) -> int | None:
    """Insert a submission unless its idempotency key is taken; its new id, or None."""
    connection = session.connection()
    statement = _insert_once_statement(connection.dialect.name)
    return connection.execute(statement, values).scalar()


def _insert_answers(session: Session, submission_id: int, rows: list[AnswerRow]) -> None:
    """Every answer row of a submission in one executemany."""
    if not rows:
        return
    session.connection().execute(
        _INSERT_ANSWERS,
        [
            {
                "submission_id": submission_id,
                "question_id": row.question_id,
                "part": row.part,
                "choice": row.choice,
                "text": row.text,
                "moderation": PENDING if row.text is not None else None,
                "is_quote": False,
            }
            for row in rows
        ],
    )


def record_submission(
    session: Session,
    activity: AnyActivity,
    consent_version: AnyConsent,
    research_consent: bool,
    answers: Mapping[Any, object],
    idempotency_key: str,
    secret: str,
    *,
    withdrawal_code: str | None = None,
    now: datetime | None = None,
    language: str = ANSWER_LANGUAGES[0],
    link_hash: str | None = None,
) -> SubmissionResult:
    """Store one young person's answers once (a repeat with the same key returns the first).

    Checks the answers, flags possible disclosures for the safeguarding lead and marks text
    for moderation. `link_hash` is the keyed hash of the young person's linking code (None
    when they chose not to link). The caller commits. Raises InvalidAnswers or
    ActivityNotAccepting.
    """
    if not valid_idempotency_key(idempotency_key):
        raise ValueError("a valid idempotency key is required")
    if consent_version.activity_id != activity.id:
        raise ValueError("the consent version belongs to another activity")
    if language not in ANSWER_LANGUAGES:
        raise ValueError(f"unknown answering language {language!r}")
    if link_hash is not None and not _LINK_HASH.fullmatch(link_hash):
        raise ValueError("a link hash is 64 hexadecimal characters")
    rows, errors = validate_answers(activity, answers)
    problem = answering_problem(activity, now)
    if errors or problem is not None:
        # A repeat of a send that was stored before (say, just before the activity closed)
        # still gets its thanks page.
        existing = _existing(session, activity.id, idempotency_key)
        if existing is not None:
            return _replay(session, existing, withdrawal_code, secret)
        if errors:
            raise InvalidAnswers(errors)
        raise ActivityNotAccepting(cast(JoinProblem, problem))
    code = withdrawal_code or new_withdrawal_code()
    # One statement decides a double tap, even one racing in another worker: the second
    # insert does nothing and the first row is handed back.
    submission_id = _insert_once(
        session,
        {
            "activity_id": activity.id,
            "consent_version_id": consent_version.id,
            "research_consent": bool(research_consent),
            "withdrawal_code_hash": hash_withdrawal_code(code, secret),
            "idempotency_key": idempotency_key,
            "submitted_hour": to_hour(now or utcnow()),
            "language": language,
            "link_hash": link_hash,
        },
    )
    if submission_id is None:
        existing = _existing(session, activity.id, idempotency_key)
        if existing is None:
            raise RuntimeError("a submission's key was taken but its row cannot be found")
        return _replay(session, existing, withdrawal_code, secret)
    _insert_answers(session, submission_id, rows)
    categories = _flag_text_answers(session, activity, submission_id, rows, now)
    return SubmissionResult(
        submission_id,
        flagged=bool(categories),
        created=True,
        withdrawal_code=code,
        categories=categories,
        session=session,
    )


def _flag_text_answers(
    session: Session,
    activity: AnyActivity,
    submission_id: int,
    rows: list[AnswerRow],
    now: datetime | None = None,
) -> list[str]:
    """Add a Flag for each text answer with a possible disclosure; the categories found."""
    if not any(row.text for row in rows):
        return []
    matcher = active_matcher(session)
    flagged: dict[tuple[int, int], tuple[str, list[str]]] = {}
    for row in rows:
        if row.text:
            categories = list(dict.fromkeys(match.category for match in matcher.check(row.text)))
            if categories:
                flagged[(row.question_id, row.part)] = (row.text, categories)
    if not flagged:
        return []
    answer_ids = {
        (question_id, part): answer_id
        for answer_id, question_id, part in session.execute(
            select(Answer.id, Answer.question_id, Answer.part).where(
                Answer.submission_id == submission_id, Answer.text.is_not(None)
            )
        )
    }
    found: list[str] = []
    for key, (text, categories) in flagged.items():
        new_flag(session, activity, answer_ids[key], text, categories, now)
        found.extend(c for c in categories if c not in found)
    session.flush()
    return found


def withdraw(
    session: Session, code: str, secret: str, now: datetime | None = None
) -> WithdrawOutcome:
    """Delete for good the submission (and its answers) a withdrawal code belongs to.

    Only within the activity's withdrawal window. The caller commits.
    """
    if not looks_like_withdrawal_code(code):
        return WithdrawOutcome.NOT_FOUND
    digest = hash_withdrawal_code(code, secret)
    found = session.execute(
        select(Submission.id, Submission.submitted_hour, Activity.withdrawal_days)
        .join(Activity, Activity.id == Submission.activity_id)
        .where(Submission.withdrawal_code_hash == digest)
    ).all()
    if not found:
        return WithdrawOutcome.NOT_FOUND
    now = now or utcnow()
    in_time = [
        row.id
        for row in found
        if within_withdrawal_window(row.submitted_hour, row.withdrawal_days, now)
    ]
    if not in_time:
        return WithdrawOutcome.TOO_LATE
    delete_submissions(session, in_time)
    return WithdrawOutcome.WITHDRAWN


def within_withdrawal_window(submitted_hour: datetime, withdrawal_days: int, now: datetime) -> bool:
    """Whether answers sent in `submitted_hour` may still be deleted at `now`."""
    # submitted_hour is rounded down, so the window runs to the end of that hour.
    return now < submitted_hour + timedelta(days=withdrawal_days, hours=1)


def delete_submissions(session: Session, submission_ids: list[int]) -> None:
    """Delete submissions for good, with their answers. The caller commits."""
    # Answers, their flags and theme links go with the submission (ON DELETE CASCADE).
    session.execute(delete(Answer).where(Answer.submission_id.in_(submission_ids)))
    session.execute(delete(Submission).where(Submission.id.in_(submission_ids)))
    session.expire_all()
