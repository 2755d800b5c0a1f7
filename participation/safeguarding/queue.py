"""The safeguarding queue: possible disclosures for a service's designated safeguarding leads.

A flag belongs to the service that ran the activity. Its safeguarding leads, and those of
the Hub above it, see it (scoping.py decides); nobody else does. Leads record what they did
and every view and record is audited. Leads add to the check's rules in phrases.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import g, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.accounts.scoping import get_visible, service_filter
from participation.clock import utcnow
from participation.db import get_session
from participation.models import Activity, Flag, Service, Staff
from participation.models.staff import RESEARCHER
from participation.models.work import FLAG_NEW, FLAG_OUTCOMES
from participation.problems import FieldProblem
from participation.safeguarding.categories import CATEGORIES, RENAMED, label_of
from participation.safeguarding.check import Match

OUTCOME_LABELS = {
    "reviewed": "Reviewed – no further action needed now",
    "discussed": "Discussed with the group's worker",
    "referred": "Referred (for example to children's social care or the police)",
    "no_concern": "No concern – the words were not a disclosure",
}
STATUS_LABELS = {
    FLAG_NEW: "New",
    **{key: key.replace("_", " ").capitalize() for key in FLAG_OUTCOMES},
}
# Every category's label, including the keys used before the categories were split up.
CATEGORY_LABELS = {key: label_of(key) for key in (*CATEGORIES, *RENAMED)}
MAX_NOTE = 2000
QUEUE_LIMIT = 200
# Endpoints that poll: the badge query would only add load to them.
NO_BADGE_ENDPOINTS = {"results.live_json", "static"}
STAFF_BLUEPRINTS = {"results", "studio", "research", "admin", "auth"}


class SafeguardingError(FieldProblem):
    """A request staff need to correct, with a message and the form field it concerns."""


@dataclass(frozen=True)
class QueueItem:
    """One line of the safeguarding queue."""

    flag_id: int
    status: str
    categories: tuple[str, ...]
    activity_title: str
    service_name: str
    created_at: datetime
    reviewed_at: datetime | None


def may_use_queue(staff: Staff) -> bool:
    """Whether `staff` is a designated safeguarding lead who may see flags (never researchers)."""
    return bool(staff.is_safeguarding_lead) and staff.role != RESEARCHER


def category_labels(categories: str) -> tuple[str, ...]:
    """The plain-English names of a flag's comma-separated categories."""
    return tuple(label_of(c) for c in categories.split(",") if c)


def new_flag_count(session: Session, staff: Staff) -> int:
    """How many flags in `staff`'s services still need a lead (indexed by status and service)."""
    query = (
        select(func.count())
        .select_from(Flag)
        .where(Flag.status == FLAG_NEW, service_filter(session, staff, Flag.service_id))
    )
    return session.scalar(query) or 0


def queue(session: Session, staff: Staff, *, done: bool = False) -> list[QueueItem]:
    """The flags `staff` may see: new ones oldest first, or those with an outcome newest first."""
    query = (
        select(Flag, Activity.title, Service.name)
        .join(Activity, Activity.id == Flag.activity_id)
        .join(Service, Service.id == Flag.service_id)
        .where(service_filter(session, staff, Flag.service_id))
    )
    if done:
        query = query.where(Flag.status != FLAG_NEW).order_by(Flag.reviewed_at.desc(), Flag.id)
    else:
        query = query.where(Flag.status == FLAG_NEW).order_by(Flag.created_at, Flag.id)
    return [
        QueueItem(
            flag_id=flag.id,
            status=flag.status,
            categories=category_labels(flag.categories),
            activity_title=title,
            service_name=service_name,
            created_at=flag.created_at,
            reviewed_at=flag.reviewed_at,
        )
        for flag, title, service_name in session.execute(query.limit(QUEUE_LIMIT))
    ]


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
    note = note.strip()
    if outcome not in FLAG_OUTCOMES:
        raise SafeguardingError("outcome", "Select what you did about this answer.")
    if not note:
        raise SafeguardingError("note", "Enter a note of what you did, or why there is no concern.")
    if len(note) > MAX_NOTE:
        raise SafeguardingError("note", f"The note must be {MAX_NOTE} characters or fewer.")
    previous = flag.status
    flag.status = outcome
    flag.outcome_note = note
    flag.reviewed_by_id = staff.id
    flag.reviewed_at = utcnow()
    # The note stays on the flag: the audit trail records who and what, never about whom.
    audit.record(
        session, "flag_reviewed", staff=staff, target=flag, outcome=outcome, previous=previous
    )


# --- navigation badge ------------------------------------------------------------------


def set_nav_badge() -> None:
    """Put the count of new flags in `g.nav_badges` for safeguarding leads on staff pages."""
    if request.endpoint in NO_BADGE_ENDPOINTS or request.blueprint not in STAFF_BLUEPRINTS:
        return
    if not current_user.is_authenticated or not may_use_queue(current_user):
        return
    badges = g.setdefault("nav_badges", {})
    badges["safeguarding"] = new_flag_count(get_session(), current_user)
