"""The present screen for a projector, its JSON, the lead's laptop view, joining controls."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from participation import throttle
from participation.activities.design import replace_join_code, set_joining_locked
from participation.activities.group_size import Joining, joining_of, let_more_join
from participation.activities.qr import join_url, qr_svg
from participation.activities.settings import ActivityError
from participation.auth.access import staff_required
from participation.db import get_session
from participation.figures.live import LiveState, live_state, live_version, screen_body
from participation.figures.present import ScreenQuestion, screen_questions
from participation.figures.queries import SubmissionStats, submission_stats
from participation.figures.results import cell_text, question_chart
from participation.figures.wordcloud import word_cloud_svg, word_counts
from participation.follow_up.moderation import moderation_counts
from participation.models import Activity
from participation.models.staff import ADMIN, LEAD
from participation.models.submissions import PENDING
from participation.privacy.suppression import suppress_value
from participation.results import bp
from participation.results.common import load_activity
from participation.results.forms import EmptyForm, LockForm


def _joining(activity: Activity) -> Joining:
    return joining_of(activity, throttle.joined_this_session(activity.id))


def _question_number(count: int) -> int:
    """The ?q= question (1-based), kept within the activity's questions."""
    number = request.args.get("q", 1, type=int) or 1
    return max(1, min(number, max(count, 1)))


def _corner(activity: Activity) -> dict[str, Any]:
    """The join address, code and QR code the room always sees."""
    base_url = current_app.config["BASE_URL"]
    url = join_url(base_url, activity.join_code)
    return {
        "join_link": url,
        # Shown without its scheme: shorter to read from the back and to type.
        "join_page": base_url.rstrip("/").split("://", 1)[-1] + "/join",
        "qr": qr_svg(url, label=f"QR code to join: {url}"),
    }


def _clouds(questions: tuple[ScreenQuestion, ...]) -> dict[int, Any]:
    """Word clouds of the short approved answers to free-text questions."""
    return {
        q.question_id: (
            word_cloud_svg(
                q.words,
                title=f"Words written for question {q.number}",
                cloud_id=f"cloud-q{q.number}",
            ),
            word_counts(q.words),
        )
        for q in questions
        if q.kind == "free_text" and q.words
    }


def _screen(
    db: Any, activity: Activity, stats: SubmissionStats, joining: Joining
) -> dict[str, Any]:
    questions = screen_questions(db, activity, stats)
    return {
        "activity": activity,
        "questions": questions,
        "clouds": _clouds(questions),
        "submitted": stats.submissions,
        "joining": joining,
        **_corner(activity),
    }


@bp.get("/activities/<int:activity_id>/present")
@staff_required(LEAD, ADMIN)
def present(activity_id: int):
    """The present screen: one question at a time, join details in a corner, no staff chrome."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    stats = submission_stats(db, activity.id)
    joining = _joining(activity)
    screen = _screen(db, activity, stats, joining)
    number = _question_number(len(screen["questions"]))
    return render_template(
        "results/present.html",
        number=number,
        numbers_shown=request.args.get("numbers") == "1",
        results_hidden=request.args.get("hide") == "1",
        lock_form=LockForm(),
        form=EmptyForm(),
        etag=live_version(db, activity, stats, joining),
        **screen,
    )


@bp.get("/activities/<int:activity_id>/present.json")
@staff_required(LEAD, ADMIN)
def present_json(activity_id: int):
    """The present screen's data, every question rendered; 304 while the ETag matches."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    stats = submission_stats(db, activity.id)
    joining = _joining(activity)
    etag = "p" + live_version(db, activity, stats, joining)
    if request.if_none_match.contains(etag):
        response = current_app.response_class(status=304)
    else:
        body = screen_body(etag, lambda: _present_body(db, activity, stats, joining))
        response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(etag)
    return response


def _present_body(db: Any, activity: Activity, stats: SubmissionStats, joining: Joining) -> bytes:
    screen = _screen(db, activity, stats, joining)
    body = {
        "joined": activity.joined_count,
        "submitted": stats.submissions,
        "joining_locked": activity.joining_locked,
        "joining_full": bool(joining and joining.full),
        "status": activity.status,
        "code": activity.join_code,
        "corner": render_template("results/_present_corner.html", **screen),
        "questions": [
            {
                "number": q.number,
                "prompt": q.prompt,
                "html": render_template("results/_present_question.html", q=q, **screen),
            }
            for q in screen["questions"]
        ],
    }
    return f"{current_app.json.dumps(body)}\n".encode()


@bp.get("/activities/<int:activity_id>/present/lead")
@staff_required(LEAD, ADMIN)
def present_lead(activity_id: int):
    """The lead's laptop view beside the projector: this and next question, queue, counts."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    stats = submission_stats(db, activity.id)
    questions = screen_questions(db, activity, stats)
    return render_template(
        "results/present_lead.html",
        activity=activity,
        questions=questions,
        number=_question_number(len(questions)),
        submitted=stats.submissions,
        answered={q.question_id: cell_text(suppress_value(q.answered, q.k)) for q in questions},
        pending=moderation_counts(db, activity)[PENDING],
        lock_form=LockForm(),
        form=EmptyForm(),
    )


def _back(activity: Activity):
    """Back to the screen the button was pressed on, at the same question."""
    number = request.form.get("q", type=int)
    if request.form.get("back") == "lead":
        return redirect(url_for("results.present_lead", activity_id=activity.id, q=number))
    if request.form.get("back") == "studio":
        return redirect(url_for("studio.activity_edit", activity_id=activity.id))
    return redirect(url_for("results.present", activity_id=activity.id, q=number))


@bp.post("/activities/<int:activity_id>/present/lock")
@staff_required(LEAD, ADMIN)
def present_lock(activity_id: int):
    """Stop new young people joining (or let them again), then go back to the screen."""
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
    return _back(activity)


@bp.post("/activities/<int:activity_id>/present/code")
@staff_required(LEAD, ADMIN)
def present_new_code(activity_id: int):
    """Give the activity a new join code from the screen; the old code stops working."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    if EmptyForm().validate_on_submit():
        try:
            replace_join_code(db, current_user, activity)
        except ActivityError as exc:
            flash(str(exc), "error")
        else:
            db.commit()
            flash(f"The new code is {activity.join_code}. The old code no longer works.", "success")
    return _back(activity)


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
    return _back(activity)


# --- the older all-in-one live JSON, kept for screens already open -------------------------


def _live_screen(activity: Activity, state: LiveState) -> dict:
    charts = {}
    if state.figures is not None:
        charts = {
            q.question_id: question_chart(q, chart_id=f"live-q{q.number}")
            for q in state.figures.main
            if q.is_charted
        }
    return {"activity": activity, "state": state, "charts": charts}


@bp.get("/activities/<int:activity_id>/live.json")
@staff_required(LEAD, ADMIN)
def live_json(activity_id: int):
    """The all-in-one live screen's data; 304 when the screen's ETag still matches."""
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
        "html": render_template("results/_live.html", **_live_screen(activity, state)),
    }
    return f"{current_app.json.dumps(body)}\n".encode()
