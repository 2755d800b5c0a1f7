"""Studio views: each checks the form, calls one domain function, commits and redirects.

This module has the activity list, templates, a new activity and the status actions; the
activity page's parts live in `question_routes` (Questions), `share_routes` (Share) and
`settings_routes` (Settings), rendered by `pages`.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from participation.activities import design as activities
from participation.activities.kinds import KIND_LABELS
from participation.activities.library import TEMPLATES
from participation.activities.settings import ActivityError
from participation.auth.access import staff_required
from participation.db import get_session
from participation.models.staff import ADMIN, LEAD
from participation.studio import bp
from participation.studio.forms import EmptyForm, add_problems
from participation.studio.pages import problems_for_page, questions_page, settings_form
from participation.studio.settings_routes import add_rule_problems, save_settings

leads_only = staff_required(LEAD, ADMIN)


def checked_action_form() -> None:
    """Refuse a button's post without a valid CSRF token."""
    if not EmptyForm().validate_on_submit():
        abort(400)


# --- activities ----------------------------------------------------------------------------


@bp.get("/")
@leads_only
def activity_list():
    """The lead's activities, grouped by status (open ones with their room buttons)."""
    db = get_session()
    grouped = activities.activities_by_status(db, current_user)
    ids = [activity.id for group in grouped.values() for activity in group]
    return render_template(
        "studio/activity_list.html",
        grouped=grouped,
        counts=activities.submission_counts(db, ids),
        templates=TEMPLATES,
        action_form=EmptyForm(),
    )


@bp.get("/templates")
@leads_only
def template_list():
    """Ready-made activities; one button makes a draft from one."""
    return render_template(
        "studio/template_list.html",
        templates=TEMPLATES,
        kind_labels=KIND_LABELS,
        action_form=EmptyForm(),
    )


@bp.post("/templates/<template_key>")
@leads_only
def template_use(template_key: str):
    """Create a draft activity from a template and open it for editing."""
    if template_key not in TEMPLATES:
        abort(404)
    checked_action_form()
    db = get_session()
    try:
        activity = activities.create_from_template(db, current_user, template_key)
    except ActivityError as exc:
        flash(str(exc), "error")
        return redirect(url_for("studio.template_list"))
    db.commit()
    flash(
        f"Created “{activity.title}” from the template. Check the settings and questions, "
        "then open it when you are ready.",
        "success",
    )
    return redirect(url_for("studio.activity_edit", activity_id=activity.id))


@bp.route("/activities/new", methods=["GET", "POST"])
@leads_only
def activity_new():
    """Start a blank activity from its settings; questions are added next."""
    db = get_session()
    form = settings_form()
    if request.method == "GET":
        form.fill(activities.new_settings(db, current_user))
    elif form.validate_on_submit():
        try:
            activity = activities.create_activity(db, current_user, form.to_settings())
        except ActivityError as exc:
            add_problems(form, exc.problems, "title")
        else:
            db.commit()
            flash(f"Created “{activity.title}”. Now add some questions.", "success")
            return redirect(url_for("studio.activity_edit", activity_id=activity.id) + "#questions")
    else:
        add_rule_problems(form)
    return render_template("studio/activity_new.html", form=form)


@bp.route("/activities/<int:activity_id>", methods=["GET", "POST"])
@leads_only
def activity_edit(activity_id: int):
    """The activity page's Questions part (a settings form posted here is saved as before)."""
    db = get_session()
    activity = activities.get_activity(db, current_user, activity_id)
    if request.method == "GET":
        return questions_page(activity)
    return save_settings(activity)


@bp.get("/activities/<int:activity_id>/preview")
@leads_only
def activity_preview(activity_id: int):
    """What a young person sees: the consent screen, then the questions, in a phone frame."""
    activity = activities.get_activity(get_session(), current_user, activity_id)
    return render_template("studio/preview.html", activity=activity)


def _status_action(activity_id: int, change: Any, message: str):
    checked_action_form()
    db = get_session()
    activity = activities.get_activity(db, current_user, activity_id)
    try:
        change(db, current_user, activity)
    except ActivityError as exc:
        return questions_page(activity, errors=problems_for_page(exc))
    db.commit()
    flash(message.format(title=activity.title, code=activity.join_code), "success")
    return redirect(url_for("studio.activity_edit", activity_id=activity.id))


@bp.post("/activities/<int:activity_id>/open")
@leads_only
def activity_open(activity_id: int):
    """Open the activity to young people."""
    return _status_action(
        activity_id,
        activities.open_activity,
        "“{title}” is open. Young people can join with the code {code}.",
    )


@bp.post("/activities/<int:activity_id>/close")
@leads_only
def activity_close(activity_id: int):
    """Close the activity."""
    return _status_action(
        activity_id, activities.close_activity, "“{title}” is closed. Nobody new can start it."
    )


@bp.post("/activities/<int:activity_id>/archive")
@leads_only
def activity_archive(activity_id: int):
    """Archive the activity."""
    return _status_action(activity_id, activities.archive_activity, "“{title}” is archived.")


@bp.post("/activities/<int:activity_id>/lock")
@leads_only
def joining_lock(activity_id: int):
    """Stop new young people starting; those already in can finish."""
    return _status_action(
        activity_id,
        lambda db, staff, activity: activities.set_joining_locked(db, staff, activity, True),
        "Joining is locked. Young people who already started can still finish.",
    )


@bp.post("/activities/<int:activity_id>/unlock")
@leads_only
def joining_unlock(activity_id: int):
    """Let new young people join again."""
    return _status_action(
        activity_id,
        lambda db, staff, activity: activities.set_joining_locked(db, staff, activity, False),
        "Joining is unlocked. Young people can join with the code {code}.",
    )


@bp.post("/activities/<int:activity_id>/duplicate")
@leads_only
def activity_duplicate(activity_id: int):
    """Copy the activity's settings and questions into a new draft with a new code."""
    checked_action_form()
    db = get_session()
    activity = activities.get_activity(db, current_user, activity_id)
    try:
        copy = activities.duplicate_activity(db, current_user, activity)
    except ActivityError as exc:
        return questions_page(activity, errors=problems_for_page(exc))
    db.commit()
    flash(f"Made a copy of “{activity.title}”. It has its own join code.", "success")
    return redirect(url_for("studio.activity_edit", activity_id=copy.id))


# Importing the part modules registers their routes on bp.
from participation.studio import question_routes, share_routes  # noqa: E402,F401
