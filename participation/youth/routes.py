"""Young people's views: join, consent, answer, check, send, thanks, withdraw, leave.

Answers in progress travel in a signed hidden field (see youth/draft.py), so every form
here is posted and answered with a page. Nothing is written to the database before the
final send, except counting a join when a young person says yes.
"""

from __future__ import annotations

import time
from dataclasses import replace

from flask import current_app, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from participation import throttle
from participation.activities.snapshot import ActivityData
from participation.answering.joining import (
    JoinProblem,
    JoinResult,
    activity_for_answering,
    answering_problem,
    count_join,
    resolve_join_code,
)
from participation.answering.linked_withdrawal import withdraw_linked
from participation.answering.submissions import (
    ActivityNotAccepting,
    InvalidAnswers,
    WithdrawOutcome,
    already_submitted,
    record_submission,
    validate_answers,
    withdraw,
)
from participation.db import get_session
from participation.extensions import csrf
from participation.follow_up.actions import public_actions
from participation.models.activities import RESEARCH_ASK
from participation.youth import bp, kiosk, limits, linking, markup, nudge, pages, preferences
from participation.youth import draft as drafts
from participation.youth.draft import Draft
from participation.youth.fields import display_value, input_errors, read_value, summary

NOT_SENT_NOTICE = (
    "Sorry, that did not go through. Your answers are still here. Please press the button again."
)
PROBLEM_STATUS = {JoinProblem.UNKNOWN: 404, JoinProblem.RETIRED: 404}


def csrf_ok() -> bool:
    """Whether the posted CSRF token is valid (young people's forms recover instead of failing)."""
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        return False
    return True


def _too_many_tries():
    return limits.too_many_tries()


def _count_wrong_code(result: JoinResult) -> bool:
    """Count a wrong code against this client; False when it has guessed too often."""
    if result.problem not in (JoinProblem.UNKNOWN, JoinProblem.RETIRED):
        return True
    return throttle.hit(
        throttle.WRONG_JOIN_CODE_PER_CLIENT, "join", throttle.client_key(), fail_open=True
    )


@bp.get("/")
def home():
    """The public start page: type a code to join, or staff sign in."""
    if kiosk.active_activity_id() is not None:
        return kiosk.redirect_to_start()
    return render_template("youth/home.html")


@bp.route("/join", methods=["GET", "POST"])
@csrf.exempt
def join():
    """Type a join code (case, spaces and dashes do not matter)."""
    if kiosk.active_activity_id() is not None:
        return kiosk.redirect_to_start()
    if request.method == "GET":
        return render_template("youth/join.html", code="", error=None)
    raw = request.form.get("code", "")[:64]
    if not csrf_ok():
        return render_template("youth/join.html", code=raw, error=None, notice=NOT_SENT_NOTICE)
    if not raw.strip():
        return render_template("youth/join.html", code=raw, error="Enter the code you were given")
    result = resolve_join_code(get_session(), raw)
    if result.problem == JoinProblem.UNKNOWN:
        if not _count_wrong_code(result):
            return _too_many_tries()
        error = "We could not find that code. Check it and try again."
        return render_template("youth/join.html", code=raw, error=error), 404
    return redirect(url_for("youth.join_code", code=result.code))


@bp.get("/j/<code>")
def join_code(code: str):
    """What a QR code opens: the consent page, or a kind message saying why not."""
    db = get_session()
    result = resolve_join_code(db, code)
    redirect_to = kiosk.redirect_if_elsewhere(result.activity)
    if redirect_to is not None:
        return redirect_to
    if result.activity is not None and "start" not in request.args:
        shown = public_actions(db, result.activity)
        if shown:  # the lead published "you said, we did" here
            return render_template(
                "youth/you_said.html",
                activity=result.activity,
                actions=shown,
                can_start=result.joinable is not None,
            )
    if result.joinable is None:
        return _problem_page(result)
    return _consent_page(result.joinable)


def _problem_page(result: JoinResult):
    if not _count_wrong_code(result):
        return _too_many_tries()
    actions = []
    if result.problem == JoinProblem.CLOSED and result.activity is not None:
        actions = public_actions(get_session(), result.activity)
    status = PROBLEM_STATUS.get(result.reason, 200)
    return render_template(
        "youth/problem.html",
        problem=result.reason.value,
        activity=result.activity,
        actions=actions,
    ), status


def _consent_page(activity: ActivityData, *, research: bool = False, notice: str | None = None):
    return markup.kept_page(
        "youth/consent.html",
        activity,
        {},
        asks_research=activity.research_sharing == RESEARCH_ASK,
        research=research,
        notice=notice,
        kiosk=kiosk.active_activity_id() == activity.id,
    )


