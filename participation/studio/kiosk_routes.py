"""Starting and ending kiosk mode: staff views that lock a shared tablet to one activity.

The young people's side only reads the lock (`participation.youth.kiosk`); setting and
clearing it needs a signed-in lead, so these views live with the studio.
"""

from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from participation.accounts import audit
from participation.accounts.scoping import get_visible
from participation.answering.joining import answering_problem
from participation.auth.access import STAFF_SESSION_KEYS, staff_required
from participation.db import get_session
from participation.errors import render_error
from participation.models import Activity
from participation.models.staff import ADMIN, LEAD
from participation.studio import bp
from participation.youth import kiosk


@bp.post("/activities/<int:activity_id>/kiosk/start")
@staff_required(LEAD, ADMIN)
def kiosk_start(activity_id: int):
    """Lock this device to an open activity for young people to answer one after another."""
    db = get_session()
    activity = get_visible(db, current_user, Activity, activity_id)
    if answering_problem(activity) is not None:
        return render_error(400, "Kiosk mode can only start on an activity that is open.")
    audit.record(db, "kiosk_started", staff=current_user, target=activity)
    db.commit()
    # A shared tablet must not stay signed in to staff pages.
    logout_user()
    for key in STAFF_SESSION_KEYS:
        session.pop(key, None)
    kiosk.lock(activity.id)
    return redirect(url_for("youth.join_code", code=activity.join_code), 303)


@bp.route("/kiosk/end", methods=["GET", "POST"])
@staff_required(LEAD, ADMIN)
def kiosk_end():
    """Turn kiosk mode off on this device (signing in to get here already ends it)."""
    if request.method == "POST":
        kiosk_id = kiosk.unlock()
        if kiosk_id is not None:
            db = get_session()
            activity = db.get(Activity, kiosk_id)
            if activity is not None:
                audit.record(db, "kiosk_ended", staff=current_user, target=activity)
                db.commit()
        return render_template("studio/kiosk_end.html", ended=True)
    return render_template("studio/kiosk_end.html", ended=not kiosk.active())
