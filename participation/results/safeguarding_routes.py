"""The safeguarding queue for designated safeguarding leads (rules they add: phrase_routes)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from participation.auth.access import staff_required
from participation.db import get_session, writes_database
from participation.models import Staff
from participation.models.staff import ADMIN, LEAD
from participation.results import bp
from participation.results.forms import OutcomeForm
from participation.safeguarding.queue import (
    CATEGORY_LABELS,
    OUTCOME_LABELS,
    STATUS_LABELS,
    SafeguardingError,
    category_labels,
    get_flag,
    matches,
    queue,
    record_outcome,
    record_view,
)


@bp.get("/safeguarding")
@staff_required(LEAD, ADMIN, safeguarding=True)
def safeguarding_queue():
    """Flagged answers waiting for a safeguarding lead, or those already dealt with.

    Leads and admins who are designated safeguarding leads only: researchers never.
    """
    done = request.args.get("show") == "done"
    items = queue(get_session(), current_user, done=done)
    return render_template(
        "results/safeguarding_queue.html", items=items, done=done, status_labels=STATUS_LABELS
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
    answer = flag.answer
    question = answer.question
    return render_template(
        "results/flag.html",
        flag=flag,
        text=answer.text or "",
        question=question,
        activity=flag.activity,
        categories=category_labels(flag.categories),
        found=matches(db, answer.text or ""),
        category_names=CATEGORY_LABELS,
        status_labels=STATUS_LABELS,
        outcome_labels=OUTCOME_LABELS,
        reviewer=db.get(Staff, flag.reviewed_by_id) if flag.reviewed_by_id else None,
        form=form,
    )
