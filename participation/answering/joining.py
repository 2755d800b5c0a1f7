"""Turning a typed or scanned join code into an activity a young person can join, or a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from participation.activities import snapshot
from participation.activities.codes import normalise_join_code
from participation.activities.snapshot import ActivityData, AnyActivity
from participation.clock import utcnow
from participation.db import placeholder
from participation.models import Action, Activity, RetiredJoinCode
from participation.models.activities import ARCHIVED, CLOSED, DRAFT


class JoinProblem(StrEnum):
    """Why a code cannot be joined right now."""

    UNKNOWN = "unknown"
    RETIRED = "retired"
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    LOCKED = "locked"


@dataclass(frozen=True)
class JoinResult:
    """What a code leads to: an activity that can be joined, or a problem (maybe with the activity)."""

    code: str
    activity: AnyActivity | None = None
    problem: JoinProblem | None = None

    @property
    def joinable(self) -> ActivityData | None:
        """The activity when the young person can join it now, else None."""
        activity = self.activity
        return activity if self.problem is None and isinstance(activity, ActivityData) else None

    @property
    def reason(self) -> JoinProblem:
        """Why the code cannot be joined now (UNKNOWN when nothing more is known)."""
        return self.problem or JoinProblem.UNKNOWN


def resolve_join_code(session: Session, raw: str, now: datetime | None = None) -> JoinResult:
    """Find what a typed or scanned code leads to; case, spaces and dashes are ignored."""
    code = normalise_join_code(raw)
    if not code or len(code) > 6:
        return JoinResult(code, problem=JoinProblem.UNKNOWN)
    found = snapshot.version_by_code(session, code)
    activity = snapshot.at_version(session, *found) if found is not None else None
    if activity is None:
        archived = session.scalar(
            select(Activity)
            .where(Activity.join_code == code, Activity.status == ARCHIVED)
            .order_by(Activity.id.desc())
            .limit(1)
        )
        if archived is not None:
            return JoinResult(code, archived, JoinProblem.CLOSED)
        retired = session.scalar(
            select(RetiredJoinCode.id).where(RetiredJoinCode.code == code).limit(1)
        )
        return JoinResult(code, problem=JoinProblem.RETIRED if retired else JoinProblem.UNKNOWN)
    problem = answering_problem(activity, now)
    if problem is None and activity.joining_locked:
        problem = JoinProblem.LOCKED
    return JoinResult(code, activity, problem)


def activity_for_answering(session: Session, activity_id: int) -> ActivityData | None:
    """The activity a young person is answering as it is now, with its questions and service."""
    return snapshot.current(session, activity_id)


def answering_problem(activity: AnyActivity, now: datetime | None = None) -> JoinProblem | None:
    """Why answers cannot be sent to `activity` now (a lock stops joining, not answering)."""
    now = now or utcnow()
    if activity.status in (CLOSED, ARCHIVED):
        return JoinProblem.CLOSED
    if activity.closes_at is not None and activity.closes_at <= now:
        return JoinProblem.CLOSED
    if activity.status == DRAFT or (activity.opens_at is not None and activity.opens_at > now):
        return JoinProblem.NOT_OPEN
    return None


def count_join(session: Session, activity_id: int) -> None:
    """Add one to the activity's joined count in the database (safe with many joining at once)."""
    # Plain SQL: no onupdate of updated_at (a join is no change by staff, and its exact time
    # must leave no trace), no new content version, and nothing to compile on a busy path.
    connection = session.connection()
    connection.exec_driver_sql(
        "UPDATE activities SET joined_count = joined_count + 1 "  # noqa: S608
        f"WHERE id = {placeholder(connection)}",
        (activity_id,),
    )


def actions_for(session: Session, activity_id: int) -> list[Action]:
    """The "you said, we did" actions recorded for an activity, oldest first."""
    return list(
        session.scalars(select(Action).where(Action.activity_id == activity_id).order_by(Action.id))
    )
