"""Who may receive which rows: the one consent rule every research export and view asks.

Research sharing is a separate, optional yes. An activity whose research sharing is off
shares nothing with researchers; one that asked shares only the answers of the young
people who said yes. Any other value is treated as off, so a mistake shares nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, func, select
from sqlalchemy.orm import Session

from participation.activities.consent import research_wording
from participation.models import Activity, Submission
from participation.models.activities import RESEARCH_ASK


@dataclass(frozen=True)
class Sharing:
    """What an activity's research-sharing option lets reach researchers, and why."""

    shared: bool  # whether any of its answers may reach researchers
    needs_yes: bool  # only the answers of young people who said yes
    reason: str  # the sentence staff read on the research page and in the README

    def clauses(self, activity_id: int) -> list[ColumnElement[bool]]:
        """WHERE clauses choosing the activity's submissions researchers may receive."""
        clauses: list[ColumnElement[bool]] = [Submission.activity_id == activity_id]
        if not self.shared:
            clauses.append(false())
        elif self.needs_yes:
            clauses.append(Submission.research_consent.is_(True))
        return clauses


def research_shareable(activity: Activity) -> Sharing:
    """Whether (and which of) `activity`'s answers may reach researchers, with the reason."""
    asks = activity.research_sharing == RESEARCH_ASK
    return Sharing(
        shared=asks, needs_yes=asks, reason=research_wording(activity.research_sharing).staff
    )


def shareable_clauses(activity: Activity) -> list[ColumnElement[bool]]:
    """WHERE clauses for the submissions of `activity` that may be shared with researchers."""
    return research_shareable(activity).clauses(activity.id)


def count_shareable(
    session: Session, activity: Activity, *, after_id: int = 0, up_to_id: int | None = None
) -> int:
    """How many submissions of `activity` researchers may receive, within an id range."""
    query = select(func.count()).select_from(Submission).where(*shareable_clauses(activity))
    if after_id:
        query = query.where(Submission.id > after_id)
    if up_to_id is not None:
        query = query.where(Submission.id <= up_to_id)
    return session.scalar(query) or 0
