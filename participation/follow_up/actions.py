"""“You said, we did”: what staff did in response to an activity or one of its themes.

Staff record actions on any activity they can see. Young people see them on the activity's
own `/j/<CODE>` page once the lead publishes them or the activity closes
(`participation.follow_up.you_said`), in the words staff wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.activities.snapshot import AnyActivity
from participation.clock import utcnow
from participation.models import Action, Activity, Staff, Theme
from participation.models.activities import ARCHIVED, CLOSED
from participation.problems import FieldProblem

MAX_TEXT = 1000


class ActionError(FieldProblem):
    """An action staff need to correct, with the form field and a message."""


@dataclass(frozen=True)
class PublicAction:
    """One "you said, we did" pair, as young people see it."""

    you_said: str
    we_did: str


def _clean(field: str, value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ActionError(field, f"Enter {what}.")
    if len(value) > MAX_TEXT:
        raise ActionError(field, f"Use {MAX_TEXT} characters or fewer.")
    return value


def actions_for(session: Session, activity: AnyActivity) -> list[Action]:
    """The activity's actions, oldest first."""
    query = (
        select(Action)
        .where(Action.activity_id == activity.id)
        .order_by(Action.created_at, Action.id)
    )
    return list(session.scalars(query))


def _theme(themes: list[Theme], theme_id: int | None) -> int | None:
    if not theme_id:
        return None
    if theme_id not in {theme.id for theme in themes}:
        raise ActionError("theme_id", "Select one of this activity's themes, or none.")
    return theme_id


def save_action(
    session: Session,
    activity: Activity,
    staff: Staff,
    *,
    you_said: str,
    we_did: str,
    theme_id: int | None,
    themes: list[Theme],
    action: Action | None = None,
) -> Action:
    """Create an action, or change `action`; `themes` are those it may refer to. Audited."""
    said = _clean("you_said", you_said, "what young people said")
    did = _clean("we_did", we_did, "what was done about it")
    chosen = _theme(themes, theme_id)
    created = action is None
    if action is None:
        action = Action(activity_id=activity.id, created_by_id=staff.id, you_said="", we_did="")
        session.add(action)
    action.you_said, action.we_did, action.theme_id = said, did, chosen
    session.flush()
    audit.record(
        session,
        "action_created" if created else "action_changed",
        staff=staff,
        target=action,
        service_id=activity.service_id,
        activity_id=activity.id,
    )
    return action


def delete_action(session: Session, activity: Activity, action: Action, staff: Staff) -> None:
    """Remove an action; audited. Caller commits."""
    audit.record(
        session,
        "action_deleted",
        staff=staff,
        target=action,
        service_id=activity.service_id,
        activity_id=activity.id,
    )
    session.delete(action)


def get_action(session: Session, activity: Activity, action_id: int) -> Action | None:
    """The action `action_id` if it belongs to `activity`."""
    action = session.get(Action, action_id)
    return action if action is not None and action.activity_id == activity.id else None


@dataclass(frozen=True)
class Publishing:
    """Whether the actions are published, until when, and whether young people see them now."""

    published: bool
    until: date | None
    showing: bool


def publishing_of(activity: AnyActivity, today: date | None = None) -> Publishing:
    """The activity's publishing choice and whether its actions show on `today` (UTC)."""
    today = today or utcnow().date()
    expired = activity.you_said_until is not None and today > activity.you_said_until
    showing = (
        activity.status != ARCHIVED
        and not expired
        and (activity.you_said_published or activity.status == CLOSED)
    )
    return Publishing(activity.you_said_published, activity.you_said_until, showing)


def public_actions(
    session: Session, activity: AnyActivity, today: date | None = None
) -> list[PublicAction]:
    """The actions the activity's `/j/<CODE>` page shows today (none unless published or closed)."""
    if not publishing_of(activity, today).showing:
        return []
    return [PublicAction(a.you_said, a.we_did) for a in actions_for(session, activity)]
