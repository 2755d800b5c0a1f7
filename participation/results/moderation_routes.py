"""Approving written answers for the present screen: one at a time, or all those shown.

Every action is an ordinary form post that redirects back; when the page's script asks
for JSON (fetch, no reload) the same action answers with the outcome and fresh counts.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from participation.activities.kinds import THREE_BOX_PROMPTS
from participation.auth.access import staff_required
from participation.db import get_session
from participation.figures.text_answers import TextAnswer, text_answers
from participation.follow_up.moderation import (
    ModerationError,
    approve_all,
    moderate,
    moderation_counts,
)
from participation.models import Activity
from participation.models.staff import ADMIN, LEAD
from participation.models.submissions import APPROVED, HIDDEN, PENDING
from participation.results import bp
from participation.results.common import load_activity, page_number
from participation.results.forms import DecisionForm, EmptyForm

STATES = {PENDING: "Waiting", APPROVED: "Approved", HIDDEN: "Hidden"}
PER_PAGE = 100


def _wants_json() -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _state() -> str:
    state = request.values.get("state", PENDING)
    return state if state in STATES else PENDING


def _box_order(item: TextAnswer) -> int:
    return THREE_BOX_PROMPTS.index(item.box) if item.box in THREE_BOX_PROMPTS else 0


def grouped(items: tuple[TextAnswer, ...]) -> list[tuple[str, list[TextAnswer]]]:
    """The answers grouped under "Question n: prompt - box", in question and box order."""
    ordered = sorted(items, key=lambda i: (i.question_number, _box_order(i), i.box, -i.id))
    groups = []
    for (number, prompt, box), members in groupby(
        ordered, key=lambda i: (i.question_number, i.prompt, i.box)
    ):
        heading = f"Question {number}: {prompt}" + (f" – {box}" if box else "")
        groups.append((heading, list(members)))
    return groups


def _page(activity: Activity, state: str) -> dict[str, Any]:
    db = get_session()
    found = text_answers(
        db, activity, moderation=state, page=page_number(), per_page=PER_PAGE, reader=current_user
    )
    return {
        "activity": activity,
        "found": found,
        "groups": grouped(found.items),
        "state": state,
        "states": STATES,
        "counts": moderation_counts(db, activity),
        "form": DecisionForm(),
        "all_form": EmptyForm(),
    }


@bp.get("/activities/<int:activity_id>/moderation")
@staff_required(LEAD, ADMIN)
def moderation(activity_id: int):
    """Written answers to approve for the present screen or hide, shown redacted."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    page = _page(activity, _state())
    if request.args.get("part") == "list":
        # The queue refreshing itself: only the list, for the script to swap in.
        return render_template("results/_moderation_list.html", **page)
    return render_template("results/moderation.html", **page)


def _done(activity: Activity, message: str, ok: bool, state: str):
    if _wants_json():
        counts = moderation_counts(get_session(), activity)
        return jsonify(ok=ok, message=message, counts=counts)
    flash(message, "success" if ok else "error")
    return redirect(
        url_for("results.moderation", activity_id=activity.id, state=state if state else None)
    )


@bp.post("/activities/<int:activity_id>/moderation/<int:answer_id>")
@staff_required(LEAD, ADMIN)
def moderate_answer(activity_id: int, answer_id: int):
    """Approve or hide one written answer."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _done(activity, "Choose whether to approve or hide the answer.", False, _state())
    try:
        done = moderate(db, activity, answer_id, form.decision.data, current_user)
    except ModerationError as exc:
        db.rollback()
        return _done(activity, str(exc), False, _state())
    db.commit()
    return _done(activity, done.message, not done.flagged, _state())


@bp.post("/activities/<int:activity_id>/moderation/approve-all")
@staff_required(LEAD, ADMIN)
def approve_all_shown(activity_id: int):
    """Approve every answer that was on the lead's screen (their ids come with the form)."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    if not EmptyForm().validate_on_submit():
        return _done(activity, "The page had expired. Try again.", False, PENDING)
    ids = [int(v) for v in request.form.getlist("answer_id") if v.isdigit()]
    result = approve_all(db, activity, ids, current_user)
    db.commit()
    return _done(activity, result.message, not result.flagged, PENDING)
