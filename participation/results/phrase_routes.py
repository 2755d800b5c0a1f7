"""The rules safeguarding leads add to the check: preview on the corpus, then save."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from participation.auth.access import staff_required
from participation.db import get_session
from participation.models.staff import ADMIN, LEAD
from participation.problems import Forbidden
from participation.results import bp
from participation.results.forms import EmptyForm, PhraseForm
from participation.safeguarding.categories import label_of
from participation.safeguarding.check import word_lists
from participation.safeguarding.phrases import (
    PhraseProblem,
    add_phrase,
    may_edit,
    phrases_by_category,
    preview,
    set_phrase_active,
    shipped_by_category,
)


@bp.route("/safeguarding/phrases", methods=["GET", "POST"])
@staff_required(LEAD, ADMIN)
def phrase_list():
    """The check's rules; safeguarding leads and admins preview a new one, then save it."""
    if not may_edit(current_user):
        raise Forbidden()
    db = get_session()
    form = PhraseForm()
    result = None
    if form.validate_on_submit():
        args = (db, current_user, form.category.data, form.phrase.data)
        exception = form.effect.data == "exception"
        try:
            if request.form.get("action") == "save":
                phrase = add_phrase(*args, exception=exception)
            else:
                result = preview(*args, exception=exception)
        except PhraseProblem as exc:
            db.rollback()
            getattr(form, exc.field).errors.append(exc.message)
        else:
            db.commit()
            if result is None:
                flash(f"Added “{phrase.phrase}” to {label_of(phrase.category)}.", "success")
                return redirect(url_for("results.phrase_list"))
    return render_template(
        "results/phrases.html",
        form=form,
        preview=result,
        grouped=phrases_by_category(db),
        shipped=shipped_by_category(),
        word_lists=word_lists(),
        label_of=label_of,
        toggle_form=EmptyForm(),
    )


@bp.post("/safeguarding/phrases/<int:phrase_id>")
@staff_required(LEAD, ADMIN)
def phrase_toggle(phrase_id: int):
    """Switch a rule leads added off (or back on)."""
    db = get_session()
    if EmptyForm().validate_on_submit():
        active = request.form.get("active") == "1"
        phrase = set_phrase_active(db, current_user, phrase_id, active)
        db.commit()
        flash(
            f"“{phrase.phrase}” is {'checked again' if active else 'no longer checked'}.",
            "success",
        )
    return redirect(url_for("results.phrase_list"))
