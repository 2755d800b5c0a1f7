"""Studio views: each checks the form, calls one domain function, commits and redirects."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from participation import throttle
from participation.accounts import audit
from participation.accounts.scoping import visible_services
from participation.activities import design as activities
from participation.activities import posters, qr
from participation.activities import questions as activity_questions
from participation.activities.group_size import joining_of
from participation.activities.kinds import KIND_LABELS, REACH_TOPICS
from participation.activities.library import TEMPLATES
from participation.activities.settings import ActivityError, check_settings, settings_of
from participation.activities.types import participation_types
from participation.auth.access import staff_required
from participation.db import get_session, writes_database
from participation.models import Activity
from participation.models.activities import ARCHIVED
from participation.models.staff import ADMIN, LEAD
from participation.studio import bp
from participation.studio.forms import (
    CodeForm,
    EmptyForm,
    KindForm,
    MoveForm,
    OrderForm,
    QuestionForm,
    SettingsForm,
    add_problems,
)

leads_only = staff_required(LEAD, ADMIN)


def _settings_form(activity: Activity | None = None) -> SettingsForm:
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


def _edit_page(
    activity: Activity,
    *,
    form: SettingsForm | None = None,
    code_form: CodeForm | None = None,
    errors: list[tuple[str, str]] | None = None,
) -> str:
    """The activity page: status and actions, join code, settings and questions."""
    db = get_session()
    if form is None:
        form = _settings_form(activity)
        form.fill(settings_of(activity))
    answered = activities.submission_counts(db, [activity.id]).get(activity.id, 0)
    join_url = qr.join_url(current_app.config["BASE_URL"], activity.join_code)
    return render_template(
        "studio/activity_edit.html",
        activity=activity,
        form=form,
        code_form=code_form or CodeForm(),
        action_form=EmptyForm(),
        errors=errors or [],
        answered=answered,
        joining=joining_of(activity, throttle.joined_this_session(activity.id)),
        join_url=join_url,
        qr_svg=qr.qr_svg(join_url, label=f"QR code for {join_url}", module_size=4),
        kind_labels=KIND_LABELS,
    )


def _add_rule_problems(form: SettingsForm) -> None:
    # A number that could not be read stops the save, but the lead should still see every
    # other problem on the page at once rather than one round at a time.
    problems = check_settings(get_session(), current_user, form.to_settings())
    add_problems(form, problems, "title", only_new=True)


def _problems_for_page(exc: ActivityError) -> list[tuple[str, str]]:
    # Settings and question problems link to their section of the activity page.
    anchors = {"questions": "questions", "code": "code", "status": "status"}
    return [(anchors.get(name, name), message) for name, message in exc.problems]


def _checked_action_form() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)


# --- activities ----------------------------------------------------------------------------


@bp.get("/")
@leads_only
def activity_list():
    """The lead's activities, grouped by status, with the template library."""
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
    _checked_action_form()
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
    form = _settings_form()
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
        _add_rule_problems(form)
    return render_template("studio/activity_new.html", form=form)


@bp.route("/activities/<int:activity_id>", methods=["GET", "POST"])
@leads_only
def activity_edit(activity_id: int):
    """An activity's page: its settings form, questions, join code and status actions."""
    db = get_session()
    activity = activities.get_activity(db, current_user, activity_id)
    if request.method == "GET":
        return _edit_page(activity)
    form = _settings_form(activity)
    if form.validate_on_submit():
        try:
            changed = activities.update_settings(db, current_user, activity, form.to_settings())
        except ActivityError as exc:
            add_problems(form, exc.problems, "title")
        else:
            db.commit()
            flash("Saved your changes." if changed else "Nothing had changed.", "success")
            return redirect(url_for("studio.activity_edit", activity_id=activity.id))
    else:
        _add_rule_problems(form)
    return _edit_page(activity, form=form)


@bp.get("/activities/<int:activity_id>/preview")
@leads_only
def activity_preview(activity_id: int):
    """What a young person sees: the consent screen, then the questions, in a phone frame."""
    activity = activities.get_activity(get_session(), current_user, activity_id)
    return render_template("studio/preview.html", activity=activity)


