"""How many young people may join an activity in one session before the lead is asked.

A join code is printed on posters, so anyone can start answering. The lead says how many
young people they expect; a margin on top lets in people who join twice (a flat battery,
the wrong button). Past that, new joiners are asked to wait and the lead sees a notice with
"Let more people join". The same allowance is each client's budget: a whole group behind
one school address (one client key) gets through, a script sending hundreds does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.activities.settings import MAX_GROUP, ActivityError
from participation.activities.snapshot import AnyActivity
from participation.models import Activity, Staff
from participation.models.activities import ARCHIVED


def margin(size: int) -> int:
    """Joins allowed past the expected group size before the lead is asked."""
    return max(5, math.ceil(size / 4))


def join_allowance(size: int) -> int:
    """How many may join in one session: the expected group size and its margin."""
    return size + margin(size)


def send_allowance(size: int) -> int:
    """How many sends one client may make in a session (a double tap or a retry sends again)."""
    return join_allowance(size) + margin(size)


def raise_step(size: int) -> int:
    """How much "Let more people join" adds to the expected group size."""
    return max(10, math.ceil(size / 2))


@dataclass(frozen=True)
class Joining:
    """How joining an activity stands in the current session, for the lead's notice."""

    expected: int
    allowance: int
    joined: int

    @property
    def full(self) -> bool:
        """Whether new joiners are being asked to wait for the lead."""
        return self.joined >= self.allowance


def joining_of(activity: AnyActivity, joined: int) -> Joining:
    """The joining figures of `activity`, given how many joined this session."""
    size = activity.expected_group_size
    return Joining(expected=size, allowance=join_allowance(size), joined=joined)


def let_more_join(session: Session, staff: Staff, activity: Activity) -> int:
    """Raise the activity's expected group size by a step (audited); returns the new size."""
    if activity.status == ARCHIVED:
        raise ActivityError(("status", "This activity is archived, so nobody can join it."))
    old = activity.expected_group_size
    if old >= MAX_GROUP:
        raise ActivityError(("status", f"The group size can't go above {MAX_GROUP}."))
    new = min(MAX_GROUP, old + raise_step(old))
    activity.expected_group_size = new
    audit.record(session, "group_size_raised", staff=staff, target=activity, old=old, new=new)
    session.flush()
    return new
