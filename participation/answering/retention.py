"""Retention: delete young people's answers once an activity's retention period has passed.

An activity's answers are kept for `retention_days` after it closed. After that its
submissions and answers (and what hangs off them: themes given to answers, safeguarding
flags) are deleted; the activity itself, its questions and the staff's "you said, we did"
actions stay. Purging is idempotent: a purged activity has nothing left to delete.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.clock import utcnow
from participation.models import Activity, Answer, AnswerTheme, Flag, Submission


@dataclass(frozen=True)
class Purged:
    """What purging one activity deleted."""

    activity_id: int
    title: str
    closed_at: datetime
    retention_days: int
    submissions: int
    answers: int


def retention_ends(activity: Activity) -> datetime | None:
    """When the activity's answers are due for deletion, or None while it has not closed."""
    if activity.closed_at is None:
        return None
    return activity.closed_at + timedelta(days=activity.retention_days)


def expired_activities(session: Session, now: datetime | None = None) -> list[Activity]:
    """Closed activities past their retention period that still hold submissions."""
    now = now or utcnow()
    has_submissions = exists().where(Submission.activity_id == Activity.id)
    candidates = session.scalars(
        select(Activity)
        .where(Activity.closed_at.is_not(None), Activity.closed_at <= now, has_submissions)
        .order_by(Activity.closed_at, Activity.id)
    )
    # Adding days to a timestamp is written differently in every SQL dialect; the number
    # of closed activities is small, so the last comparison happens here.
    return [a for a in candidates if (ends := retention_ends(a)) is not None and ends <= now]


def purge_activity(session: Session, activity: Activity) -> Purged:
    """Delete an activity's submissions and answers and audit it; the caller commits."""
    submissions = select(Submission.id).where(Submission.activity_id == activity.id)
    answers = select(Answer.id).where(Answer.submission_id.in_(submissions))
    submission_count = session.scalar(select(func.count()).select_from(submissions.subquery()))
    answer_count = session.scalar(select(func.count()).select_from(answers.subquery()))
    purged = Purged(
        activity_id=activity.id,
        title=activity.title,
        closed_at=activity.closed_at or utcnow(),
        retention_days=activity.retention_days,
        submissions=submission_count or 0,
        answers=answer_count or 0,
    )
    # Child rows first, so the purge does not depend on the database cascading deletes.
    for statement in (
        delete(AnswerTheme).where(AnswerTheme.answer_id.in_(answers)),
        delete(Flag).where(Flag.answer_id.in_(answers)),
        delete(Answer).where(Answer.submission_id.in_(submissions)),
        delete(Submission).where(Submission.activity_id == activity.id),
    ):
        session.execute(statement, execution_options={"synchronize_session": False})
    audit.record(
        session,
        "retention_purge",
        staff=None,
        target=activity,
        submissions=purged.submissions,
        answers=purged.answers,
        retention_days=purged.retention_days,
        closed_at=purged.closed_at.isoformat(timespec="minutes"),
    )
    return purged


def purge_if_expired(
    session: Session, activity_id: int, now: datetime | None = None
) -> Purged | None:
    """Purge one activity if it is (still) past retention with answers left; else None."""
    activity = session.get(Activity, activity_id)
    if activity is None or activity not in expired_activities(session, now):
        return None
    return purge_activity(session, activity)


def summary_line(purged: list[Purged]) -> str:
    """One line for logs and cron mail: what a purge run deleted."""
    if not purged:
        return "Purge: nothing to delete; no activity is past its retention period."
    submissions = sum(p.submissions for p in purged)
    answers = sum(p.answers for p in purged)
    activities = f"{len(purged)} activit{'y' if len(purged) == 1 else 'ies'}"
    return (
        f"Purge: deleted {submissions} submission{'s' if submissions != 1 else ''} and "
        f"{answers} answer{'s' if answers != 1 else ''} from {activities} past retention."
    )
