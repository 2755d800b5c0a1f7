"""The safeguarding queue: possible disclosures for a service's designated safeguarding leads.

A flag belongs to the service that ran the activity. Its safeguarding leads, and those of
the Hub above it, see it (scoping.py decides); nobody else does. Leads record what they did
and every view and record is audited. Leads add to the check's rules in phrases.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Row, case, func, select, update
from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.accounts.scoping import get_visible, service_filter
from participation.clock import utcnow
from participation.models import Activity, Flag, Service, Staff
from participation.models.work import FLAG_NEW, FLAG_OUTCOMES
from participation.problems import FieldProblem
from participation.safeguarding.categories import (
    CATEGORIES,
    QUEUE_ORDER,
    RENAMED,
    label_of,
    most_urgent,
)
from participation.safeguarding.check import Match
from participation.safeguarding.visibility import may_read_flagged

OUTCOME_LABELS = {
    "reviewed": "Reviewed – no further action needed now",
    "discussed": "Discussed with the group's worker",
    "referred": "Referred (for example to children's social care or the police)",
    "no_concern": "No concern – the words were not a disclosure",
}
STATUS_LABELS: dict[str, str] = {
    FLAG_NEW: "New",
    **{key: key.replace("_", " ").capitalize() for key in FLAG_OUTCOMES},
}
# Every category's label, including the keys used before the categories were split up.
CATEGORY_LABELS = {key: label_of(key) for key in (*CATEGORIES, *RENAMED)}
MAX_NOTE = 2000
PER_PAGE = 25  # rows (single flags or bursts) a page
BURST_SHOWN = 500  # flags of one burst listed on its page (an outcome covers them all)


class SafeguardingError(FieldProblem):
    """A request staff need to correct, with a message and the form field it concerns."""


@dataclass(frozen=True)
class QueueRow:
    """One row of the queue: a single flag, or a burst of near-duplicate flags."""

    group_key: str
    count: int
    flag_id: int  # the newest flag of the row
    severity: int
    status: str
    source: str
    categories: tuple[str, ...]
    activity_title: str
    service_name: str
    first_at: datetime
    last_at: datetime
    reviewed_at: datetime | None

    @property
    def grouped(self) -> bool:
        """Whether the row stands for several similar answers."""
        return self.count > 1


@dataclass(frozen=True)
class QueuePage:
    """One page of queue rows, and how many rows and flags there are in all."""

    rows: tuple[QueueRow, ...]
    total_rows: int
    total_flags: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, math.ceil(self.total_rows / self.per_page))


@dataclass(frozen=True)
class CategoryCount:
    """How many new flags have `key` as their most urgent category."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Badge:
    """The staff menu's count of new flags, with the count in each category."""

    total: int
    categories: tuple[CategoryCount, ...]

    @property
    def description(self) -> str:
        """The breakdown in words, such as "2 Suicide, 1 Bullying"."""
        return ", ".join(f"{c.count} {c.label}" for c in self.categories)


def may_use_queue(staff: Staff) -> bool:
    """Whether `staff` is a designated safeguarding lead who may see flags (never researchers)."""
    return may_read_flagged(staff)


def category_labels(categories: str) -> tuple[str, ...]:
    """The plain-English names of a flag's comma-separated categories."""
    return tuple(label_of(c) for c in categories.split(",") if c)


def main_category(categories: str) -> str:
    """The most urgent of a flag's comma-separated categories (queue order breaks ties)."""
    keys = [RENAMED.get(c, c) for c in categories.split(",") if c]
    return most_urgent(keys) or (keys[0] if keys else "")


def category_counts(session: Session, staff: Staff) -> tuple[CategoryCount, ...]:
    """New flags in `staff`'s services counted by their most urgent category, in queue order."""
    query = (
        select(Flag.categories, func.count())
        .where(Flag.status == FLAG_NEW, service_filter(session, staff, Flag.service_id))
        .group_by(Flag.categories)
    )
    counts: dict[str, int] = {}
    for categories, count in session.execute(query):
        key = main_category(categories)
        counts[key] = counts.get(key, 0) + count
    ordered = sorted(counts, key=lambda k: QUEUE_ORDER.get(k, len(QUEUE_ORDER)))
    return tuple(CategoryCount(k, label_of(k), counts[k]) for k in ordered)


def badge(session: Session, staff: Staff) -> Badge | None:
    """The menu badge for `staff`: None unless they are a safeguarding lead."""
    if not may_use_queue(staff):
        return None
    counts = category_counts(session, staff)
    return Badge(sum(c.count for c in counts), counts)


def new_flag_count(session: Session, staff: Staff) -> int:
    """How many flags in `staff`'s services still need a lead (indexed by status and service)."""
    query = (
        select(func.count())
        .select_from(Flag)
        .where(Flag.status == FLAG_NEW, service_filter(session, staff, Flag.service_id))
    )
    return session.scalar(query) or 0


# One row of the queue's GROUP BY: (group key, severity, n, first created, last created,
# last created or reviewed, latest flag id)
GroupRow = Row[str, int, int, datetime, datetime, datetime | None, int]


