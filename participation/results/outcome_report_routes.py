"""The funder and commissioner report of outcomes over time: choose a service and period, download.

One GET form: with no choices it shows the form; with valid ones it sends the report (PDF,
PowerPoint or Word), audited as started, then completed or failed, like every report download.
Staff choose only among services they may see; any other service is not found.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, g, render_template, request
from flask_login import current_user
from wtforms import SelectChoice

from participation.accounts import audit
from participation.accounts.scoping import can_see_service, visible_services
from participation.auth.access import staff_required
from participation.db import get_session, writes_database
from participation.errors import render_error
from participation.exports.pdf import PdfError
from participation.exports.report_files import outcome_report_file
from participation.models import Service
from participation.models.staff import ADMIN, LEAD, RESEARCHER
from participation.outcomes.change import OutcomeFilters
from participation.research.routes import download_name
from participation.results import bp
from participation.results.report_forms import OutcomeReportForm
from participation.results.report_routes import REPORT_FAILED

ROLES = (LEAD, ADMIN, RESEARCHER)


def _chosen_service() -> Service | None:
    """The service named in the query string, or None; 404 if it is not one the staff may see."""
    raw = request.args.get("service_id", "").strip()
    if not raw:
        return None
    db = get_session()
    service = (
        db.get(Service, int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
    )
    if service is None or not can_see_service(db, current_user, service.id):
        abort(404)
    return service


def _download(service: Service, filters: OutcomeFilters, fmt: str) -> Response | Any:
    db = get_session()
    detail: dict[str, Any] = {
        "format": fmt,
        "scope": "outcomes",
        "date_from": filters.date_from.isoformat() if filters.date_from else None,
        "date_to": filters.date_to.isoformat() if filters.date_to else None,
    }
    action = f"export_outcome_report_{fmt}"
    audit.record(
        db, f"{action}_started", staff=current_user, target=service, service_id=service.id, **detail
    )
    db.commit()
    g.db_committed = False  # the outcome below is a second write
    try:
        made = outcome_report_file(db, service, filters, fmt)
    except PdfError:
        db.rollback()
        audit.record(
            db,
            f"{action}_failed",
            staff=current_user,
            target=service,
            service_id=service.id,
            **detail,
        )
        db.commit()
        return render_error(503, REPORT_FAILED)
    audit.record(
        db,
        action,
        staff=current_user,
        target=service,
        service_id=service.id,
        outcome="completed",
        **detail,
    )
    db.commit()
    response = Response(made.body, mimetype=made.mimetype)
    filename = download_name(service.name, "outcomes-report", fmt)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/outcomes/report")
@writes_database
@staff_required(*ROLES)
def outcome_report():
    """Choose a service, period and format, and download its outcomes-over-time report."""
    db = get_session()
    service = _chosen_service()
    form = OutcomeReportForm(request.args)
    form.service_id.choices = [
        SelectChoice(s.id, s.name) for s in visible_services(db, current_user)
    ]
    if service is not None and form.validate():
        filters = OutcomeFilters(form.date_from.data, form.date_to.data)
        return _download(service, filters, form.fmt.data or "pdf")
    if request.args and service is None:
        form.validate()  # to say which choice is missing
    return render_template("results/outcome_report.html", form=form)
