"""The live workshop screen, its JSON for polling, locking joining, letting more join, moderation."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from participation import throttle
from participation.activities.design import set_joining_locked
from participation.activities.group_size import Joining, joining_of, let_more_join
from participation.activities.qr import join_url, qr_svg
from participation.activities.settings import ActivityError
from participation.auth.access import staff_required
from participation.db import get_session
from participation.figures.live import LiveState, live_state, live_version, screen_body
from participation.figures.queries import submission_stats
from participation.figures.results import cell_text, question_chart
from participation.figures.text_answers import text_answers
from participation.follow_up.moderation import ModerationError, moderate, moderation_counts
from participation.models import Activity
from participation.models.staff import ADMIN, LEAD
from participation.models.submissions import APPROVED, HIDDEN, PENDING
from participation.results import bp
from participation.results.common import load_activity, page_number
from participation.results.forms import DecisionForm, EmptyForm, LockForm

STATES = {PENDING: "Waiting", APPROVED: "Approved", HIDDEN: "Hidden"}


def _screen(activity: Activity, state: LiveState) -> dict:
    """What the results part of the live screen needs, shared by the page and the JSON."""
    charts = {}
    if state.figures is not None:
        charts = {
            q.question_id: question_chart(q, chart_id=f"live-q{q.number}")
            for q in state.figures.main
            if q.is_charted
        }
    return {"activity": activity, "state": state, "charts": charts}


def _joining(activity: Activity) -> Joining:
    return joining_of(activity, throttle.joined_this_session(activity.id))


@bp.get("/activities/<int:activity_id>/present")
@staff_required(LEAD, ADMIN)
def present(activity_id: int):
    """The live screen for a projector: QR code, code, counts, then results and approved text."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    base_url = current_app.config["BASE_URL"]
    url = join_url(base_url, activity.join_code)
    stats = submission_stats(db, activity.id)
    joining = _joining(activity)
    state = live_state(db, activity, stats, joining)
    return render_template(
        "results/present.html",
        join_link=url,
        join_page=base_url.rstrip("/") + "/join",
        qr=qr_svg(url, label=f"QR code to join: {url}"),
        lock_form=LockForm(),
        more_form=EmptyForm(),
        etag=live_version(db, activity, stats, joining),
        **_screen(activity, state),
    )


@bp.get("/activities/<int:activity_id>/live.json")
@staff_required(LEAD, ADMIN)
def live_json(activity_id: int):
    """The live screen's data; 304 when the screen's ETag still matches."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    stats = submission_stats(db, activity.id)
    joining = _joining(activity)
    etag = live_version(db, activity, stats, joining)
    if request.if_none_match.contains(etag):
        response = current_app.response_class(status=304)
    else:
        body = screen_body(
            etag, lambda: _live_body(activity, live_state(db, activity, stats, joining))
        )
        response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(etag)
    return response


def _live_body(activity: Activity, state: LiveState) -> bytes:
    """The live screen's JSON: counts, charted figures, approved texts and the results HTML."""
    questions = []
    if state.figures is not None:
        questions = [
            {
                "number": q.number,
                "prompt": q.prompt,
                "kind": q.kind,
                "rows": [{"label": r.label, "value": cell_text(r.cell)} for r in q.rows],
                "mean": None if q.mean is None else round(q.mean, 1),
            }
            for q in state.figures.main
            if q.is_charted
        ]
    body = {
        "joined": state.joined,
        "submitted": state.submitted,
        "joining_locked": state.joining_locked,
        "joining_full": bool(state.joining and state.joining.full),
        "joined_this_session": state.joining.joined if state.joining else None,
        "expected_group_size": state.joining.expected if state.joining else None,
        "status": state.status,
        "k": state.k,
        "ready": state.ready,
        "waiting_for": state.waiting_for,
        "questions": questions,
        "texts": list(state.texts),
        "html": render_template("results/_live.html", **_screen(activity, state)),
    }
    return f"{current_app.json.dumps(body)}\n".encode()


@bp.post("/activities/<int:activity_id>/present/lock")
@staff_required(LEAD, ADMIN)
def present_lock(activity_id: int):
    """Stop new young people joining (or let them again), then go back to the live screen."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    form = LockForm()
    if form.validate_on_submit() and form.locked.data in ("0", "1"):
        locked = form.locked.data == "1"
        try:
            set_joining_locked(db, current_user, activity, locked)
        except ActivityError as exc:
            flash(str(exc), "error")
        else:
            db.commit()
            flash(
                "Joining is locked. Young people who already started can still finish."
                if locked
                else f"Joining is open again with the code {activity.join_code}.",
                "success",
            )
    return redirect(url_for("results.present", activity_id=activity.id))


@bp.post("/activities/<int:activity_id>/let-more-join")
@staff_required(LEAD, ADMIN)
def joining_more(activity_id: int):
    """Raise the expected group size so people asked to wait can join, then go back."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    if EmptyForm().validate_on_submit():
        try:
            size = let_more_join(db, current_user, activity)
        except ActivityError as exc:
            flash(str(exc), "error")
        else:
            db.commit()
            flash(
                f"More people can join now: the group size is {size}. "
                "Anyone who was asked to wait can press Try again.",
                "success",
            )
    if request.form.get("back") == "studio":
        return redirect(url_for("studio.activity_edit", activity_id=activity.id))
    return redirect(url_for("results.present", activity_id=activity.id))


@bp.get("/activities/<int:activity_id>/moderation")
@staff_required(LEAD, ADMIN)
def moderation(activity_id: int):
    """Written answers to approve for the live screen or hide, shown redacted."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    state = request.args.get("state", PENDING)
    if state not in STATES:
        state = PENDING
    found = text_answers(db, activity, moderation=state, page=page_number(), reader=current_user)
    return render_template(
        "results/moderation.html",
        activity=activity,
        found=found,
        state=state,
        states=STATES,
        counts=moderation_counts(db, activity),
        form=DecisionForm(),
    )


@bp.post("/activities/<int:activity_id>/moderation/<int:answer_id>")
@staff_required(LEAD, ADMIN)
def moderate_answer(activity_id: int, answer_id: int):
    """Approve or hide one written answer."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    form = DecisionForm()
    state = request.args.get("state", PENDING)
    if form.validate_on_submit():
        try:
            done = moderate(db, activity, answer_id, form.decision.data, current_user)
        except ModerationError as exc:
            db.rollback()
            flash(str(exc), "error")
        else:
            db.commit()
            flash(done.message, "error" if done.flagged else "success")
    else:
        flash("Choose whether to approve or hide the answer.", "error")
    return redirect(
        url_for(
            "results.moderation", activity_id=activity.id, state=state if state in STATES else None
        )
    )
