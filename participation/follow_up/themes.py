"""Themes: qualitative codes staff give written answers, per service, with suppressed counts.

A theme belongs to one service. Answers from a Spoke's activity can be coded with the
Spoke's themes or its Hub's. Every change is audited; counts of coded answers go through
`disclosure.suppress` like every other breakdown.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, insert, literal, select, update
from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.accounts.scoping import service_filter
from participation.models import (
    Action,
    Activity,
    Answer,
    AnswerTheme,
    Flag,
    ParticipationType,
    Question,
    Service,
    Staff,
    Theme,
)
from participation.models.activities import TEXT_KINDS
from participation.privacy.redaction import redact
from participation.privacy.suppression import Cell, suppress
from participation.safeguarding.visibility import withholds, words_for

MAX_NAME = 80
DEFAULT_K = 5


class ThemeError(Exception):
    """A theme change staff need to correct, with a message for the form field."""


@dataclass(frozen=True)
class ThemeSummary:
    """A theme in the list, with how many answers carry it (suppressed)."""

    id: int
    name: str
    service_id: int
    service_name: str
    answers: Cell


@dataclass(frozen=True)
class Breakdown:
    """Suppressed counts of a theme's answers, by activity and by participation type."""

    by_activity: tuple[tuple[int, str, Cell], ...]  # (activity id, title, answers)
    by_type: tuple[tuple[str, Cell], ...]


@dataclass(frozen=True)
class Quote:
    """An answer staff picked as a quote, redacted of personal details."""

    answer_id: int
    activity_id: int
    prompt: str
    text: str


def clean_name(name: str) -> str:
    """A theme name with spaces tidied; raises ThemeError when empty or too long."""
    name = " ".join((name or "").split())
    if not name:
        raise ThemeError("Enter a name for the theme.")
    if len(name) > MAX_NAME:
        raise ThemeError(f"The name must be {MAX_NAME} characters or fewer.")
    return name


def _check_clash(session: Session, service_id: int, name: str, exclude: int | None = None) -> None:
    query = select(Theme.name).where(
        Theme.service_id == service_id, func.lower(Theme.name) == name.lower()
    )
    if exclude is not None:
        query = query.where(Theme.id != exclude)
    clash = session.scalar(query)
    if clash is not None:
        raise ThemeError(f"There is already a theme called “{clash}” for this service.")


def themes_for(session: Session, staff: Staff) -> list[ThemeSummary]:
    """The themes of every service `staff` can see, by service then name."""
    counts = (
        select(AnswerTheme.theme_id, func.count().label("n"))
        .group_by(AnswerTheme.theme_id)
        .subquery()
    )
    rows = session.execute(
        select(Theme.id, Theme.name, Theme.service_id, Service.name, counts.c.n)
        .join(Service, Service.id == Theme.service_id)
        .outerjoin(counts, counts.c.theme_id == Theme.id)
        .where(service_filter(session, staff, Theme.service_id))
        .order_by(Service.name, Theme.name)
    ).all()
    summaries: list[ThemeSummary] = []
    for service_id in dict.fromkeys(row[2] for row in rows):
        mine = [row for row in rows if row[2] == service_id]
        # An answer can carry several themes: no total exists to subtract from.
        table = suppress({row[0]: row[4] or 0 for row in mine}, DEFAULT_K, total=0)
        summaries.extend(
            ThemeSummary(row[0], row[1], row[2], row[3], table.cells[row[0]]) for row in mine
        )
    return summaries


def themes_for_activity(session: Session, activity: Activity) -> list[Theme]:
    """The themes an activity's answers can be coded with: its service's and its Hub's."""
    service_ids = [activity.service_id]
    if activity.service.parent_id is not None:
        service_ids.append(activity.service.parent_id)
    return list(
        session.scalars(select(Theme).where(Theme.service_id.in_(service_ids)).order_by(Theme.name))
    )


def create_theme(session: Session, service_id: int, name: str, staff: Staff) -> Theme:
    """Create a theme for a service; raises ThemeError for a clashing name. Caller commits."""
    name = clean_name(name)
    _check_clash(session, service_id, name)
    theme = Theme(service_id=service_id, name=name)
    session.add(theme)
    session.flush()
    audit.record(session, "theme_created", staff=staff, target=theme, name=name)
    return theme


def rename_theme(session: Session, theme: Theme, name: str, staff: Staff) -> None:
    """Rename a theme; raises ThemeError for a clashing name. Caller commits."""
    name = clean_name(name)
    if name == theme.name:
        raise ThemeError("That is already the theme's name.")
    _check_clash(session, theme.service_id, name, exclude=theme.id)
    previous, theme.name = theme.name, name
    audit.record(session, "theme_renamed", staff=staff, target=theme, name=name, previous=previous)


def merge_themes(session: Session, source: Theme, target: Theme, staff: Staff) -> int:
    """Move `source`'s answers and actions to `target` and delete `source`; answers moved."""
    if source.id == target.id:
        raise ThemeError("Choose a different theme to merge into.")
    if source.service_id != target.service_id:
        raise ThemeError("Themes can only be merged with another theme of the same service.")
    already = select(AnswerTheme.answer_id).where(AnswerTheme.theme_id == target.id)
    moving = select(AnswerTheme.answer_id, literal(target.id)).where(
        AnswerTheme.theme_id == source.id, AnswerTheme.answer_id.not_in(already)
    )
    moved = session.scalar(select(func.count()).select_from(moving.subquery())) or 0
    session.execute(insert(AnswerTheme).from_select(["answer_id", "theme_id"], moving))
    session.execute(delete(AnswerTheme).where(AnswerTheme.theme_id == source.id))
    session.execute(update(Action).where(Action.theme_id == source.id).values(theme_id=target.id))
    audit.record(
        session, "theme_merged", staff=staff, target=target, merged=source.name, into=target.name
    )
    session.delete(source)
    session.flush()
    return moved


