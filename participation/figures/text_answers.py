"""Reading young people's written answers, a page at a time, for staff who may see them.

Callers decide who may read what: the raw-text page is audited and closed to researchers;
the moderation list and live screen pass every text through `redaction.redact` first.
Words of an answer that is with the safeguarding lead reach only those
`safeguarding.visibility` allows: for anyone else the text arrives empty and `readable` false.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from participation.activities.kinds import THREE_BOX_PROMPTS
from participation.models import Activity, Answer, AnswerTheme, Flag, Question, Staff, Theme
from participation.models.activities import TEXT_KINDS
from participation.models.enums import QuestionKind
from participation.models.submissions import APPROVED, HIDDEN, PENDING
from participation.privacy.redaction import redact
from participation.safeguarding.visibility import (
    may_read_words,
    withheld_answer_ids,
)

PER_PAGE = 50
MODERATION_STATES = (PENDING, APPROVED, HIDDEN)
MAX_SEARCH = 100

# (answer id, question id, part, text, moderation, is quote, flag id, flag status, released
# at): the flag's columns are None for an answer without a flag (an outer join), which
# SQLAlchemy's types do not show.
TextRow = Row[int, int, int, str | None, str | None, bool, int, str, datetime | None]
# (answer id, question id, part, text, moderation, is quote)
AnswerColumns = tuple[int, int, int, str | None, str | None, bool]


@dataclass(frozen=True)
class TextAnswer:
    """One written answer with what staff need beside it."""

    id: int
    question_id: int
    question_number: int
    prompt: str
    box: str  # the three-box heading, or ""
    text: str
    moderation: str | None
    is_quote: bool
    flag_id: int | None
    flag_status: str | None
    themes: tuple[str, ...] = ()
    withheld: bool = False  # with the safeguarding lead (flagged, not released)
    readable: bool = True  # whether the reader may see the words (else `text` is "")

    @property
    def redacted(self) -> str:
        """The text with personal details replaced by placeholders such as [name]."""
        return redact(self.text)

    @property
    def flagged(self) -> bool:
        """Whether the safeguarding check flagged this answer."""
        return self.flag_id is not None


@dataclass(frozen=True)
class TextPage:
    """One page of written answers and how many there are in all."""

    items: tuple[TextAnswer, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, math.ceil(self.total / self.per_page))


def text_questions(activity: Activity) -> list[Question]:
    """The activity's questions that collect written answers."""
    return [q for q in activity.questions if q.kind in TEXT_KINDS]


def _box_label(question: Question, part: int) -> str:
    if question.kind != QuestionKind.THREE_BOXES:
        return ""
    boxes = question.settings.get("boxes") or THREE_BOX_PROMPTS
    return boxes[part] if 0 <= part < len(boxes) else ""


def text_answers(
    session: Session,
    activity: Activity,
    *,
    question_id: int | None = None,
    search: str = "",
    moderation: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    reader: Staff | None = None,
) -> TextPage:
    """Return one page of the activity's written answers, newest first, optionally filtered.

    `reader` is who will read them (None: a shared screen): withheld words reach only
    those allowed. Reads the text-only index one (question, moderation state) at a time, newest first,
    so a page costs a few short index walks however many answers there are.
    """
    questions = {q.id: q for q in text_questions(activity)}
    if question_id is not None:
        questions = {question_id: questions[question_id]} if question_id in questions else {}
    states = [moderation] if moderation else list(MODERATION_STATES)
    if not questions or not set(states) <= set(MODERATION_STATES):
        return TextPage((), 0, 1, per_page)
    search = " ".join(search.split())[:MAX_SEARCH]
    matching = [Answer.text.icontains(search, autoescape=True)] if search else []
    if search and not may_read_words(reader, withheld=True):
        # Searching must not reveal which words a withheld answer holds.
        matching.append(Answer.id.not_in(withheld_answer_ids()))
    total = (
        session.scalar(
            select(func.count())
            .select_from(Answer)
            .where(
                Answer.question_id.in_(list(questions)),
                Answer.moderation.in_(states),
                *matching,
            )
        )
        or 0
    )
    page = min(max(page, 1), max(1, math.ceil(total / per_page)))
    wanted = page * per_page
    columns = (
        Answer.id,
        Answer.question_id,
        Answer.part,
        Answer.text,
        Answer.moderation,
        Answer.is_quote,
        Flag.id,
        Flag.status,
        Flag.released_at,
    )
    found: list[TextRow] = []
    for qid in questions:
        for state in states:
            query = (
                select(*columns)
                .outerjoin(Flag, Flag.answer_id == Answer.id)
                .where(Answer.question_id == qid, Answer.moderation == state, *matching)
                .order_by(Answer.id.desc())
                .limit(wanted)
            )
            found.extend(session.execute(query).all())
    found.sort(key=lambda row: row[0], reverse=True)
    rows = found[(page - 1) * per_page : wanted]
    names = theme_names(session, [row[0] for row in rows])
    items = tuple(
        _item(questions[row[1]], row[:6], reader, names.get(row[0], ()), (row[6], row[7], row[8]))
        for row in rows
    )
    return TextPage(items, total, page, per_page)


def _item(
    question: Question,
    row: AnswerColumns,
    reader: Staff | None,
    themes: list[str] | tuple[str, ...],
    flag: tuple[int | None, str | None, datetime | None],
) -> TextAnswer:
    answer_id, _, part, text, state, is_quote = row
    flag_id, flag_status, released_at = flag
    withheld = flag_id is not None and released_at is None
    readable = may_read_words(reader, withheld=withheld)
    return TextAnswer(
        id=answer_id,
        question_id=question.id,
        question_number=question.position + 1,
        prompt=question.prompt,
        box=_box_label(question, part),
        text=(text or "") if readable else "",
        moderation=state,
        is_quote=is_quote,
        flag_id=flag_id,
        flag_status=flag_status,
        themes=tuple(themes),
        withheld=withheld,
        readable=readable,
    )


def theme_names(session: Session, answer_ids: list[int]) -> dict[int, list[str]]:
    """{answer id: names of its themes}, for a page of answers."""
    if not answer_ids:
        return {}
    found: dict[int, list[str]] = {}
    query = (
        select(AnswerTheme.answer_id, Theme.name)
        .join(Theme, Theme.id == AnswerTheme.theme_id)
        .where(AnswerTheme.answer_id.in_(answer_ids))
        .order_by(Theme.name)
    )
    for answer_id, name in session.execute(query):
        found.setdefault(answer_id, []).append(name)
    return found


def find_text_answer(session: Session, activity: Activity, answer_id: int) -> Answer | None:
    """The written answer `answer_id` if it belongs to `activity` (None if gone or elsewhere)."""
    answer = session.get(Answer, answer_id)
    if answer is None or answer.question_id not in {q.id for q in text_questions(activity)}:
        return None
    return answer


def answer_view(
    session: Session, activity: Activity, answer: Answer, reader: Staff | None = None
) -> TextAnswer:
    """One answer as a TextAnswer (for the page that codes a single answer)."""
    question = next(q for q in activity.questions if q.id == answer.question_id)
    flag = session.scalar(select(Flag).where(Flag.answer_id == answer.id))
    row = (answer.id, question.id, answer.part, answer.text, answer.moderation, answer.is_quote)
    state = (flag.id, flag.status, flag.released_at) if flag else (None, None, None)
    themes = theme_names(session, [answer.id]).get(answer.id, ())
    return _item(question, row, reader, themes, state)
