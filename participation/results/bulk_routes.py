"""Bulk analysis of written answers: one theme on many answers, counts, quotes to paste."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.auth.access import staff_required
from participation.db import get_session, writes_database
from participation.follow_up.bulk_themes import (
    MAX_BULK,
    apply_theme,
    chosen_answer_ids,
    matching_answer_ids,
)
from participation.follow_up.theme_quotes import paste_ready
from participation.follow_up.themes import (
    ThemeError,
    activity_theme_counts,
    create_theme,
    themes_for_activity,
)
from participation.models import Activity, Theme
from participation.models.staff import ADMIN, LEAD
from participation.results import bp
from participation.results.common import load_activity
from participation.results.forms import choices
from participation.results.report_forms import BulkThemeForm


def bulk_form_for(session: Session, activity: Activity, **data: Any) -> BulkThemeForm:
    """The bulk theme form with this activity's themes to choose from."""
    form = BulkThemeForm(**data)
    themes = themes_for_activity(session, activity)
    form.theme_id.choices = choices([(0, "Choose a theme"), *((t.id, t.name) for t in themes)])
    return form


def bulk_context(session: Session, activity: Activity, search: str, question_id: int) -> dict:
    """What the written answers page needs for bulk theming and the theme counts."""
    return {
        "bulk_form": bulk_form_for(
            session, activity, search=search, question_id=str(question_id or "")
        ),
        "theme_counts": activity_theme_counts(session, activity),
        "max_bulk": MAX_BULK,
    }


def _theme(session: Session, activity: Activity, form: BulkThemeForm) -> Theme:
    if form.new_theme.data:
        return create_theme(session, activity.service_id, form.new_theme.data, current_user)
    theme = next(
        (t for t in themes_for_activity(session, activity) if t.id == form.theme_id.data), None
    )
    if theme is None:
        raise ThemeError("Choose a theme, or type a new one.")
    return theme


def _answer_ids(session: Session, activity: Activity, form: BulkThemeForm) -> list[int]:
    if form.everything_matching.data:
        question_id = (
            int(form.question_id.data) if (form.question_id.data or "").isdigit() else None
        )
        return matching_answer_ids(
            session, activity, search=form.search.data or "", question_id=question_id
        )
    ticked = [int(v) for v in request.form.getlist("answer_id") if v.isdigit()]
    return chosen_answer_ids(session, activity, ticked)


@bp.post("/activities/<int:activity_id>/answers/themes")
@staff_required(LEAD, ADMIN)
def answers_theme_bulk(activity_id: int):
    """Give a theme to, or take it off, the ticked answers (or all matching the search)."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    form = bulk_form_for(db, activity)
    back = url_for(
        "results.free_text",
        activity_id=activity.id,
        q=form.search.data or None,
        question_id=form.question_id.data or None,
    )
    if not form.validate_on_submit():
        abort(400)
    answer_ids = _answer_ids(db, activity, form)
    if not answer_ids:
        flash("Tick at least one answer, or choose all answers matching the search.", "error")
        return redirect(back + "#bulk")
    try:
        theme = _theme(db, activity, form)
    except ThemeError as exc:
        db.rollback()
        flash(str(exc), "error")
        return redirect(back + "#bulk")
    remove = form.operation.data == "remove"
    changed = apply_theme(db, current_user, theme, answer_ids, remove=remove)
    db.commit()
    verb = "Took “{}” off" if remove else "Gave “{}” to"
    flash(f"{verb.format(theme.name)} {changed} answer{'s' if changed != 1 else ''}.", "success")
    return redirect(back + "#bulk")


@bp.get("/activities/<int:activity_id>/themes/<int:theme_id>/quotes")
@writes_database
@staff_required(LEAD, ADMIN)
def theme_quotes_paste(activity_id: int, theme_id: int):
    """A theme's answers in this activity, redacted, ready to copy into a report."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    theme = next((t for t in themes_for_activity(db, activity) if t.id == theme_id), None)
    if theme is None:
        abort(404)
    text = paste_ready(db, activity, theme)
    audit.record(db, "theme_quotes_viewed", staff=current_user, target=activity, theme_id=theme.id)
    db.commit()
    counts = {tid: cell for tid, _, cell in activity_theme_counts(db, activity)}
    return render_template(
        "results/theme_quotes.html",
        activity=activity,
        theme=theme,
        text=text,
        cell=counts.get(theme.id),
    )
