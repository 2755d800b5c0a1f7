"""The activity page's Questions part: add (from the gallery or the bank), change, move, remove.

Every change returns to the question it was about (its anchor, which the browser scrolls to
and starts keyboard focus from), so a lead working down a long list never loses their place.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from participation.activities import design as activities
from participation.activities import questions as activity_questions
from participation.activities.bank import add_from_bank, bank_choices_for, link_question
from participation.activities.kinds import KIND_LABELS, REACH_TOPICS
from participation.activities.library import BANK_GROUPS, KIND_EXAMPLES, bank_groups
from participation.activities.questions import FROM_OUTCOMES_BANK, asks_outcome
from participation.activities.settings import ActivityError
from participation.db import get_session
from participation.models import Activity, Question
from participation.outcomes import bank as outcomes_bank
from participation.outcomes import hub_id_of
from participation.studio import bp
from participation.studio.forms import (
    EmptyForm,
    KindForm,
    LinkForm,
    MoveForm,
    OrderForm,
    QuestionForm,
    add_problems,
)
from participation.studio.pages import problems_for_page, questions_page
from participation.studio.routes import checked_action_form, leads_only


def question_url(activity: Activity, question_id: int | None = None) -> str:
    """The Questions part, scrolled to one question (or to the list)."""
    anchor = f"#question-{question_id}" if question_id else "#questions"
    return url_for("studio.activity_edit", activity_id=activity.id) + anchor


def _gallery(activity: Activity, kind_form: KindForm) -> str:
    db = get_session()
    return render_template(
        "studio/question_kind.html",
        activity=activity,
        kind_form=kind_form,
        kind_labels=KIND_LABELS,
        examples=KIND_EXAMPLES,
        bank=bank_groups(),
        bank_groups=BANK_GROUPS,
        outcomes=outcomes_bank.questions_in_use(db, hub_id_of(activity.service)),
        outcome_areas=outcomes_bank.AREAS,
        asked_keys={question.key for question in activity.questions},
        answered=activities.has_answers(db, activity),
        action_form=EmptyForm(),
    )


@bp.route("/activities/<int:activity_id>/questions/new", methods=["GET", "POST"])
@leads_only
def question_new(activity_id: int):
    """Choose a kind of question from the gallery (or one from the bank), then write it."""
    db = get_session()
    activity = activities.get_activity(db, current_user, activity_id)
    kind = request.values.get("kind", "")
    if kind not in KIND_LABELS:
        kind_form = KindForm(request.args)
        if "kind" in request.args:
            kind_form.kind.errors = ["Choose a kind of question."]
        return _gallery(activity, kind_form)
    form = QuestionForm()
    if request.method == "GET":
        form.kind.data = kind
        form.prompt.data = ""
    elif form.validate_on_submit():
        form.kind.data = kind
        try:
            question = activity_questions.add_question(db, current_user, activity, form.to_draft())
        except ActivityError as exc:
            add_problems(form, exc.problems, "prompt")
        else:
            db.commit()
            flash("Added the question.", "success")
            return redirect(question_url(activity, question.id))
    return _question_page(activity, form, kind, question=None)


@bp.post("/activities/<int:activity_id>/questions/bank")
@leads_only
def question_from_bank(activity_id: int):
    """Add a question from the bank, as it is; change its wording afterwards if needed."""
    checked_action_form()
    db = get_session()
    activity = activities.get_activity(db, current_user, activity_id)
    try:
        question = add_from_bank(db, current_user, activity, request.form.get("bank_key", ""))
    except ActivityError as exc:
        return questions_page(activity, errors=problems_for_page(exc))
    db.commit()
    flash("Added the question from the bank.", "success")
    return redirect(question_url(activity, question.id))


@bp.post("/activities/<int:activity_id>/questions/outcome")
@leads_only
def question_from_outcomes(activity_id: int):
    """Ask an outcome question from the Hub's bank, in the bank's words."""
    checked_action_form()
    db = get_session()
    activity = activities.get_activity(db, current_user, activity_id)
    item = outcomes_bank.question_by_key(
        db, hub_id_of(activity.service), request.form.get("outcome_key", "")
    )
    try:
        question = outcomes_bank.add_to_activity(db, current_user, activity, item)
    except ActivityError as exc:
        return questions_page(activity, errors=problems_for_page(exc))
    db.commit()
    flash(
        "Added the outcome question. Young people will be offered an optional linking code.",
        "success",
    )
    return redirect(question_url(activity, question.id))


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
        example=KIND_EXAMPLES.get(kind, ""),
        link_form=_link_form(question)
        if question is not None and not asks_outcome(question)
        else None,
        from_outcomes=question is not None and asks_outcome(question),
        outcome_fixed=FROM_OUTCOMES_BANK,
    )


def _link_form(question: Question) -> LinkForm:
    form = LinkForm(bank_key=question.key if question.key.startswith("bank:") else "")
    form.set_choices(bank_choices_for(question))
    return form


@bp.route("/activities/<int:activity_id>/questions/<int:question_id>", methods=["GET", "POST"])
@leads_only
def question_edit(activity_id: int, question_id: int):
    """Change a question (only wording fixes once young people have answered)."""
    db = get_session()
    question = activity_questions.get_question(db, current_user, activity_id, question_id)
    form = QuestionForm()
    if request.method == "GET" or asks_outcome(question):
        # An outcome question is shown, not offered for change: a post changes nothing.
        form.fill(activity_questions.draft_of(question))
        if request.method == "POST":
            form.prompt.errors = [FROM_OUTCOMES_BANK]
    elif form.validate_on_submit():
        form.kind.data = question.kind
        try:
            activity_questions.update_question(db, current_user, question, form.to_draft())
        except ActivityError as exc:
            add_problems(form, exc.problems, "prompt")
        else:
            db.commit()
            flash("Saved the question.", "success")
            return redirect(question_url(question.activity, question.id))
    return _question_page(question.activity, form, question.kind, question)


@bp.post("/activities/<int:activity_id>/questions/<int:question_id>/link")
@leads_only
def question_link(activity_id: int, question_id: int):
    """Group a question with a bank question on the dashboard (or stop grouping it)."""
    db = get_session()
    question = activity_questions.get_question(db, current_user, activity_id, question_id)
    form = LinkForm()
    form.set_choices(bank_choices_for(question))
    if not form.validate_on_submit():
        abort(400)
    try:
        link_question(db, current_user, question, form.bank_key.data or "")
    except ActivityError as exc:
        return questions_page(question.activity, errors=problems_for_page(exc))
    db.commit()
    flash(
        "Linked: the dashboard counts this question with the bank question."
        if form.bank_key.data
        else "This question is no longer grouped with a bank question.",
        "success",
    )
    return redirect(question_url(question.activity, question.id))


@bp.post("/activities/<int:activity_id>/questions/<int:question_id>/remove")
@leads_only
def question_remove(activity_id: int, question_id: int):
    """Remove a question from an activity nobody has answered."""
    checked_action_form()
    db = get_session()
    question = activity_questions.get_question(db, current_user, activity_id, question_id)
    activity = question.activity
    ordered = [q.id for q in activity.questions]
    index = ordered.index(question.id)
    neighbours = ordered[index + 1 : index + 2] or ordered[max(index - 1, 0) : index]
    try:
        activity_questions.remove_question(db, current_user, question)
    except ActivityError as exc:
        return questions_page(activity, errors=problems_for_page(exc))
    db.commit()
    flash(f"Removed question {index + 1}.", "success")
    return redirect(question_url(activity, neighbours[0] if neighbours else None))


@bp.post("/activities/<int:activity_id>/questions/<int:question_id>/move")
@leads_only
def question_move(activity_id: int, question_id: int):
    """Move a question one place up or down, and come back to it."""
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
        return questions_page(activity, errors=problems_for_page(exc))
    db.commit()
    flash(f"Moved “{question.prompt[:60]}” to number {question.position + 1}.", "success")
    return redirect(question_url(activity, question.id))


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
        return questions_page(activity, errors=problems_for_page(exc))
    db.commit()
    return redirect(question_url(activity))
