"""Giving or taking one theme on many written answers in one step.

A lead ticks answers on the written answers page, or asks for every answer matching their
search, and gives (or takes off) a theme. Answers whose words are withheld for the
safeguarding lead are never included: coding them would let their words be guessed.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.figures.text_answers import MAX_SEARCH, text_questions
from participation.models import Activity, Answer, AnswerTheme, Staff, Theme
from participation.safeguarding.visibility import withheld_answer_ids

MAX_BULK = 5000  # answers in one step; a bigger job is done a search at a time


def _eligible(activity: Activity, question_id: int | None) -> list[int]:
    ids = [q.id for q in text_questions(activity)]
    if question_id is not None:
        ids = [i for i in ids if i == question_id]
    return ids


def matching_answer_ids(
    session: Session, activity: Activity, *, search: str = "", question_id: int | None = None
) -> list[int]:
    """Ids of the activity's written answers matching the search (as the answers page reads it)."""
    questions = _eligible(activity, question_id)
    if not questions:
        return []
    search = " ".join(search.split())[:MAX_SEARCH]
    query = select(Answer.id).where(
        Answer.question_id.in_(questions),
        Answer.text.is_not(None),
        Answer.id.not_in(withheld_answer_ids()),
    )
    if search:
        query = query.where(Answer.text.icontains(search, autoescape=True))
    return list(session.scalars(query.order_by(Answer.id.desc()).limit(MAX_BULK)))


def chosen_answer_ids(session: Session, activity: Activity, answer_ids: Iterable[int]) -> list[int]:
    """The ticked ids that really are this activity's written, readable answers."""
    wanted = sorted(set(answer_ids))[:MAX_BULK]
    if not wanted:
        return []
    return list(
        session.scalars(
            select(Answer.id).where(
                Answer.id.in_(wanted),
                Answer.question_id.in_(_eligible(activity, None)),
                Answer.id.not_in(withheld_answer_ids()),
            )
        )
    )


def apply_theme(
    session: Session, staff: Staff, theme: Theme, answer_ids: list[int], *, remove: bool = False
) -> int:
    """Give `theme` to (or take it off) the answers; returns how many changed. Caller commits."""
    if not answer_ids:
        return 0
    having = set(
        session.scalars(
            select(AnswerTheme.answer_id).where(
                AnswerTheme.theme_id == theme.id, AnswerTheme.answer_id.in_(answer_ids)
            )
        )
    )
    if remove:
        changed = sorted(having)
        if changed:
            session.execute(
                delete(AnswerTheme).where(
                    AnswerTheme.theme_id == theme.id, AnswerTheme.answer_id.in_(changed)
                )
            )
    else:
        changed = [answer_id for answer_id in answer_ids if answer_id not in having]
        session.add_all(AnswerTheme(answer_id=a, theme_id=theme.id) for a in changed)
    session.flush()
    audit.record(
        session,
        "answers_unthemed" if remove else "answers_themed",
        staff=staff,
        target=theme,
        service_id=theme.service_id,
        answers=len(changed),
    )
    return len(changed)
