"""Kiosk mode: a shared tablet that always returns to one activity's start.

A lead starts it from the activity; the device is then signed out of staff pages, every
start page leads to that activity, and after each send the page returns to the start.
The session's "ended" mark (set on every send) stops Back and re-posted forms from showing
the last person's answers. Only a signed-in lead or admin can end it.
"""

from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from participation.accounts import audit
from participation.accounts.scoping import ensure_can_see
from participation.answering.joining import answering_problem
from participation.auth.access import STAFF_SESSION_KEYS, staff_required
from participation.db import get_session
from participation.errors import render_error
from participation.models import Activity
from participation.youth import bp

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


def redirect_if_elsewhere(activity: Activity | None):
    """In kiosk mode, a start page for any other activity leads back to the kiosk's own."""
    kiosk_id = active_activity_id()
    if kiosk_id is None or (activity is not None and activity.id == kiosk_id):
        return None
    return redirect_to_start()


@bp.post("/kiosk/<int:activity_id>/start")
@staff_required("lead", "admin")
def kiosk_start(activity_id: int):
    """Lock this device to an open activity for young people to answer one after another."""
    db = get_session()
    activity = db.get(Activity, activity_id)
    if activity is None:
        return render_error(404)
    ensure_can_see(db, current_user, activity.service_id)
    if answering_problem(activity) is not None:
        return render_error(400, "Kiosk mode can only start on an activity that is open.")
    audit.record(db, "kiosk_started", target=activity)
    db.commit()
    # A shared tablet must not stay signed in to staff pages.
    logout_user()
    for key in STAFF_SESSION_KEYS:
        session.pop(key, None)
    session[SESSION_KEY] = activity.id
    session.pop("ended", None)
    return redirect(url_for("youth.join_code", code=activity.join_code), 303)


@bp.route("/kiosk/end", methods=["GET", "POST"])
@staff_required("lead", "admin")
def kiosk_end():
    """Turn kiosk mode off on this device (signing in to get here already ends it)."""
    if request.method == "POST":
        kiosk_id = active_activity_id()
        session.pop(SESSION_KEY, None)
        if kiosk_id is not None:
            db = get_session()
            activity = db.get(Activity, kiosk_id)
            if activity is not None:
                audit.record(db, "kiosk_ended", target=activity)
                db.commit()
        return render_template("youth/kiosk_end.html", ended=True)
    return render_template("youth/kiosk_end.html", ended=not active())
