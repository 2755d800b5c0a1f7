"""Kiosk mode: a shared tablet that always returns to one activity's start.

A lead starts it from the activity; the device is then signed out of staff pages, every
start page leads to that activity, and after each send the page returns to the start.
The session's "ended" mark (set on every send) stops Back and re-posted forms from showing
the last person's answers. Starting and ending it are staff views in
`participation.studio.kiosk_routes`; only a signed-in lead or admin can do either.
"""

from __future__ import annotations

from flask import redirect, session, url_for

from participation.activities.snapshot import AnyActivity
from participation.db import get_session
from participation.models import Activity

SESSION_KEY = "kiosk"


def active_activity_id() -> int | None:
    """The activity this device is locked to, or None when kiosk mode is off."""
    value = session.get(SESSION_KEY)
    return value if isinstance(value, int) else None


def active() -> bool:
    """Whether this device is in kiosk mode."""
    return active_activity_id() is not None


def start_url() -> str:
    """Where the kiosk's young people start (the activity's join page)."""
    activity = get_session().get(Activity, active_activity_id())
    if activity is None:
        session.pop(SESSION_KEY, None)
        return url_for("youth.home")
    return url_for("youth.join_code", code=activity.join_code)


def redirect_to_start():
    """Send the device back to the kiosk's start page."""
    return redirect(start_url(), 303)


def redirect_if_elsewhere(activity: AnyActivity | None):
    """In kiosk mode, a start page for any other activity leads back to the kiosk's own."""
    kiosk_id = active_activity_id()
    if kiosk_id is None or (activity is not None and activity.id == kiosk_id):
        return None
    return redirect_to_start()


def lock(activity_id: int) -> None:
    """Lock this device to `activity_id`, with no previous person's session left behind."""
    session[SESSION_KEY] = activity_id
    session.pop("ended", None)


def unlock() -> int | None:
    """Turn kiosk mode off on this device; the activity it was locked to, if any."""
    return session.pop(SESSION_KEY, None)