def tag_answer(session: Session, answer: Answer, theme: Theme, staff: Staff) -> None:
    """Give an answer a theme; raises ThemeError if it already has it. Caller commits."""
    if session.get(AnswerTheme, (answer.id, theme.id)) is not None:
        raise ThemeError(f"This answer already has the theme “{theme.name}”.")
    session.add(AnswerTheme(answer_id=answer.id, theme_id=theme.id))
    audit.record(
        session,
        "answer_themed",
        staff=staff,
        target=answer,
        service_id=theme.service_id,
        theme_id=theme.id,
    )


def untag_answer(session: Session, answer: Answer, theme: Theme, staff: Staff) -> bool:
    """Take a theme off an answer; False when it did not have it. Caller commits."""
    link = session.get(AnswerTheme, (answer.id, theme.id))
    if link is None:
        return False
    session.delete(link)
    audit.record(
        session,
        "answer_unthemed",
        staff=staff,
        target=answer,
        service_id=theme.service_id,
        theme_id=theme.id,
    )
    return True


def set_quote(
    session: Session, answer: Answer, is_quote: bool, staff: Staff, service_id: int
) -> None:
    """Pick an answer as a quote, or stop using it as one. Caller commits."""
    answer.is_quote = is_quote
    audit.record(
        session,
        "quote_picked" if is_quote else "quote_dropped",
        staff=staff,
        target=answer,
        service_id=service_id,
    )


def breakdown(session: Session, theme: Theme, staff: Staff) -> Breakdown:
    """Suppressed counts of the theme's answers per activity and per participation type."""
    base = (
        select(
            Activity.id, Activity.title, ParticipationType.name, Activity.k_threshold, func.count()
        )
        .select_from(AnswerTheme)
        .join(Answer, Answer.id == AnswerTheme.answer_id)
        .join(Question, Question.id == Answer.question_id)
        .join(Activity, Activity.id == Question.activity_id)
        .join(ParticipationType, ParticipationType.id == Activity.participation_type_id)
        .where(
            AnswerTheme.theme_id == theme.id, service_filter(session, staff, Activity.service_id)
        )
        .group_by(Activity.id, Activity.title, ParticipationType.name, Activity.k_threshold)
        .order_by(Activity.title)
    )
    rows = session.execute(base).all()
    k = max([DEFAULT_K, *(row[3] for row in rows)])
    by_activity = suppress({row[0]: row[4] for row in rows}, k)
    per_type: dict[str, int] = {}
    for row in rows:
        per_type[row[2]] = per_type.get(row[2], 0) + row[4]
    by_type = suppress(per_type, k)
    return Breakdown(
        by_activity=tuple((row[0], row[1], by_activity.cells[row[0]]) for row in rows),
        by_type=tuple(sorted(by_type.cells.items())),
    )


def quotes(session: Session, theme: Theme, staff: Staff, limit: int = 50) -> list[Quote]:
    """Answers with this theme that staff picked as quotes, redacted (or withheld)."""
    query = (
        select(Answer.id, Activity.id, Question.prompt, Answer.text, Flag.id.is_not(None))
        .join(AnswerTheme, AnswerTheme.answer_id == Answer.id)
        .outerjoin(Flag, (Flag.answer_id == Answer.id) & withholds())
        .join(Question, Question.id == Answer.question_id)
        .join(Activity, Activity.id == Question.activity_id)
        .where(
            AnswerTheme.theme_id == theme.id,
            Answer.is_quote.is_(True),
            service_filter(session, staff, Activity.service_id),
        )
        .order_by(Answer.id.desc())
        .limit(limit)
    )
    return [
        Quote(answer_id, activity_id, prompt, words_for(staff, redact(text or ""), withheld=held))
        for answer_id, activity_id, prompt, text, held in session.execute(query)
    ]


def activity_theme_counts(session: Session, activity: Activity) -> list[tuple[int, str, Cell]]:
    """(theme id, name, answers) for the themes given to an activity's answers, largest first."""
    question_ids = [q.id for q in activity.questions if q.kind in TEXT_KINDS]
    theme_ids = [theme.id for theme in themes_for_activity(session, activity)]
    if not question_ids or not theme_ids:
        return []
    answers = func.count(AnswerTheme.answer_id)
    rows = session.execute(
        select(Theme.id, Theme.name, answers)
        .join(AnswerTheme, AnswerTheme.theme_id == Theme.id)
        .join(Answer, Answer.id == AnswerTheme.answer_id)
        # "+ 0" keeps SQLite from walking every answer of the questions: it starts from the
        # few coded answers of these themes and looks each answer up by its id instead.
        .where(Theme.id.in_(theme_ids), (Answer.question_id + 0).in_(question_ids))
        .group_by(Theme.id, Theme.name)
        .order_by(answers.desc(), Theme.name)
    ).all()
    # An answer may carry several themes, so there is no total to protect beyond the cells.
    table = suppress({row[0]: row[2] for row in rows}, activity.k_threshold, total=0)
    return [(row[0], row[1], table.cells[row[0]]) for row in rows]