@bp.post("/j/<code>")
@csrf.exempt
def consent(code: str):
    """Yes (start answering) or No thanks (a friendly page; nothing is stored)."""
    db = get_session()
    result = resolve_join_code(db, code)
    activity = result.joinable
    if activity is None:
        return _problem_page(result)
    research = request.form.get("research") == "yes" and activity.research_sharing == RESEARCH_ASK
    if not csrf_ok():
        return _consent_page(activity, research=research, notice=NOT_SENT_NOTICE)
    if request.form.get("choice") != "yes":
        return render_template("youth/no_thanks.html", activity=activity)
    consent_version = activity.current_consent
    if consent_version is None:
        return _problem_page(JoinResult(result.code, activity, JoinProblem.NOT_OPEN))
    refused = limits.admit_joiner(activity)
    if refused is not None:
        return refused
    draft = Draft(activity.id, consent_version.id, research)
    count_join(db, activity.id)
    db.commit()
    if linking.asks_outcomes(activity):
        return linking.render_step(activity, draft, linking.CHOOSE, linking.CodeEntry())
    return _render_step(activity, draft, 0)


def _questions_on(activity: ActivityData, step: int | str) -> list:
    if step == "all":
        return list(activity.questions)
    if isinstance(step, int) and 0 <= step < len(activity.questions):
        return [activity.questions[step]]
    return []


def _parse_step(activity: ActivityData, raw: str | None) -> int | str:
    if raw == "all" and activity.one_page:
        return "all"
    if raw and raw.isdigit():
        return min(int(raw), len(activity.questions))
    return len(activity.questions)


def _render_step(
    activity: ActivityData,
    draft: Draft,
    step: int | str,
    *,
    errors: dict | None = None,
    notice: str | None = None,
    status: int = 200,
    then_check: bool = False,
    unanswered: bool = False,
    linked: str | None = None,
):
    """Render the page for `step`: a question, the check page, or every question at once."""
    if activity.one_page:
        step = "all"
    questions = _questions_on(activity, step)
    by_id = input_errors(errors or {}, questions)
    draft_token = drafts.encode(draft)
    context = {
        "activity": activity,
        "draft_token": draft_token,
        "errors": by_id,
        "error_items": list(by_id.items()),
        "notice": notice,
        "total": len(activity.questions),
        "linked": linked,
    }
    if step == "all":
        template = "youth/one_page.html"
        context["items"] = items = [(q, display_value(q, draft.answer(q.id))) for q in questions]
        context["blank"] = not by_id and all(answer is None for _, answer in items)
        if context["blank"]:
            # Nothing entered and nothing wrong: the whole page is kept (youth/markup.py).
            page = markup.kept_page(
                template,
                activity,
                {"draft_token": draft_token},
                blank=True,
                error_items=None,
                notice=notice,
                total=context["total"],
                linked=linked,
            )
            return page, status
    elif questions:
        template = "youth/question.html"
        question = questions[0]
        context.update(
            step=step,
            question=question,
            answer=display_value(question, draft.answer(question.id)),
            then_check=then_check,
            unanswered=unanswered,
            back_to_linking=step == 0 and linking.asks_outcomes(activity),
        )
    else:
        template = "youth/check.html"
        context["rows"] = [
            (index, q, summary(q, draft.answer(q.id))) for index, q in enumerate(activity.questions)
        ]
    return render_template(template, **context), status


def _load_draft() -> tuple[ActivityData, Draft] | None:
    draft = drafts.decode(request.form.get("draft"))
    if draft is None:
        return None
    activity = activity_for_answering(get_session(), draft.activity_id)
    if activity is None:
        return None
    # A question removed while the young person was answering takes its answer with it.
    current = {str(question.id) for question in activity.questions}
    draft.answers = {qid: value for qid, value in draft.answers.items() if qid in current}
    return activity, draft


def _finished_earlier(draft: Draft) -> bool:
    """Whether this visit was ended (left quickly, or sent) since the draft was made."""
    return draft.started < float(session.get("ended", 0))


def _lost_page():
    return render_template("youth/start_again.html"), 400


def _closed_page(activity: ActivityData, draft: Draft, problem: JoinProblem):
    rows = [(i, q, summary(q, draft.answer(q.id))) for i, q in enumerate(activity.questions)]
    return render_template(
        "youth/closed_while_answering.html", activity=activity, problem=problem.value, rows=rows
    ), 409


