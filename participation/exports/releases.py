"""Research releases: what researchers download is a frozen, numbered snapshot, not live data.

A live extract downloaded twice, a little apart, shows exactly the rows that arrived in
between. A release instead covers the shareable submissions up to an id, and a new one
can only be made once at least k more can be shared, so two releases never differ by
fewer than k young people. Each release has its own shuffle; its rows are still chosen
by the consent rule at download time, so a withdrawal removes its row from every release.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.clock import to_hour, utcnow
from participation.exports.columns import Selection
from participation.exports.consent import count_shareable, research_shareable, shareable_clauses
from participation.exports.shuffle import new_seed
from participation.models import Activity, ResearchRelease, Staff, Submission
from participation.models.releases import BY_LEAD, ON_CLOSE
from participation.problems import Conflict


@dataclass(frozen=True)
class ReleaseState:
    """An activity's releases and how far it is from the next one."""

    releases: list[ResearchRelease]  # oldest first
    waiting: int  # shareable submissions sent since the latest release
    needed: int  # how many more are needed before the next release (0: it can be made)

    @property
    def latest(self) -> ResearchRelease | None:
        """The newest release, if any."""
        return self.releases[-1] if self.releases else None


def releases_of(session: Session, activity: Activity) -> list[ResearchRelease]:
    """The activity's releases, oldest first."""
    query = select(ResearchRelease).where(ResearchRelease.activity_id == activity.id)
    return list(session.scalars(query.order_by(ResearchRelease.number)))


def release_state(session: Session, activity: Activity) -> ReleaseState:
    """The releases of `activity` and how many more submissions the next one needs."""
    releases = releases_of(session, activity)
    after = releases[-1].last_submission_id if releases else 0
    waiting = count_shareable(session, activity, after_id=after)
    shared = research_shareable(activity).shared
    needed = max(activity.k_threshold - waiting, 0) if shared else activity.k_threshold
    return ReleaseState(releases, waiting, needed)


def get_release(session: Session, activity: Activity, number: int | None) -> ResearchRelease | None:
    """Release `number` of `activity` (the newest when None), or None."""
    query = select(ResearchRelease).where(ResearchRelease.activity_id == activity.id)
    if number is None:
        query = query.order_by(ResearchRelease.number.desc()).limit(1)
    else:
        query = query.where(ResearchRelease.number == number)
    return session.scalar(query)


def release_selection(activity: Activity, release: ResearchRelease | None) -> Selection:
    """The rows of a release as consent allows them now; no release, no rows."""
    clauses = shareable_clauses(activity)
    if release is None:
        clauses.append(Submission.id < 0)
        return Selection(tuple(clauses), 0, linked=True)
    clauses.append(Submission.id <= release.last_submission_id)
    return Selection(tuple(clauses), release.seed, linked=True)


def make_release(
    session: Session, staff: Staff | None, activity: Activity, *, reason: str = BY_LEAD
) -> ResearchRelease:
    """Release what can be shared now; Conflict when sharing is off or fewer than k are new."""
    sharing = research_shareable(activity)
    if not sharing.shared:
        raise Conflict(sharing.reason)
    state = release_state(session, activity)
    if state.needed:
        raise Conflict(_not_yet(activity.k_threshold, state))
    previous = state.latest
    after = previous.last_submission_id if previous else 0
    last_id = session.scalar(
        select(func.max(Submission.id)).where(*shareable_clauses(activity), Submission.id > after)
    )
    assert last_id is not None  # at least k were counted just now
    release = ResearchRelease(
        activity_id=activity.id,
        number=(previous.number if previous else 0) + 1,
        created_at=to_hour(utcnow()),
        last_submission_id=last_id,
        submissions=count_shareable(session, activity, up_to_id=last_id),
        added=count_shareable(session, activity, after_id=after, up_to_id=last_id),
        seed=new_seed(),
        reason=reason,
    )
    try:
        with session.begin_nested():
            session.add(release)
    except IntegrityError as exc:  # another lead released at the same moment
        raise Conflict("Someone else has just made a release. Reload the page.") from exc
    audit.record(
        session,
        "research_release_made",
        staff=staff,
        target=activity,
        number=release.number,
        rows=release.submissions,
        added=release.added,
        reason=reason,
    )
    return release


def release_if_ready(
    session: Session, staff: Staff | None, activity: Activity, *, reason: str = BY_LEAD
) -> ResearchRelease | None:
    """Release what is new if at least k more can be shared; else nothing."""
    if research_shareable(activity).shared and not release_state(session, activity).needed:
        return make_release(session, staff, activity, reason=reason)
    return None


def release_on_close(session: Session, staff: Staff | None, activity: Activity) -> None:
    """When an activity closes, release what is new if at least k can be shared."""
    release_if_ready(session, staff, activity, reason=ON_CLOSE)


def _not_yet(k: int, state: ReleaseState) -> str:
    some = "more " if state.releases else ""
    return (
        f"A new release needs the answers of at least {k} {some}young people who can be shared. "
        f"{state.waiting} so far: {state.needed} more needed."
    )


def not_yet_message(activity: Activity, state: ReleaseState) -> str:
    """Why no release can be made yet, for the lead."""
    sharing = research_shareable(activity)
    return sharing.reason if not sharing.shared else _not_yet(activity.k_threshold, state)
