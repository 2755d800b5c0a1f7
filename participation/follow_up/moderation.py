"""Approving or hiding written answers before they can appear on a shared screen.

Nothing a young person wrote reaches the live screen unless a member of staff approved it
here, and even then only after `redaction.redact`. An answer that is with the safeguarding
lead (flagged, not released) cannot be approved. Approving re-checks the words with the
active safeguarding check, so a disclosure missed when it arrived goes to the lead instead
of onto the screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.answering.submissions import active_matcher
from participation.figures.text_answers import find_text_answer, text_questions
from participation.models import Activity, Answer, Flag, Staff
from participation.models.submissions import APPROVED, HIDDEN, PENDING
from participation.privacy.redaction import redact
from participation.safeguarding.categories import label_of
from participation.safeguarding.flags import new_flag
from participation.safeguarding.visibility import withholds

DECISIONS = {"approve": APPROVED, "hide": HIDDEN}


class ModerationError(Exception):
    """A moderation request that cannot be carried out, with a message for staff."""


@dataclass(frozen=True)
class Moderated:
    """What came of a decision: the message for staff, and whether it went to the lead."""

    message: str
    flagged: bool = False


def moderate(
    session: Session, activity: Activity, answer_id: int, decision: str, staff: Staff
) -> Moderated:
    """Approve or hide one written answer; says what happened. The caller commits.

    Raises ModerationError for an answer that was withdrawn, is already in that state,
    or is with the safeguarding lead. An approval the safeguarding check objects to
    becomes a flag instead (returned with `flagged`).
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
        flag = session.scalar(select(Flag).where(Flag.answer_id == answer.id))
        if flag is not None and flag.released_at is None:
            raise ModerationError(
                "That answer is with the safeguarding lead. It cannot be shown unless they "
                "look at it and release it."
            )
        if flag is None:
            caught = _recheck(session, activity, answer, staff)
            if caught:
                return Moderated(caught, flagged=True)
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
    return Moderated(
        "Approved. It will appear on the live screen." if state == APPROVED else "Hidden."
    )


def _recheck(session: Session, activity: Activity, answer: Answer, staff: Staff) -> str:
    """Flag the answer if the active check now finds a possible disclosure; the message."""
    text = answer.text or ""
    categories = list(dict.fromkeys(m.category for m in active_matcher(session).check(text)))
    if not categories:
        return ""
    flag = new_flag(session, activity, answer.id, text, categories)
    session.flush()
    audit.record(
        session, "flagged_at_approval", staff=staff, target=flag, categories=flag.categories
    )
    kinds = ", ".join(label_of(c) for c in categories).lower()
    return (
        f"Not approved. The safeguarding check found words that may be a disclosure "
        f"({kinds}), so the answer has gone to the safeguarding lead instead. Other staff "
        "will not see its words unless the lead releases it."
    )


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
        if state is not None:  # always so: the query leaves unmoderated rows out
            counts[state] = counts.get(state, 0) + count
    return counts


def approved_for_screen(session: Session, activity: Activity, limit: int = 30) -> list[str]:
    """The newest approved written answers, redacted, as the live screen shows them."""
    ids = [q.id for q in text_questions(activity)]
    if not ids:
        return []
    query = (
        select(Answer.text)
        .outerjoin(Flag, (Flag.answer_id == Answer.id) & withholds())
        .where(Answer.question_id.in_(ids), Answer.moderation == APPROVED)
        # Belt and braces: words with the safeguarding lead never reach the screen.
        .where(Flag.id.is_(None))
        .order_by(Answer.id.desc())
        .limit(limit)
    )
    return [redact(text) for text in session.scalars(query) if text]


@dataclass(frozen=True)
class Approvals:
    """What came of approving several answers at once."""

    approved: int
    flagged: int
    skipped: int

    @property
    def message(self) -> str:
        """A sentence for staff saying what happened."""
        parts = [f"Approved {self.approved} {'answer' if self.approved == 1 else 'answers'}."]
        if self.flagged:
            parts.append(
                f"{self.flagged} went to the safeguarding lead instead: the safeguarding "
                "check found words that may be a disclosure."
            )
        if self.skipped:
            parts.append(f"{self.skipped} could not be approved (already decided, or withdrawn).")
        return " ".join(parts)


def approve_all(
    session: Session, activity: Activity, answer_ids: list[int], staff: Staff
) -> Approvals:
    """Approve every answer the lead was shown, each checked as `moderate` checks one."""
    approved = flagged = skipped = 0
    for answer_id in dict.fromkeys(answer_ids):
        try:
            done = moderate(session, activity, answer_id, "approve", staff)
        except ModerationError:
            skipped += 1
            continue
        if done.flagged:
            flagged += 1
        else:
            approved += 1
    return Approvals(approved, flagged, skipped)
