"""The activity page's Settings part: its own URL and form."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user

from participation.activities import design as activities
from participation.activities.settings import ActivityError, check_settings
from participation.auth.access import staff_required
from participation.db import get_session
from participation.models import Activity
from participation.models.staff import ADMIN, LEAD
from participation.studio import bp
from participation.studio.forms import SettingsForm, add_problems
from participation.studio.pages import settings_form, settings_page


def add_rule_problems(form: SettingsForm) -> None:
    """Add every rule problem of the typed settings, so the lead sees them all at once."""
    # A number that could not be read stops the save, but the lead should still see every
    # other problem on the page at once rather than one round at a time.
    problems = check_settings(get_session(), current_user, form.to_settings())
    add_problems(form, problems, "title", only_new=True)


def save_settings(activity: Activity):
    """Save the posted settings form, or show it again with its problems."""
    db = get_session()
    form = settings_form(activity)
    if form.validate_on_submit():
        try:
            changed = activities.update_settings(db, current_user, activity, form.to_settings())
        except ActivityError as exc:
            add_problems(form, exc.problems, "title")
        else:
            db.commit()
            flash("Saved your changes." if changed else "Nothing had changed.", "success")
            return redirect(url_for("studio.activity_settings", activity_id=activity.id))
    else:
        add_rule_problems(form)
    return settings_page(activity, form=form)


@bp.route("/activities/<int:activity_id>/settings", methods=["GET", "POST"])
@staff_required(LEAD, ADMIN)
def activity_settings(activity_id: int):
    """The activity's settings: title, type, service, consent, dates and privacy."""
    activity = activities.get_activity(get_session(), current_user, activity_id)
    if request.method == "GET":
        return settings_page(activity)
    return save_settings(activity)