def _status_action(activity_id: int, change: Any, message: str):
    _checked_action_form()
    db = get_session()
    activity = activities.get_activity(db, current_user, activity_id)
    try:
        change(db, current_user, activity)
    except ActivityError as exc:
        return _edit_page(activity, errors=_problems_for_page(exc))
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
    _checked_action_form()
    db = get_session()
    activity = activities.get_activity(db, current_user, activity_id)
    try:
        copy = activities.duplicate_activity(db, current_user, activity)
    except ActivityError as exc:
        return _edit_page(activity, errors=_problems_for_page(exc))
    db.commit()
    flash(f"Made a copy of “{activity.title}”. It has its own join code.", "success")
    return redirect(url_for("studio.activity_edit", activity_id=copy.id))


@bp.post("/activities/<int:activity_id>/code")
@leads_only
def join_code_new(activity_id: int):
    """Replace the join code; the old code and its QR code stop working."""
    db = get_session()
    activity = activities.get_activity(db, current_user, activity_id)
    form = CodeForm()
    if not form.validate_on_submit():
        abort(400)
    old = activity.join_code
    try:
        activities.replace_join_code(db, current_user, activity, form.code.data or "")
    except ActivityError as exc:
        add_problems(form, exc.problems, "code")
        return _edit_page(activity, code_form=form)
    db.commit()
    flash(
        f"The new code is {activity.join_code}. The old code {old} no longer works, so "
        "print or show the new QR code.",
        "success",
    )
    return redirect(url_for("studio.activity_edit", activity_id=activity.id) + "#code")


# --- questions -----------------------------------------------------------------------------


def _edit_url(activity: Activity) -> str:
    return url_for("studio.activity_edit", activity_id=activity.id) + "#questions"


@bp.route("/activities/<int:activity_id>/questions/new", methods=["GET", "POST"])
@leads_only
def question_new(activity_id: int):
    """Choose a kind of question, then write it."""
    db = get_session()
    activity = activities.get_activity(db, current_user, activity_id)
    kind = request.values.get("kind", "")
    if kind not in KIND_LABELS:
        kind_form = KindForm(request.args)
        if "kind" in request.args:
            kind_form.kind.errors = ["Choose a kind of question."]
        return render_template(
            "studio/question_kind.html",
            activity=activity,
            kind_form=kind_form,
            answered=activities.has_answers(db, activity),
        )
    form = QuestionForm()
    if request.method == "GET":
        form.kind.data = kind
    elif form.validate_on_submit():
        form.kind.data = kind
        try:
            activity_questions.add_question(db, current_user, activity, form.to_draft())
        except ActivityError as exc:
            add_problems(form, exc.problems, "prompt")
        else:
            db.commit()
            flash("Added the question.", "success")
            return redirect(_edit_url(activity))
    return _question_page(activity, form, kind, question=None)


def _question_page(activity: Activity, form: QuestionForm, kind: str, question: Any) -> str:
    return render_template(
        "studio/question_form.html",
        activity=activity,
        form=form,
        kind=kind,
        kind_label=KIND_LABELS[kind],
        question=question,
        answered=activities.has_answers(get_session(), activity),
        reach_topics=REACH_TOPICS,
    )


@bp.route("/activities/<int:activity_id>/questions/<int:question_id>", methods=["GET", "POST"])
@leads_only
def question_edit(activity_id: int, question_id: int):
    """Change a question (only wording fixes once young people have answered)."""
    db = get_session()
    question = activity_questions.get_question(db, current_user, activity_id, question_id)
    form = QuestionForm()
    if request.method == "GET":
        form.fill(activity_questions.draft_of(question))
    elif form.validate_on_submit():
        form.kind.data = question.kind
        try:
            activity_questions.update_question(db, current_user, question, form.to_draft())
        except ActivityError as exc:
            add_problems(form, exc.problems, "prompt")
        else:
            db.commit()
            flash("Saved the question.", "success")
            return redirect(_edit_url(question.activity))
    return _question_page(question.activity, form, question.kind, question)


