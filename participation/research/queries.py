"""What the research pages list: the activities a member of staff may export."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from participation.accounts.scoping import service_filter
from participation.exports.columns import exported_row_count
from participation.exports.consent import Sharing, research_shareable
from participation.exports.releases import ReleaseState, release_state
from participation.models import Activity, Staff, Submission
from participation.models.activities import DRAFT
from participation.privacy.suppression import Cell, suppress_value


@dataclass(frozen=True)
class ExportableActivity:
    """An activity with its response counts, small numbers suppressed."""

    activity: Activity
    responses: Cell
    shareable: Cell
    rows_shared: bool  # whether an export would hold any rows (at least k can be shared)
    sharing: Sharing
    releases: ReleaseState


def research_activities(session: Session, staff: Staff) -> list[ExportableActivity]:
    """Activities in `staff`'s scope that have been opened, newest first, with counts."""
    counts = (
        select(
            Submission.activity_id,
            func.count().label("responses"),
            func.sum(case((Submission.research_consent.is_(True), 1), else_=0)).label("said_yes"),
        )
        .group_by(Submission.activity_id)
        .subquery()
    )
    query = (
        select(Activity, counts.c.responses, counts.c.said_yes)
        .outerjoin(counts, counts.c.activity_id == Activity.id)
        .where(service_filter(session, staff, Activity.service_id), Activity.status != DRAFT)
        .options(selectinload(Activity.service), selectinload(Activity.participation_type))
        .order_by(Activity.created_at.desc(), Activity.id.desc())
    )
    listed = []
    for activity, responses, said_yes in session.execute(query):
        k = activity.k_threshold
        sharing = research_shareable(activity)
        shareable = int((said_yes if sharing.needs_yes else responses) or 0)
        if not sharing.shared:
            shareable = 0
        listed.append(
            ExportableActivity(
                activity,
                suppress_value(int(responses or 0), k),
                suppress_value(shareable, k),
                exported_row_count(shareable, k) > 0,
                sharing,
                release_state(session, activity),
            )
        )
    return listed


def activity_in_scope(session: Session, staff: Staff, activity_id: int) -> Activity | None:
    """The activity with `activity_id` if `staff` may see it, else None."""
    activity = session.get(Activity, activity_id)
    if activity is None:
        return None
    allowed = session.scalar(
        select(Activity.id).where(
            Activity.id == activity_id, service_filter(session, staff, Activity.service_id)
        )
    )
    return activity if allowed else None
