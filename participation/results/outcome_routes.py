"""Change over time in outcome questions: the Hub and its Spokes, or a Spoke and its Hub."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user

from participation.auth.access import staff_required
from participation.db import get_session
from participation.figures.outcomes import (
    BY_SERVICE,
    MOVE_LABELS,
    SCALE_LABELS,
    cell_text,
    outcomes_page,
    scope_for,
)
from participation.outcomes.change import DEFAULT_K, OutcomeFilters
from participation.outcomes.tally import TallyCache
from participation.results import bp
from participation.results.forms import choices
from participation.results.outcome_forms import OutcomeFilterForm


@bp.get("/outcomes")
@staff_required()
def outcomes():
    """First and latest answers of linked young people, and every answer given, per question."""
    db = get_session()
    scope = scope_for(db, current_user, request.args.get("hub", type=int))
    form = OutcomeFilterForm(request.args)
    if scope.hubs:
        form.hub.choices = choices((h.id, h.name) for h in scope.hubs)
        form.hub.data = scope.hub.id if scope.hub else None
    else:
        del form.hub
    valid = form.validate() if request.args else True
    # A field with an error counts as left empty: the page still shows what it can.
    filters = OutcomeFilters(
        date_from=None if form.date_from.errors else form.date_from.data,
        date_to=None if form.date_to.errors else form.date_to.data,
    )
    view = BY_SERVICE if form.view.errors or not form.view.data else form.view.data
    cache = current_app.extensions.setdefault("outcome_tallies", TallyCache())
    figures = outcomes_page(db, scope, filters, view, DEFAULT_K, cache)
    return render_template(
        "results/outcomes.html",
        form=form,
        page=figures,
        valid=valid,
        cell_text=cell_text,
        scale_labels=SCALE_LABELS,
        move_labels=MOVE_LABELS,
    )
