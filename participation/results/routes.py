"""Results views: the dashboard, the list of activities, one activity's results and its text."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from participation.accounts import audit
from participation.accounts.scoping import service_filter, visible_services
from participation.activities.types import participation_types
from participation.auth.access import staff_required
from participation.db import get_session, writes_database
from participation.figures.dashboard import DashboardFilters, dashboard_chart, dashboard_figures
from participation.figures.results import activity_figures, question_chart
from participation.figures.text_answers import (
    answer_view,
    find_text_answer,
    text_answers,
    text_questions,
)
from participation.follow_up.themes import (
    ThemeError,
    activity_theme_counts,
    create_theme,
    set_quote,
    tag_answer,
    themes_for_activity,
    untag_answer,
)
from participation.models import Activity, ParticipationType, Service, Submission, Theme
from participation.models.staff import ADMIN, LEAD
from participation.privacy.suppression import suppress_value
from participation.results import bp
from participation.results.bulk_routes import bulk_context
from participation.results.common import load_activity, page_number
from participation.results.concern_forms import ConcernForm
from participation.results.forms import (
    AnswerThemeForm,
    EmptyForm,
    FilterForm,
    QuoteForm,
    SearchForm,
    choices,
)

LEADS = (LEAD, ADMIN)


@bp.get("/")
@staff_required()
def dashboard():
    """The staff home page: activities and submissions by participation type, then service."""
    db = get_session()
    form = FilterForm(request.args)
    form.service_id.choices = choices(
        [(0, "All your services"), *((s.id, s.name) for s in visible_services(db, current_user))]
    )
    kinds = participation_types(db)
    form.type_id.choices = choices([(0, "All types"), *((t.id, t.name) for t in kinds)])
    filters = DashboardFilters()
    if request.args and form.validate():
        filters = DashboardFilters(
            service_id=form.service_id.data or None,
            type_id=form.type_id.data or None,
            date_from=form.date_from.data,
            date_to=form.date_to.data,
            status=form.status.data or None,
        )
    figures = dashboard_figures(db, current_user, filters)
    chart = dashboard_chart(figures, chart_id="chart-types") if figures.groups else None
    return render_template("results/dashboard.html", form=form, figures=figures, chart=chart)


@bp.get("/activities")
@staff_required()
def activity_list():
    """Every activity the member of staff can see, with how many took part (suppressed)."""
    db = get_session()
    rows = db.execute(
        select(Activity, Service.name, ParticipationType.name)
        .join(Service, Service.id == Activity.service_id)
        .join(ParticipationType, ParticipationType.id == Activity.participation_type_id)
        .where(service_filter(db, current_user, Activity.service_id))
        .order_by(Activity.status != "open", Activity.updated_at.desc(), Activity.id.desc())
    ).all()
    ids = [activity.id for activity, _, _ in rows]
    counts = {
        activity_id: count
        for activity_id, count in db.execute(
            select(Submission.activity_id, func.count())
            .where(Submission.activity_id.in_(ids))
            .group_by(Submission.activity_id)
        )
    }
    items = [
        (activity, service, kind, suppress_value(counts.get(activity.id, 0), activity.k_threshold))
        for activity, service, kind in rows
    ]
    return render_template("results/activity_list.html", items=items)


@bp.get("/activities/<int:activity_id>")
@staff_required()
def activity_results(activity_id: int):
    """One activity's results: per question counts, charts and tables, ranking and reach."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    figures = activity_figures(db, activity)
    charts = {}
    if figures.enough_answers:
        charts = {
            result.question_id: question_chart(result, chart_id=f"chart-q{result.number}")
            for result in figures.questions
            if result.is_charted
        }
    may_read_text = current_user.role in LEADS
    themes = activity_theme_counts(db, activity) if may_read_text else []
    return render_template(
        "results/activity.html",
        activity=activity,
        figures=figures,
        charts=charts,
        themes=themes,
        may_read_text=may_read_text,
        has_text=bool(text_questions(activity)),
    )