def queue(
    session: Session, staff: Staff, *, done: bool = False, page: int = 1, per_page: int = PER_PAGE
) -> QueuePage:
    """One page of the flags `staff` may see, a burst of near-duplicates counting as one row.

    New flags: most urgent first, then newest first. Flags with an outcome: the most
    recently dealt with first.
    """
    scope = service_filter(session, staff, Flag.service_id)
    status = Flag.status != FLAG_NEW if done else Flag.status == FLAG_NEW
    severity = func.min(Flag.severity).label("severity")
    last = func.max(Flag.reviewed_at if done else Flag.created_at).label("last")
    latest = func.max(Flag.id).label("latest")
    groups = (
        select(
            Flag.group_key,
            severity,
            func.count().label("n"),
            func.min(Flag.created_at),
            func.max(Flag.created_at),
            last,
            latest,
        )
        .where(status, scope)
        .group_by(Flag.group_key)
    )
    counted = groups.subquery()
    totals = session.execute(
        select(func.count(), func.coalesce(func.sum(counted.c.n), 0)).select_from(counted)
    ).one()
    pages = max(1, math.ceil(totals[0] / per_page))
    page = min(max(page, 1), pages)
    order = (last.desc(), latest.desc()) if done else (severity, last.desc(), latest.desc())
    found = session.execute(
        groups.order_by(*order).limit(per_page).offset((page - 1) * per_page)
    ).all()
    details = {
        flag.id: (flag, title, service_name)
        for flag, title, service_name in session.execute(
            select(Flag, Activity.title, Service.name)
            .join(Activity, Activity.id == Flag.activity_id)
            .join(Service, Service.id == Flag.service_id)
            .where(Flag.id.in_([row.latest for row in found]))
        )
    }
    rows = tuple(_row(row, *details[row.latest]) for row in found)
    return QueuePage(rows, totals[0], totals[1], page, per_page)


def _row(group: GroupRow, flag: Flag, title: str, service_name: str) -> QueueRow:
    return QueueRow(
        group_key=group.group_key,
        count=group.n,
        flag_id=flag.id,
        severity=group.severity,
        status=flag.status,
        source=flag.source,
        categories=category_labels(flag.categories),
        activity_title=title,
        service_name=service_name,
        first_at=group[3],
        last_at=group[4],
        reviewed_at=flag.reviewed_at,
    )


@dataclass(frozen=True)
class Burst:
    """One burst of similar flags: how many, when, how many are new, and the newest ones."""

    key: str
    total: int
    waiting: int
    first_at: datetime
    last_at: datetime
    flags: tuple[Flag, ...]  # newest first, at most BURST_SHOWN


def _in_burst(session: Session, staff: Staff, group_key: str) -> list[ColumnElement[bool]]:
    return [Flag.group_key == group_key, service_filter(session, staff, Flag.service_id)]


def burst(session: Session, staff: Staff, group_key: str) -> Burst | None:
    """The burst `group_key` as far as `staff` may see it (None when they see none of it)."""
    where = _in_burst(session, staff, group_key)
    total, waiting, first_at, last_at = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((Flag.status == FLAG_NEW, 1), else_=0)), 0),
            func.min(Flag.created_at),
            func.max(Flag.created_at),
        ).where(*where)
    ).one()
    if not total:
        return None
    newest = select(Flag).where(*where).order_by(Flag.created_at.desc(), Flag.id.desc())
    flags = tuple(session.scalars(newest.limit(BURST_SHOWN)))
    return Burst(group_key, total, waiting, first_at, last_at, flags)


def burst_size(session: Session, staff: Staff, group_key: str) -> int:
    """How many flags of the burst `group_key` `staff` may see."""
    query = select(func.count()).select_from(Flag).where(*_in_burst(session, staff, group_key))
    return session.scalar(query) or 0


def record_group_outcome(
    session: Session, staff: Staff, group_key: str, outcome: str, note: str
) -> int:
    """Record one outcome for every new flag of a burst; how many. Audited; caller commits."""
    note = _checked_note(outcome, note)
    found = session.execute(
        select(Flag.id, Flag.service_id).where(
            *_in_burst(session, staff, group_key), Flag.status == FLAG_NEW
        )
    ).all()
    if not found:
        return 0
    session.execute(
        update(Flag)
        .where(Flag.id.in_([row.id for row in found]))
        .values(status=outcome, outcome_note=note, reviewed_by_id=staff.id, reviewed_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    audit.record(
        session,
        "flag_group_reviewed",
        staff=staff,
        service_id=found[0].service_id,
        outcome=outcome,
        flags=len(found),
    )
    return len(found)


def get_flag(session: Session, staff: Staff, flag_id: int) -> Flag:
    """The flag `flag_id`, or a 404 when it does not exist or belongs to another service."""
    return get_visible(session, staff, Flag, flag_id)


def matches(session: Session, text: str) -> list[Match]:
    """Which active phrases the text matches (to show the lead why it was flagged)."""
    from participation.answering.submissions import active_matcher

    return active_matcher(session).check(text)


def record_view(session: Session, flag: Flag, staff: Staff) -> None:
    """Audit that `staff` read a flagged answer."""
    audit.record(session, "flag_viewed", staff=staff, target=flag)


def record_outcome(session: Session, flag: Flag, staff: Staff, outcome: str, note: str) -> None:
    """Record what the lead did about a flag (may be updated later); audited. Caller commits."""
    note = _checked_note(outcome, note)
    previous = flag.status
    flag.status = outcome
    flag.outcome_note = note
    flag.reviewed_by_id = staff.id
    flag.reviewed_at = utcnow()
    # The note stays on the flag: the audit trail records who and what, never about whom.
    audit.record(
        session, "flag_reviewed", staff=staff, target=flag, outcome=outcome, previous=previous
    )


def _checked_note(outcome: str, note: str) -> str:
    note = note.strip()
    if outcome not in FLAG_OUTCOMES:
        raise SafeguardingError("outcome", "Select what you did about this answer.")
    if not note:
        raise SafeguardingError("note", "Enter a note of what you did, or why there is no concern.")
    if len(note) > MAX_NOTE:
        raise SafeguardingError("note", f"The note must be {MAX_NOTE} characters or fewer.")
    return note
