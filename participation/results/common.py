"""Small helpers shared by the results views."""

from __future__ import annotations

from flask import request
from sqlalchemy.orm import Session

from participation.accounts.scoping import get_visible
from participation.models import Activity, Staff


def load_activity(session: Session, staff: Staff, activity_id: int) -> Activity:
    """The activity `activity_id`, or 404 when it does not exist or `staff` may not see it."""
    return get_visible(session, staff, Activity, activity_id)


def page_number() -> int:
    """The ?page= number of a list, at least 1 (nonsense reads as 1)."""
    number = request.args.get("page", 1, type=int) or 1
    return max(1, min(number, 100_000))