@bp.post("/activities/<int:activity_id>/questions/<int:question_id>/remove")
@leads_only
def question_remove(activity_id: int, question_id: int):
    """Remove a question from an activity nobody has answered."""
    _checked_action_form()
    db = get_session()
    question = activity_questions.get_question(db, current_user, activity_id, question_id)
    activity = question.activity
    try:
        activity_questions.remove_question(db, current_user, question)
    except ActivityError as exc:
        return _edit_page(activity, errors=_problems_for_page(exc))
    db.commit()
    flash("Removed the question.", "success")
    return redirect(_edit_url(activity))


@bp.post("/activities/<int:activity_id>/questions/<int:question_id>/move")
@leads_only
def question_move(activity_id: int, question_id: int):
    """Move a question one place up or down."""
    db = get_session()
    question = activity_questions.get_question(db, current_user, activity_id, question_id)
    activity = question.activity
    form = MoveForm()
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        abort(400)
    try:
        activity_questions.move_question(
            db, current_user, question, -1 if form.direction.data == "up" else 1
        )
    except ActivityError as exc:
        return _edit_page(activity, errors=_problems_for_page(exc))
    db.commit()
    return redirect(_edit_url(activity))


@bp.post("/activities/<int:activity_id>/questions/order")
@leads_only
def questions_reorder(activity_id: int):
    """Put every question in a new order at once (drag and drop on the activity page)."""
    db = get_session()
    activity = activities.get_activity(db, current_user, activity_id)
    form = OrderForm()
    ids = form.question_ids() if form.validate_on_submit() else None
    if ids is None:
        abort(400)
    try:
        activity_questions.reorder_questions(db, current_user, activity, ids)
    except ActivityError as exc:
        return _edit_page(activity, errors=_problems_for_page(exc))
    db.commit()
    return redirect(_edit_url(activity))


# --- QR codes and printables ---------------------------------------------------------------


def _download(activity: Activity, body: bytes | str, mimetype: str, name: str, what: str):
    db = get_session()
    audit.record(db, "printable_downloaded", staff=current_user, target=activity, kind=what)
    db.commit()
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _printable_activity(activity_id: int) -> tuple[Activity, str]:
    activity = activities.get_activity(get_session(), current_user, activity_id)
    if activity.status == ARCHIVED:
        abort(404)
    return activity, qr.join_url(current_app.config["BASE_URL"], activity.join_code)


@bp.get("/activities/<int:activity_id>/qr.png")
@writes_database
@leads_only
def qr_png(activity_id: int):
    """The join QR code as a PNG to download."""
    activity, url = _printable_activity(activity_id)
    name = f"join-{activity.join_code}.png"
    return _download(activity, qr.qr_png(url), "image/png", name, "qr_png")


@bp.get("/activities/<int:activity_id>/qr.svg")
@writes_database
@leads_only
def qr_svg(activity_id: int):
    """The join QR code as an SVG to download."""
    activity, url = _printable_activity(activity_id)
    svg = str(qr.qr_svg(url, label=f"QR code for {url}"))
    name = f"join-{activity.join_code}.svg"
    return _download(activity, svg, "image/svg+xml", name, "qr_svg")


@bp.get("/activities/<int:activity_id>/poster.pdf")
@writes_database
@leads_only
def poster_pdf(activity_id: int):
    """An A4 poster with the QR code, the web address and the code."""
    activity, url = _printable_activity(activity_id)
    pdf = posters.poster_pdf(activity, url)
    return _download(activity, pdf, "application/pdf", f"poster-{activity.join_code}.pdf", "poster")


@bp.get("/activities/<int:activity_id>/handout.pdf")
@writes_database
@leads_only
def handout_pdf(activity_id: int):
    """An A4 sheet of 8 cut-out cards, each with the QR code, web address and code."""
    activity, url = _printable_activity(activity_id)
    pdf = posters.handout_pdf(activity, url)
    return _download(
        activity, pdf, "application/pdf", f"handout-{activity.join_code}.pdf", "handout"
    )
