"""Studio: an activity's wording in the second language (Welsh), beside the English."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from participation.activities import design as activities
from participation.activities.kinds import THREE_BOX_PROMPTS
from participation.activities.translations import (
    SECOND_LANGUAGE,
    ActivityWording,
    QuestionWording,
    save_wording,
    wording_of,
)
from participation.auth.access import staff_required
from participation.db import get_session
from participation.models import Activity
from participation.models.enums import QuestionKind
from participation.models.staff import ADMIN, LEAD
from participation.studio import bp

LANGUAGE_NAME = "Welsh (Cymraeg)"


def wording_from_form(activity: Activity, form: MultiDict[str, str]) -> ActivityWording:
    """The second-language words posted by the translations page."""
    wording = ActivityWording(
        title=form.get("title", ""), intro=form.get("intro", ""), consent=form.get("consent", "")
    )
    for question in activity.questions:
        base = f"q{question.id}"
        wording.questions[question.id] = QuestionWording(
            prompt=form.get(f"{base}_prompt", ""),
            hint=form.get(f"{base}_hint", ""),
            options={
                str(option["code"]): form.get(f"{base}_o{option['code']}", "")
                for option in question.options
            },
            boxes=[form.get(f"{base}_box{part}", "") for part in range(3)]
            if question.kind == QuestionKind.THREE_BOXES
            else [],
        )
    return wording


@bp.route("/activities/<int:activity_id>/translations", methods=["GET", "POST"])
@staff_required(LEAD, ADMIN)
def translations(activity_id: int):
    """Every text of an activity with a box for its Welsh beside it."""
    db = get_session()
    activity = activities.get_activity(db, current_user, activity_id)
    if request.method == "POST":
        changed = save_wording(
            db, current_user, activity, wording_from_form(activity, request.form)
        )
        db.commit()
        flash("Saved the Welsh wording." if changed else "Nothing had changed.", "success")
        return redirect(url_for("studio.translations", activity_id=activity.id))
    return render_template(
        "studio/translations.html",
        activity=activity,
        wording=wording_of(activity, SECOND_LANGUAGE),
        language_name=LANGUAGE_NAME,
        default_boxes=THREE_BOX_PROMPTS,
        QuestionKind=QuestionKind,
    )
