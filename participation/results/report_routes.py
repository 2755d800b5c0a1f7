"""Report downloads from the results page, and "you said, we did" publishing and poster.

Each report (PDF, PowerPoint, Word; for staff or for young people) is the one summary the
research page offers, with the same suppression and redaction, and each download is audited
as started, then completed or failed.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, flash, g, redirect, url_for
from flask_login import current_user

from participation.accounts import audit
from participation.activities.qr import join_url
from participation.auth.access import staff_required
from participation.db import get_session, writes_database
from participation.errors import render_error
from participation.exports import pdf as pdf_worker
from participation.exports.pdf import PdfError
from participation.exports.report_files import FORMATS, activity_report_file
from participation.follow_up.actions import publishing_of
from participation.follow_up.you_said import all_actions, poster_html, set_publishing
from participation.models import Activity
from participation.models.staff import ADMIN, LEAD
from participation.research.routes import download_name
from participation.results import bp
from participation.results.common import load_activity
from participation.results.report_forms import PublishForm

LEADS = (LEAD, ADMIN)
REPORT_FAILED = (
    "The report could not be made just now. Nothing is wrong with your data: try again in a minute."
)


def _attachment(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _report(activity_id: int, fmt: str, young_people: bool):
    if fmt not in FORMATS:
        abort(404)
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    audience = "young_people" if young_people else "staff"
    action = f"export_report_{fmt}"
    detail: dict[str, Any] = {"format": fmt, "audience": audience, "scope": "activity"}
    audit.record(db, f"{action}_started", staff=current_user, target=activity, **detail)
    db.commit()
    g.db_committed = False  # the outcome below is a second write
    try:
        made = activity_report_file(db, activity, fmt, young_people=young_people)
    except PdfError:
        db.rollback()
        audit.record(db, f"{action}_failed", staff=current_user, target=activity, **detail)
        db.commit()
        return render_error(503, REPORT_FAILED)
    audit.record(db, action, staff=current_user, target=activity, outcome="completed", **detail)
    db.commit()
    what = "for-young-people" if young_people else "report"
    return _attachment(made.body, made.mimetype, download_name(activity.title, what, fmt))


@bp.get("/activities/<int:activity_id>/report.<fmt>")
@writes_database
@staff_required(*LEADS)
def report_download(activity_id: int, fmt: str):
    """The activity's summary report as PDF, PowerPoint (pptx) or Word (docx)."""
    return _report(activity_id, fmt, young_people=False)


@bp.get("/activities/<int:activity_id>/report-for-young-people.<fmt>")
@writes_database
@staff_required(*LEADS)
def report_young_people(activity_id: int, fmt: str):
    """The young people's version of the report: plain words, big charts."""
    return _report(activity_id, fmt, young_people=True)


# --- "you said, we did" -------------------------------------------------------------


def _join_url(activity: Activity) -> str:
    return join_url(current_app.config["BASE_URL"], activity.join_code)


@bp.post("/activities/<int:activity_id>/actions/publish")
@staff_required(*LEADS)
def actions_publish(activity_id: int):
    """Show (or stop showing) the actions on the page the activity's code opens."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    form = PublishForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(url_for("results.action_list", activity_id=activity.id) + "#publish")
    set_publishing(db, current_user, activity, bool(form.published.data), form.until.data)
    db.commit()
    showing = publishing_of(activity).showing
    flash(
        "Young people now see these on the page their code opens."
        if showing
        else "Young people do not see these now.",
        "success",
    )
    return redirect(url_for("results.action_list", activity_id=activity.id) + "#publish")


@bp.get("/activities/<int:activity_id>/you-said-poster.pdf")
@writes_database
@staff_required(*LEADS)
def you_said_poster(activity_id: int):
    """An A4 "you said, we did" poster to print and put up."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    html = poster_html(activity, all_actions(db, activity), _join_url(activity))
    audit.record(db, "printable_downloaded", staff=current_user, target=activity, kind="you_said")
    db.commit()
    try:
        pdf = pdf_worker.html_to_pdf(
            html, timeout=current_app.config.get("PDF_TIMEOUT_SECONDS", 30)
        )
    except PdfError:
        return render_error(503, REPORT_FAILED)
    return _attachment(
        pdf, "application/pdf", download_name(activity.title, "you-said-we-did", "pdf")
    )