@bp.post("/answers")
@csrf.exempt
def answer():
    """Move between questions (Next, Pass, Back, Change), keeping every answer."""
    loaded = _load_draft()
    if loaded is None:
        return _lost_page()
    activity, draft = loaded
    if _finished_earlier(draft):
        return kiosk.redirect_to_start() if kiosk.active() else _finished_page(activity)
    if request.form.get("step") == linking.LINK_STEP:
        return _link_step(activity, draft)
    step = _parse_step(activity, request.form.get("step"))
    questions = _questions_on(activity, step)
    go = request.form.get("go", "next")
    then_check = request.form.get("then") == "check"
    _keep_answers_from_form(activity, draft, step, passing=go == "pass")
    if not csrf_ok():
        return _render_step(activity, draft, step, notice=NOT_SENT_NOTICE, then_check=then_check)
    problem = answering_problem(activity)
    if problem is not None:
        return _closed_page(activity, draft, problem)
    if preferences.switch_pressed():
        return _render_step(activity, draft, step, then_check=then_check)
    goto = request.form.get("goto", "")
    if goto.isdigit():
        return _render_step(
            activity, draft, min(int(goto), len(activity.questions)), then_check=True
        )
    here = step if isinstance(step, int) else len(activity.questions)
    if go == "back":
        return _go_back(activity, draft, here)
    if go != "pass":
        _, errors = validate_answers(activity, {q.id: draft.answer(q.id) for q in questions})
        if errors:
            return _render_step(
                activity, draft, step, errors=errors, status=400, then_check=then_check
            )
        if nudge.should_ask(request.form, questions, draft):
            return _render_step(activity, draft, step, then_check=then_check, unanswered=True)
    return _render_step(activity, draft, len(activity.questions) if then_check else here + 1)


def _go_back(activity: ActivityData, draft: Draft, here: int):
    """The page before `here`: the previous question, or the linking step before the first."""
    if here == 0 and linking.asks_outcomes(activity):
        return linking.render_step(activity, draft, linking.CHOOSE, linking.CodeEntry())
    return _render_step(activity, draft, max(here - 1, 0))


def _link_step(activity: ActivityData, draft: Draft):
    """The optional linking step: make a code from four prompts, type a card's code, or skip."""
    way = request.form.get("way", linking.CHOOSE)
    entry = linking.read_entry(request.form)
    go = request.form.get("go", "")
    if not csrf_ok():
        return linking.render_step(activity, draft, way, entry, notice=NOT_SENT_NOTICE)
    problem = answering_problem(activity)
    if problem is not None:
        return _closed_page(activity, draft, problem)
    if preferences.switch_pressed():
        return linking.render_step(activity, draft, way, entry)
    if go == "skip":
        draft.link_hash = None
        return _render_step(activity, draft, 0)
    if go == "keep" and draft.link_hash is not None:
        return _render_step(activity, draft, 0)
    if go != "use" or way not in (linking.PROMPTS, linking.CARD):
        return linking.render_step(activity, draft, go, entry)
    code, errors = linking.code_of(entry, way)
    if code is None:
        return linking.render_step(activity, draft, way, entry, errors=errors, status=400)
    draft.link_hash = linking.hash_for(activity, code)
    return _render_step(activity, draft, 0, linked=way)


def _keep_answers_from_form(
    activity: ActivityData, draft: Draft, step: int | str, *, passing: bool = False
) -> None:
    """Put what the page's inputs hold into the draft (a pass, or a "pass" tick, clears it)."""
    ticked = set(request.form.getlist("pass"))
    for question in _questions_on(activity, step):
        if passing or str(question.id) in ticked:
            draft.set_answer(question.id, None)
        else:
            draft.set_answer(question.id, read_value(request.form, question))


def _finished_page(activity: ActivityData):
    return render_template("youth/finished.html", activity=activity)


@bp.post("/answers/send")
@csrf.exempt
def submit():
    """Store the answers once (a double tap or a re-sent form stores nothing more)."""
    loaded = _load_draft()
    if loaded is None:
        return _lost_page()
    activity, draft = loaded
    db = get_session()
    if _finished_earlier(draft):
        if kiosk.active():
            return kiosk.redirect_to_start()
        if not already_submitted(db, activity.id, draft.key):
            return _finished_page(activity)
    refused = limits.admit_send(activity)
    if refused is not None:
        return refused
    step = _parse_step(activity, request.form.get("step"))
    _keep_answers_from_form(activity, draft, step)
    if not csrf_ok():
        return _render_step(activity, draft, step, notice=NOT_SENT_NOTICE)
    consent_version = activity.consent_version(draft.consent_version_id)
    if consent_version is None:
        return _lost_page()
    try:
        result = record_submission(
            db,
            activity,
            consent_version,
            draft.research,
            draft.answers,
            draft.key,
            current_app.config["SECRET_KEY"],
            withdrawal_code=draft.withdrawal_code,
            language=preferences.language(),
            link_hash=draft.link_hash,
        )
    except InvalidAnswers as invalid:
        db.rollback()
        first = _first_step_with_error(activity, invalid.errors)
        return _render_step(activity, draft, first, errors=invalid.errors, status=400)
    except ActivityNotAccepting as closed:
        db.rollback()
        return _closed_page(activity, draft, closed.problem)
    db.commit()
    session["ended"] = time.time()
    if kiosk.active():
        # Post/redirect/get: Back from the next person's start never offers to re-send.
        pages.remember_kiosk_thanks(activity.id, result.withdrawal_code, result.flagged)
        return redirect(url_for("youth.kiosk_thanks"), 303)
    return markup.kept_page(
        "youth/thanks.html",
        activity,
        {
            "withdrawal_code": result.withdrawal_code,
            # For the switches, which re-post the send and are shown this page again. The
            # answers are stored now and a repeat only replays, so the page no longer carries
            # them.
            "draft_token": drafts.encode(replace(draft, answers={})),
        },
        flagged=result.flagged,
        kiosk=False,
        kiosk_start=None,
    )


