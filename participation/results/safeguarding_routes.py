"""The safeguarding queue for designated safeguarding leads (rules they add: phrase_routes)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from participation.auth.access import staff_required
from participation.db import get_session, writes_database
from participation.figures.text_answers import answer_view, find_text_answer
from participation.models import Staff
from participation.models.staff import ADMIN, LEAD
from participation.problems import FieldProblem
from participation.results import bp
from participation.results.common import load_activity, page_number
from participation.results.concern_forms import ConcernForm, GroupOutcomeForm, ReleaseForm
from participation.results.forms import OutcomeForm
from participation.safeguarding.flags import raise_concern, release
from participation.safeguarding.queue import (
    CATEGORY_LABELS,
    OUTCOME_LABELS,
    STATUS_LABELS,
    SafeguardingError,
    burst,
    burst_size,
    category_counts,
    category_labels,
    get_flag,
    matches,
    queue,
    record_group_outcome,
    record_outcome,
    record_view,
)


@bp.get("/safeguarding")
@staff_required(LEAD, ADMIN, safeguarding=True)
def safeguarding_queue():
    """Flagged answers waiting for a safeguarding lead, or those already dealt with.

    Leads and admins who are designated safeguarding leads only: researchers never.
    """
    db = get_session()
    done = request.args.get("show") == "done"
    found = queue(db, current_user, done=done, page=page_number())
    return render_template(
        "results/safeguarding_queue.html",
        found=found,
        done=done,
        counts=category_counts(db, current_user),
        status_labels=STATUS_LABELS,
    )


@bp.route("/safeguarding/groups/<group_key>", methods=["GET", "POST"])
@staff_required(LEAD, ADMIN, safeguarding=True)
def flag_group(group_key: str):
    """The flags of one burst of similar answers, each openable; one outcome for them all."""
    db = get_session()
    found = burst(db, current_user, group_key)
    if found is None:
        abort(404)
    form = GroupOutcomeForm()
    if form.validate_on_submit():
        try:
            done = record_group_outcome(
                db, current_user, group_key, form.outcome.data, form.note.data
            )
        except SafeguardingError as exc:
            getattr(form, exc.field).errors.append(exc.message)
        else:
            db.commit()
            flash(f"Saved what you did for {done} similar answers.", "success")
            return redirect(url_for("results.safeguarding_queue"))
    newest = found.flags[0]
    return render_template(
        "results/flag_group.html",
        burst=found,
        activity=newest.activity,
        categories=category_labels(newest.categories),
        status_labels=STATUS_LABELS,
        form=form,
    )


def _flag_page(db, flag, form, release_form, status: int = 200):
    answer = flag.answer
    return (
        render_template(
            "results/flag.html",
            flag=flag,
            text=answer.text or "",
            question=answer.question,
            activity=flag.activity,
            categories=category_labels(flag.categories),
            found=matches(db, answer.text or ""),
            category_names=CATEGORY_LABELS,
            status_labels=STATUS_LABELS,
            outcome_labels=OUTCOME_LABELS,
            reviewer=db.get(Staff, flag.reviewed_by_id) if flag.reviewed_by_id else None,
            raiser=db.get(Staff, flag.raised_by_id) if flag.raised_by_id else None,
            releaser=db.get(Staff, flag.released_by_id) if flag.released_by_id else None,
            form=form,
            release_form=release_form,
            burst_size=burst_size(db, current_user, flag.group_key),
        ),
        status,
    )


@bp.route("/safeguarding/<int:flag_id>", methods=["GET", "POST"])
@writes_database
@staff_required(LEAD, ADMIN, safeguarding=True)
def flag_detail(flag_id: int):
    """One flagged answer in full, and the form to record what was done; both audited."""
    db = get_session()
    flag = get_flag(db, current_user, flag_id)
    recorded = flag.status if flag.status in OUTCOME_LABELS else None
    form = OutcomeForm(data={"outcome": recorded, "note": flag.outcome_note})
    if form.validate_on_submit():
        try:
            record_outcome(db, flag, current_user, form.outcome.data, form.note.data)
        except SafeguardingError as exc:
            getattr(form, exc.field).errors.append(exc.message)
        else:
            db.commit()
            flash("Saved what you did. The flag has left the queue of new flags.", "success")
            return redirect(url_for("results.safeguarding_queue"))
    if request.method == "GET":
        record_view(db, flag, current_user)
        db.commit()
    return _flag_page(db, flag, form, ReleaseForm(formdata=None))


@bp.post("/safeguarding/<int:flag_id>/release")
@staff_required(LEAD, ADMIN, safeguarding=True)
def flag_release(flag_id: int):
    """Let other staff read a flagged answer again, with the reason; audited."""
    db = get_session()
    flag = get_flag(db, current_user, flag_id)
    form = ReleaseForm()
    if form.validate_on_submit():
        try:
            release(db, flag, current_user, form.reason.data)
        except FieldProblem as exc:
            form.reason.errors = [*form.reason.errors, exc.message]
        else:
            db.commit()
            flash("Released. Other staff can now read this answer.", "success")
            return redirect(url_for("results.flag_detail", flag_id=flag.id))
    db.rollback()
    flag = get_flag(db, current_user, flag_id)
    return _flag_page(db, flag, OutcomeForm(formdata=None), form, 400)


@bp.route("/activities/<int:activity_id>/answers/<int:answer_id>/concern", methods=["GET", "POST"])
@staff_required(LEAD, ADMIN)
def raise_concern_page(activity_id: int, answer_id: int):
    """Raise a concern about a written answer: it goes to the safeguarding lead; audited."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    answer = find_text_answer(db, activity, answer_id)
    if answer is None:
        abort(404)
    form = ConcernForm()
    if form.validate_on_submit():
        try:
            raise_concern(
                db, current_user, activity, answer.id, form.category.data, form.note.data or ""
            )
        except FieldProblem as exc:
            getattr(form, exc.field).errors.append(exc.message)
        else:
            db.commit()
            flash(
                "Thank you. The answer has gone to the safeguarding lead. Other staff will not "
                "see its words unless the lead releases it.",
                "success",
            )
            return redirect(
                url_for("results.answer_detail", activity_id=activity.id, answer_id=answer.id)
            )
    return render_template(
        "results/concern.html",
        activity=activity,
        answer=answer_view(db, activity, answer, current_user),
        form=form,
    )
