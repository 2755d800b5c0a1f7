"""Studio: a Hub's outcomes bank (admins and Hub leads add and retire) and linking-code cards."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from participation.accounts import audit
from participation.accounts.scoping import visible_service_ids
from participation.activities.settings import ActivityError
from participation.db import get_session, writes_database
from participation.errors import render_error
from participation.exports import pdf as pdf_worker
from participation.exports.pdf import PdfError
from participation.models import Service
from participation.outcomes import bank, cards
from participation.studio import bp
from participation.studio.forms import EmptyForm, OutcomeForm, add_problems
from participation.studio.routes import leads_only

CARDS_FAILED = "The cards could not be made just now. Please try again in a minute."


def _requested_hub() -> int | None:
    raw = request.values.get("hub", "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def _bank_url(hub: Service, anchor: str = "") -> str:
    # An admin comes back to the Hub they chose; anyone else has only their own.
    hub_id = hub.id if current_user.is_admin else None
    return url_for("studio.outcome_bank", hub=hub_id) + anchor


def _bank_page(hub: Service, form: OutcomeForm | None = None) -> str:
    db = get_session()
    if form is None:
        form = OutcomeForm(formdata=None)
    form.set_choices(bank.AREAS)
    return render_template(
        "studio/outcomes.html",
        hub=hub,
        hubs=bank.bank_hubs(db, current_user),
        items=bank.bank_for(db, hub.id),
        asked=bank.activities_asking(db, hub.id, visible_service_ids(db, current_user)),
        sees_whole_hub=current_user.is_admin or current_user.service_id == hub.id,
        areas=bank.AREAS,
        scale=bank.SCALE,
        can_manage=bank.can_manage_bank(current_user, hub.id),
        form=form,
        action_form=EmptyForm(),
        wording_fixed=bank.WORDING_FIXED,
        max_wording=bank.MAX_WORDING,
        max_sheets=cards.MAX_SHEETS,
        cards_per_sheet=cards.CARDS_PER_SHEET,
    )


@bp.get("/outcomes")
@writes_database
@leads_only
def outcome_bank():
    """A Hub's outcome questions: who asks them, and (for admins and Hub leads) add or retire."""
    db = get_session()
    hub = bank.bank_hub(db, current_user, _requested_hub())
    page = _bank_page(hub)
    db.commit()  # the standard questions, the first time a Hub's bank is opened
    return page


@bp.post("/outcomes")
@leads_only
def outcome_add():
    """Add a question to the Hub's bank under a new key."""
    db = get_session()
    hub = bank.bank_hub(db, current_user, _requested_hub())
    form = OutcomeForm()
    if not form.validate_on_submit():
        abort(400)
    wording = bank.BankWording(
        area=form.area.data or "",
        prompt=form.prompt.data or "",
        hint=form.hint.data or "",
        prompt_cy=form.prompt_cy.data or "",
        hint_cy=form.hint_cy.data or "",
    )
    try:
        item = bank.add_bank_question(db, current_user, hub.id, wording)
    except ActivityError as exc:
        add_problems(form, exc.problems, "prompt")
        return _bank_page(hub, form)
    db.commit()
    flash(f"Added “{item.prompt}” to the bank as {item.key}.", "success")
    return redirect(_bank_url(hub, f"#outcome-{item.id}"))


def _set_retired(question_id: int, retired: bool):
    db = get_session()
    hub = bank.bank_hub(db, current_user, _requested_hub())
    if not EmptyForm().validate_on_submit():
        abort(400)
    item = bank.retire_bank_question(db, current_user, hub.id, question_id, retired)
    db.commit()
    if retired:
        flash(
            f"Retired “{item.prompt}”. Activities that ask it keep it; no new activity can add it.",
            "success",
        )
    else:
        flash(f"Restored “{item.prompt}”: activities can add it again.", "success")
    return redirect(_bank_url(hub, f"#outcome-{item.id}"))


@bp.post("/outcomes/<int:question_id>/retire")
@leads_only
def outcome_retire(question_id: int):
    """Stop new activities adding a bank question (activities that ask it keep it)."""
    return _set_retired(question_id, True)


@bp.post("/outcomes/<int:question_id>/restore")
@leads_only
def outcome_restore(question_id: int):
    """Let activities add a retired bank question again."""
    return _set_retired(question_id, False)


@bp.get("/outcomes/cards.pdf")
@writes_database
@leads_only
def linking_cards():
    """A4 sheets of cut-out cards, each with a fresh linking code (never stored)."""
    db = get_session()
    hub = bank.bank_hub(db, current_user, _requested_hub())
    raw = request.args.get("sheets", "1")
    sheets = int(raw) if raw.isdigit() and 1 <= int(raw) <= cards.MAX_SHEETS else 1
    # The cards carry the name of the service that hands them out.
    service = current_user.service if not current_user.is_admin else hub
    html = cards.cards_html(service.name if service is not None else hub.name, sheets)
    try:
        pdf = pdf_worker.html_to_pdf(
            html, timeout=current_app.config.get("PDF_TIMEOUT_SECONDS", 30)
        )
    except PdfError:
        return render_error(503, CARDS_FAILED)
    audit.record(
        db,
        "linking_cards_printed",
        staff=current_user,
        service_id=service.id if service is not None else hub.id,
        cards=sheets * cards.CARDS_PER_SHEET,
    )
    db.commit()
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'attachment; filename="linking-code-cards.pdf"'
    return response
