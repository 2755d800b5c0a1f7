"""Approving or hiding written answers before they can appear on a shared screen.

Nothing a young person wrote reaches the live screen unless a member of staff approved it
here, and even then only after `redaction.redact`. An answer the safeguarding check flagged
is never approved automatically, and cannot be approved until a safeguarding lead has
recorded what they did about it.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.figures.text_answers import find_text_answer, text_questions
from participation.models import Activity, Answer, Flag, Staff
from participation.models.submissions import APPROVED, HIDDEN, PENDING
from participation.models.work import FLAG_NEW
from participation.privacy.redaction import redact

DECISIONS = {"approve": APPROVED, "hide": HIDDEN}


class ModerationError(Exception):
    """A moderation request that cannot be carried out, with a message for staff."""


def moderate(
    session: Session, activity: Activity, answer_id: int, decision: str, staff: Staff
) -> str:
    """Approve or hide one written answer; returns a confirmation. The caller commits.

    Raises ModerationError for an answer that was withdrawn, is already in that state,
    or is flagged and waiting for the safeguarding lead.
    """
    if decision not in DECISIONS:
        raise ModerationError("Choose whether to approve or hide the answer.")
    answer = find_text_answer(session, activity, answer_id)
    if answer is None:
        raise ModerationError(
            "That answer is no longer here. The young person may have withdrawn their "
            "answers, so there is nothing to approve or hide."
        )
    state = DECISIONS[decision]
    if answer.moderation == state:
        raise ModerationError(
            "That answer is already approved, so it can be shown on the live screen."
            if state == APPROVED
            else "That answer is already hidden."
        )
    if state == APPROVED:
        flag_status = session.scalar(select(Flag.status).where(Flag.answer_id == answer.id))
        if flag_status == FLAG_NEW:
            raise ModerationError(
                "That answer was flagged for the safeguarding lead. It cannot be shown until "
                "they have looked at it and recorded what they did."
            )
    answer.moderation = state
    audit.record(
        session,
        "answer_moderated",
        staff=staff,
        target=answer,
        service_id=activity.service_id,
        activity_id=activity.id,
        decision=decision,
    )
    return "Approved. It will appear on the live screen." if state == APPROVED else "Hidden."


def moderation_counts(session: Session, activity: Activity) -> dict[str, int]:
    """{state: how many written answers are pending, approved or hidden}."""
    ids = [q.id for q in text_questions(activity)]
    counts = dict.fromkeys((PENDING, APPROVED, HIDDEN), 0)
    if not ids:
        return counts
    # Grouped in the text-only index's own order, so no sort is needed.
    query = (
        select(Answer.moderation, func.count())
        .where(Answer.question_id.in_(ids), Answer.moderation.is_not(None))
        .group_by(Answer.question_id, Answer.moderation)
    )
    for state, count in session.execute(query):
        counts[state] = counts.get(state, 0) + count
    return counts


def approved_for_screen(session: Session, activity: Activity, limit: int = 30) -> list[str]:
    """The newest approved written answers, redacted, as the live screen shows them."""
    ids = [q.id for q in text_questions(activity)]
    if not ids:
        return []
    query = (
        select(Answer.text)
        .outerjoin(Flag, Flag.answer_id == Answer.id)
        .where(Answer.question_id.in_(ids), Answer.moderation == APPROVED)
        # Belt and braces: a flag still waiting for its lead keeps the text off the screen.
        .where((Flag.id.is_(None)) | (Flag.status != FLAG_NEW))
        .order_by(Answer.id.desc())
        .limit(limit)
    )
    return [redact(text) for text in session.scalars(query) if text]
