"""The activity page's parts (Questions, Share, Settings), each its own URL, sharing a header.

The header shows the activity's status and the actions that change it, and once it is open
the buttons a lead needs in the room: Present, Moderate and Results.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask_login import current_user

from participation import throttle
from participation.accounts.scoping import visible_services
from participation.activities import design as activities
from participation.activities import qr
from participation.activities.bank import linked_bank_item
from participation.activities.group_size import joining_of
from participation.activities.kinds import KIND_LABELS
from participation.activities.questions import asks_outcome
from participation.activities.settings import ActivityError, settings_of
from participation.activities.types import participation_types
from participation.db import get_session
from participation.models import Activity
from participation.outcomes import hub_id_of
from participation.studio.forms import CodeForm, EmptyForm, SettingsForm

PARTS = (
    ("studio.activity_edit", "Questions"),
    ("studio.activity_share", "Share"),
    ("studio.activity_settings", "Settings"),
)


def settings_form(activity: Activity | None = None) -> SettingsForm:
    """The settings form with the lead's services and the participation types to choose from."""
    form = SettingsForm()
    form.set_choices(
        visible_services(get_session(), current_user),
        participation_types(
            get_session(),
            in_use_only=True,
            keep_id=activity.participation_type_id if activity else None,
        ),
    )
    fixed = activities.service_fixed_reason(get_session(), activity) if activity else None
    if fixed and activity is not None:
        form.fix_service(activity.service_id, fixed)
    return form


def problems_for_page(exc: ActivityError) -> list[tuple[str, str]]:
    """An activity's problems as (anchor, message) for the error summary."""
    anchors = {"questions": "questions", "code": "code", "status": "status"}
    return [(anchors.get(name, name), message) for name, message in exc.problems]


def _header(activity: Activity) -> dict[str, Any]:
    answered = activities.submission_counts(get_session(), [activity.id]).get(activity.id, 0)
    return {
        "activity": activity,
        "answered": answered,
        "joining": joining_of(activity, throttle.joined_this_session(activity.id)),
        "action_form": EmptyForm(),
        "parts": PARTS,
        # Such an activity offers young people a linking code: the lead is told, and offered cards.
        "asks_outcomes": any(asks_outcome(q) for q in activity.questions),
        "hub_id": hub_id_of(activity.service),
    }


def questions_page(activity: Activity, *, errors: list[tuple[str, str]] | None = None) -> str:
    """The Questions part: the list with Change, Move and Remove, and "Add a question"."""
    return render_template(
        "studio/activity_edit.html",
        **_header(activity),
        errors=errors or [],
        kind_labels=KIND_LABELS,
        bank_of={q.id: linked_bank_item(q) for q in activity.questions},
        current_part="studio.activity_edit",
    )


def share_page(activity: Activity, *, code_form: CodeForm | None = None) -> str:
    """The Share part: QR code, link, poster, handout, kiosk mode and a new code."""
    join_url = qr.join_url(current_app.config["BASE_URL"], activity.join_code)
    return render_template(
        "studio/activity_share.html",
        **_header(activity),
        errors=[],
        code_form=code_form or CodeForm(),
        join_url=join_url,
        qr_svg=qr.qr_svg(join_url, label=f"QR code for {join_url}", module_size=4),
        current_part="studio.activity_share",
    )


def settings_page(activity: Activity, *, form: SettingsForm | None = None) -> str:
    """The Settings part: the settings form."""
    if form is None:
        form = settings_form(activity)
        form.fill(settings_of(activity))
    return render_template(
        "studio/activity_settings.html",
        **_header(activity),
        errors=[],
        form=form,
        current_part="studio.activity_settings",
    )
