"""The activity page's Share part: QR code, link, poster, handout, kiosk mode and a new code."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, url_for
from flask_login import current_user

from participation.accounts import audit
from participation.activities import design as activities
from participation.activities import posters, qr
from participation.activities.settings import ActivityError
from participation.db import get_session, writes_database
from participation.models import Activity
from participation.models.activities import ARCHIVED
from participation.studio import bp
from participation.studio.forms import CodeForm, add_problems
from participation.studio.pages import share_page
from participation.studio.routes import leads_only


@bp.get("/activities/<int:activity_id>/share")
@leads_only
def activity_share(activity_id: int):
    """How young people join: the QR code and link, printables, kiosk mode, a new code."""
    activity = activities.get_activity(get_session(), current_user, activity_id)
    return share_page(activity)


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
        return share_page(activity, code_form=form)
    db.commit()
    flash(
        f"The new code is {activity.join_code}. The old code {old} no longer works, so "
        "print or show the new QR code.",
        "success",
    )
    return redirect(url_for("studio.activity_share", activity_id=activity.id) + "#new-code")


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