@bp.get("/activities/<int:activity_id>/answers")
@writes_database
@staff_required(LEAD, ADMIN)
def free_text(activity_id: int):
    """The written answers, with search; reading them is audited."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    form = SearchForm(request.args)
    questions = text_questions(activity)
    form.question_id.choices = choices(
        [(0, "All questions"), *((q.id, f"{q.position + 1}. {q.prompt}") for q in questions)]
    )
    search, question_id = "", None
    if form.validate():
        search, question_id = (form.q.data or "").strip(), form.question_id.data or None
    found = text_answers(
        db,
        activity,
        question_id=question_id,
        search=search,
        page=page_number(),
        reader=current_user,
    )
    audit.record(
        db,
        "free_text_viewed",
        staff=current_user,
        target=activity,
        page=found.page,
        searched=bool(search),
        shown=len(found.items),
    )
    db.commit()
    return render_template(
        "results/free_text.html",
        activity=activity,
        form=form,
        found=found,
        search=search,
        question_id=question_id or 0,
        **bulk_context(db, activity, search, question_id or 0),
    )


def _answer_or_back(db, activity, answer_id: int):
    answer = find_text_answer(db, activity, answer_id)
    if answer is None:
        flash(
            "That answer is no longer here. The young person may have withdrawn their answers.",
            "info",
        )
    return answer


def _render_answer(db, activity, answer, theme_form=None, status: int = 200):
    themes = themes_for_activity(db, activity)
    theme_form = theme_form or AnswerThemeForm()
    theme_form.theme_id.choices = choices(
        [(0, "Select a theme"), *((t.id, t.name) for t in themes)]
    )
    view = answer_view(db, activity, answer, current_user)
    linked = {name for name in view.themes}
    return (
        render_template(
            "results/answer.html",
            activity=activity,
            answer=view,
            theme_form=theme_form,
            quote_form=QuoteForm(),
            remove_form=EmptyForm(),
            concern_form_data=ConcernForm(formdata=None),
            linked=[t for t in themes if t.name in linked],
        ),
        status,
    )


@bp.get("/activities/<int:activity_id>/answers/<int:answer_id>")
@writes_database
@staff_required(LEAD, ADMIN)
def answer_detail(activity_id: int, answer_id: int):
    """One written answer, to code it with themes or pick it as a quote; audited."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    answer = _answer_or_back(db, activity, answer_id)
    if answer is None:
        return redirect(url_for("results.free_text", activity_id=activity.id))
    audit.record(
        db, "answer_viewed", staff=current_user, target=answer, service_id=activity.service_id
    )
    db.commit()
    return _render_answer(db, activity, answer)


@bp.post("/activities/<int:activity_id>/answers/<int:answer_id>/themes")
@staff_required(LEAD, ADMIN)
def answer_theme_add(activity_id: int, answer_id: int):
    """Give the answer a theme, creating the theme when a new name is typed."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    answer = _answer_or_back(db, activity, answer_id)
    if answer is None:
        return redirect(url_for("results.free_text", activity_id=activity.id))
    form = AnswerThemeForm()
    themes = {t.id: t for t in themes_for_activity(db, activity)}
    form.theme_id.choices = choices(
        [(0, "Select a theme"), *((i, t.name) for i, t in themes.items())]
    )
    if form.validate_on_submit():
        try:
            if form.theme_id.data:
                theme = themes[form.theme_id.data]
            else:
                theme = create_theme(db, activity.service_id, form.new_name.data, current_user)
            tag_answer(db, answer, theme, current_user)
        except ThemeError as exc:
            field = form.theme_id if form.theme_id.data else form.new_name
            field.errors = [*field.errors, str(exc)]
        else:
            db.commit()
            flash(f"Added the theme “{theme.name}”.", "success")
            return redirect(
                url_for("results.answer_detail", activity_id=activity.id, answer_id=answer.id)
            )
    db.rollback()
    return _render_answer(db, activity, answer, form)


@bp.post("/activities/<int:activity_id>/answers/<int:answer_id>/themes/<int:theme_id>/remove")
@staff_required(LEAD, ADMIN)
def answer_theme_remove(activity_id: int, answer_id: int, theme_id: int):
    """Take a theme off the answer."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    answer = _answer_or_back(db, activity, answer_id)
    if answer is None:
        return redirect(url_for("results.free_text", activity_id=activity.id))
    theme = db.get(Theme, theme_id)
    if EmptyForm().validate_on_submit() and theme is not None:
        if untag_answer(db, answer, theme, current_user):
            db.commit()
            flash(f"Removed the theme “{theme.name}”.", "success")
        else:
            flash("That answer did not have that theme.", "info")
    return redirect(url_for("results.answer_detail", activity_id=activity.id, answer_id=answer.id))


@bp.post("/activities/<int:activity_id>/answers/<int:answer_id>/quote")
@staff_required(LEAD, ADMIN)
def answer_quote(activity_id: int, answer_id: int):
    """Pick the answer as a quote, or stop using it as one."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    answer = _answer_or_back(db, activity, answer_id)
    if answer is None:
        return redirect(url_for("results.free_text", activity_id=activity.id))
    form = QuoteForm()
    if form.validate_on_submit():
        wanted = form.is_quote.data == "1"
        if answer.is_quote == wanted:
            flash("That was already done.", "info")
        else:
            set_quote(db, answer, wanted, current_user, activity.service_id)
            db.commit()
            flash("Picked as a quote." if wanted else "No longer a quote.", "success")
    return redirect(url_for("results.answer_detail", activity_id=activity.id, answer_id=answer.id))
