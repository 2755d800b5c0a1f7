"""Publishing "you said, we did" to young people, and its printable A4 poster.

The lead chooses when the actions appear on the activity's own `/j/<CODE>` page (what its QR
code opens) and, if they like, the last day they stay there. A closed activity shows its
actions as it always has, unless the lead set a last day that has passed.
"""

from __future__ import annotations

from datetime import date

from flask import render_template
from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.follow_up.actions import PublicAction, actions_for
from participation.models import Activity, Staff


def set_publishing(
    session: Session, staff: Staff, activity: Activity, published: bool, until: date | None
) -> None:
    """Publish (or stop publishing) the actions to young people, up to `until`. Caller commits."""
    activity.you_said_published = published
    activity.you_said_until = until
    session.flush()
    audit.record(
        session,
        "you_said_published" if published else "you_said_unpublished",
        staff=staff,
        target=activity,
        until=until.isoformat() if until else None,
    )


def all_actions(session: Session, activity: Activity) -> list[PublicAction]:
    """Every action in the words staff wrote, for the poster (published or not)."""
    return [PublicAction(a.you_said, a.we_did) for a in actions_for(session, activity)]


def poster_html(activity: Activity, actions: list[PublicAction], join_url: str) -> str:
    """The A4 "you said, we did" poster as self-contained HTML for the PDF renderer."""
    return render_template(
        "pdf/you_said_poster.html", activity=activity, actions=actions, join_url=join_url
    )