def _first_step_with_error(activity: ActivityData, errors: dict) -> int:
    wrong = {question_id for question_id, _ in errors}
    for index, question in enumerate(activity.questions):
        if question.id in wrong:
            return index
    return 0


def _withdraw_page(
    *,
    code: str = "",
    error: str | None = None,
    notice: str | None = None,
    way: str | None = None,
    entry: linking.CodeEntry | None = None,
    link_errors: dict[str, str] | None = None,
    status: int = 200,
):
    """The delete page: by withdrawal code, or (separately) every answer linked by a code."""
    context = linking.form_context(entry or linking.CodeEntry(), link_errors)
    return render_template(
        "youth/withdraw.html",
        code=code,
        error=error,
        notice=notice,
        linked_way=way,
        **context,
    ), status


@bp.route("/withdraw", methods=["GET", "POST"])
@csrf.exempt
def withdraw_answers():
    """Delete your answers with the code from the thanks page (within the activity's window)."""
    if request.method == "GET":
        return _withdraw_page()
    raw = request.form.get("code", "")[:200]
    if not csrf_ok():
        return _withdraw_page(code=raw, notice=NOT_SENT_NOTICE)
    if not raw.strip():
        return _withdraw_page(code=raw, error="Enter the code you were given", status=400)
    if not throttle.hit(
        throttle.WITHDRAW_PER_CLIENT, "withdraw", throttle.client_key(), fail_open=True
    ):
        return _too_many_tries()
    db = get_session()
    outcome = withdraw(db, raw, current_app.config["SECRET_KEY"])
    if outcome == WithdrawOutcome.WITHDRAWN:
        db.commit()
        return render_template("youth/withdrawn.html")
    db.rollback()
    if outcome == WithdrawOutcome.TOO_LATE:
        error = (
            "It is too late to delete these answers: the time for changing your mind has "
            "passed. They are still anonymous, so nobody can tell they are yours."
        )
    else:
        error = "We could not find answers with that code. Check it and try again."
    return _withdraw_page(code=raw, error=error, status=400)


LINKED_NOT_FOUND = (
    "We could not find any answers linked to that code. Check your answers and try again."
)


@bp.get("/withdraw/linked")
def withdraw_linked_page():
    """The linked-answers forms live on the delete page."""
    return redirect(url_for("youth.withdraw_answers", _anchor="linked"), 303)


@bp.post("/withdraw/linked")
@csrf.exempt
def withdraw_linked_answers():
    """Remove every answer linked by a linking code; older answers are unlinked instead."""
    way = linking.CARD if request.form.get("way") == linking.CARD else linking.PROMPTS
    entry = linking.read_entry(request.form)
    if not csrf_ok():
        return _withdraw_page(way=way, entry=entry, notice=NOT_SENT_NOTICE)
    code, errors = linking.code_of(entry, way)
    if code is None:
        return _withdraw_page(way=way, entry=entry, link_errors=errors, status=400)
    if not throttle.hit(
        throttle.WITHDRAW_PER_CLIENT, "withdraw", throttle.client_key(), fail_open=True
    ):
        return _too_many_tries()
    db = get_session()
    result = withdraw_linked(db, code, current_app.config["LINK_KEY_DIR"])
    if not result.found:
        db.rollback()
        field = linking.CARD_FIELD if way == linking.CARD else "linked-prompts"
        return _withdraw_page(
            way=way, entry=entry, link_errors={field: LINKED_NOT_FOUND}, status=400
        )
    db.commit()
    return render_template(
        "youth/withdrawn_linked.html", removed=result.removed, unlinked=result.unlinked
    )


@bp.get("/leave")
def leave():
    """Quick exit without JavaScript: end this visit, then go to a neutral site."""
    session["ended"] = time.time()
    return redirect(current_app.config["EXIT_URL"], 303)
