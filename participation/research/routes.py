"""Research views: the list of exportable activities, the report chooser and the downloads."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import Session
from wtforms import SelectChoice

from participation.accounts import audit
from participation.accounts.scoping import ensure_can_see, visible_services
from participation.activities.types import participation_types
from participation.auth.access import staff_required
from participation.clock import in_sane_years, utcnow
from participation.db import get_session, writes_database
from participation.errors import render_error
from participation.exports import pdf as pdf_worker
from participation.exports import releases
from participation.exports import summary as reports
from participation.exports.consent import research_shareable
from participation.exports.outcome_pack import Period, build_outcome_pack
from participation.exports.outcome_pack_files import outcome_pack_chunks
from participation.exports.pack import research_pack_chunks
from participation.exports.releases import get_release, release_selection, releases_of
from participation.exports.responses import ResponseExport, service_selection
from participation.figures.dashboard import DashboardFilters
from participation.models import Activity, ParticipationType, ResearchRelease, Service
from participation.models.staff import ADMIN, LEAD, RESEARCHER
from participation.problems import Forbidden
from participation.research import bp
from participation.research.forms import OutcomePackForm, ScopeReportForm
from participation.research.queries import activity_in_scope, research_activities
from participation.research.streaming import audited, record_started

# Researchers and leads download row-level data; admins can do everything.
ROLES = (RESEARCHER, LEAD, ADMIN)
# A service's own staff make releases and keep a live extract of their answers.
SERVICE_ROLES = (LEAD, ADMIN)
PDF_FAILED = (
    "The report could not be made just now. Nothing is wrong with your data: try again in a "
    "minute, or choose a shorter period."
)


def _activity(activity_id: int) -> Activity:
    activity = activity_in_scope(get_session(), current_user, activity_id)
    if activity is None:
        abort(404)
    return activity


def download_name(title: str, what: str, extension: str) -> str:
    """A safe ASCII file name such as "taking-part-research-pack-2026-03-01.zip"."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-") or "activity"
    return f"{slug}-{what}-{utcnow():%Y-%m-%d}.{extension}"


def _attachment(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def streamed(
    make_chunks: Callable[[Session], Iterator[bytes]], mimetype: str, filename: str
) -> Response:
    """A streamed download; its chunks are made in a session that lives as long as the stream."""

    def generate() -> Iterator[bytes]:
        # The view's session closes when the view returns; streaming gets its own.
        yield from make_chunks(get_session())

    response = Response(stream_with_context(generate()), mimetype=mimetype)
    response.headers["X-Accel-Buffering"] = "no"  # let a proxy pass chunks straight on
    return _attachment(response, filename)


@bp.get("/")
@staff_required(*ROLES)
def index():
    """The activities this member of staff may export, with their downloads."""
    listed = research_activities(get_session(), current_user)
    pdf_worker.renderer().start_soon()  # reports downloaded from here come quicker
    return render_template("research/index.html", listed=listed)


# --- one activity: releases for research, and the service's own live extract ----------

# Makes a download's chunks from the export, the activity's releases and the one chosen.
ReleaseMaker = Callable[
    [ResponseExport, list[ResearchRelease], ResearchRelease | None], Iterator[bytes]
]


def _release_download(
    activity: Activity, number: int | None, action: str, fmt: str, make: ReleaseMaker
) -> Response:
    """Stream a release of `activity`: audited as started now and as completed at its end."""
    db = get_session()
    release = get_release(db, activity, number)
    if number is not None and release is None:
        abort(404)
    releases = releases_of(db, activity)
    export = ResponseExport(db, activity, release_selection(activity, release))
    staff = current_user._get_current_object()
    release_number = release.number if release else None
    record_started(db, staff, action, activity, format=fmt, release=release_number)
    chunks = audited(
        lambda session: make(export.bind(session), releases, release),
        staff=staff,
        action=action,
        target=activity,
        outcome=lambda: {"rows": export.prepare().rows},
        format=fmt,
        scope="release",
        release=release_number,
    )
    what = f"release-{release.number}" if release else "no-release"
    extension = "zip" if fmt == "zip" else "csv"
    filename = download_name(activity.title, f"research-pack-{what}", extension)
    if fmt != "zip":
        filename = download_name(activity.title, f"responses-{what}", extension)
    return streamed(chunks, "application/zip" if fmt == "zip" else "text/csv", filename)


def _pack(
    export: ResponseExport, releases: list[ResearchRelease], release: ResearchRelease | None
) -> Iterator[bytes]:
    session, activity = export.session, export.activity

    def summary() -> bytes:
        report = reports.activity_report(session, activity)
        session.rollback()  # end the read before the slow part (SQLite locks while reading)
        return reports.report_pdf(report)

    shared = research_shareable(activity).shared
    return research_pack_chunks(
        export,
        summary_pdf=summary if shared else None,
        releases=releases,
        release=release,
    )


def _csv(
    export: ResponseExport, _releases: list[ResearchRelease], _release: ResearchRelease | None
) -> Iterator[bytes]:
    return export.csv()


@bp.get("/activities/<int:activity_id>/pack.zip")
@writes_database
@staff_required(*ROLES)
def research_pack(activity_id: int):
    """The newest release's research pack ZIP: responses, codebook, README, SPSS, summary."""
    return _release_download(_activity(activity_id), None, "export_research_pack", "zip", _pack)


@bp.get("/activities/<int:activity_id>/releases/<int:number>/pack.zip")
@writes_database
@staff_required(*ROLES)
def release_pack(activity_id: int, number: int):
    """The research pack of one release."""
    return _release_download(_activity(activity_id), number, "export_research_pack", "zip", _pack)


@bp.get("/activities/<int:activity_id>/responses.csv")
@writes_database
@staff_required(*ROLES)
def responses_csv(activity_id: int):
    """The newest release's anonymised responses as one CSV file."""
    return _release_download(_activity(activity_id), None, "export_responses_csv", "csv", _csv)


@bp.get("/activities/<int:activity_id>/releases/<int:number>/responses.csv")
@writes_database
@staff_required(*ROLES)
def release_csv(activity_id: int, number: int):
    """The anonymised responses of one release as CSV."""
    return _release_download(_activity(activity_id), number, "export_responses_csv", "csv", _csv)


@bp.post("/activities/<int:activity_id>/releases")
@staff_required(*SERVICE_ROLES)
def make_release(activity_id: int):
    """Release what can be shared now for research (a lead or an admin)."""
    db = get_session()
    release = releases.make_release(db, current_user, _activity(activity_id))
    db.commit()
    flash(f"Release {release.number} made: {release.added} new young people's answers.", "success")
    return redirect(url_for("research.index"))


@bp.get("/activities/<int:activity_id>/service-answers.csv")
@writes_database
@staff_required(*SERVICE_ROLES)
def service_csv(activity_id: int):
    """The service's own live CSV of every answer (anonymised; not research sharing)."""
    activity = _activity(activity_id)
    db = get_session()
    export = ResponseExport(db, activity, service_selection(activity))
    staff = current_user._get_current_object()
    record_started(db, staff, "export_service_csv", activity, format="csv")
    chunks = audited(
        lambda session: export.bind(session).csv(),
        staff=staff,
        action="export_service_csv",
        target=activity,
        outcome=lambda: {"rows": export.prepare().rows},
        format="csv",
        scope="service",
    )
    return streamed(chunks, "text/csv", download_name(activity.title, "all-answers", "csv"))


def _refuse_researchers_when_off(activity: Activity) -> None:
    sharing = research_shareable(activity)
    if current_user.role == RESEARCHER and not sharing.shared:
        raise Forbidden(sharing.reason)


def _pdf_response(report: reports.Report, filename: str) -> Response | tuple[str, int]:
    try:
        pdf = reports.report_pdf(report)
    except reports.PdfError:
        return render_error(503, PDF_FAILED)
    return _attachment(Response(pdf, mimetype="application/pdf"), filename)


def _csv_response(report: reports.Report, filename: str) -> Response:
    return _attachment(Response(reports.summary_csv(report), mimetype="text/csv"), filename)


@bp.get("/activities/<int:activity_id>/summary.pdf")
@writes_database
@staff_required(*ROLES)
def summary_pdf(activity_id: int):
    """The summary report of one activity as a PDF."""
    activity = _activity(activity_id)
    _refuse_researchers_when_off(activity)
    db = get_session()
    report = reports.activity_report(db, activity)
    audit.record(
        db,
        "export_summary_pdf",
        staff=current_user,
        target=activity,
        format="pdf",
        scope="activity",
    )
    db.commit()
    return _pdf_response(report, download_name(activity.title, "summary", "pdf"))


@bp.get("/activities/<int:activity_id>/summary.csv")
@writes_database
@staff_required(*ROLES)
def summary_csv(activity_id: int):
    """The figures of one activity's summary report as CSV."""
    activity = _activity(activity_id)
    _refuse_researchers_when_off(activity)
    db = get_session()
    report = reports.activity_report(db, activity)
    rows = sum(1 for _ in reports.summary_rows(report))
    audit.record(
        db,
        "export_summary_csv",
        staff=current_user,
        target=activity,
        format="csv",
        rows=rows,
        scope="activity",
    )
    db.commit()
    return _csv_response(report, download_name(activity.title, "summary", "csv"))


# --- a service or participation type over a date range -------------------------------


def _dates() -> tuple[date | None, date | None]:
    try:
        start, end = (
            date.fromisoformat(value) if (value := request.args.get(key, "").strip()) else None
            for key in ("from", "to")
        )
    except ValueError:
        abort(400)
    if (start and end and start > end) or not (in_sane_years(start) and in_sane_years(end)):
        abort(400)
    return start, end


def _scope_report(filters: DashboardFilters, target: object, fmt: str):
    db = get_session()
    report = reports.scope_report(db, current_user, filters)
    what = "service" if filters.service_id is not None else "type"
    rows = sum(1 for _ in reports.summary_rows(report)) if fmt == "csv" else None
    audit.record(
        db,
        f"export_summary_{fmt}",
        staff=current_user,
        target=target,
        service_id=filters.service_id,
        format=fmt,
        scope=what,
        date_from=filters.date_from.isoformat() if filters.date_from else None,
        date_to=filters.date_to.isoformat() if filters.date_to else None,
        activities=len(report.sections) + len(report.not_detailed),
        rows=rows,
    )
    db.commit()
    filename = download_name(report.title, "summary", fmt)
    return _pdf_response(report, filename) if fmt == "pdf" else _csv_response(report, filename)


def _service(service_id: int) -> Service:
    db = get_session()
    service = db.get(Service, service_id)
    if service is None:
        abort(404)
    ensure_can_see(db, current_user, service.id)
    return service


def _type(type_id: int) -> ParticipationType:
    kind = get_session().get(ParticipationType, type_id)
    if kind is None:
        abort(404)
    return kind


@bp.get("/services/<int:service_id>/summary.pdf")
@writes_database
@staff_required(*ROLES)
def service_summary_pdf(service_id: int):
    """The summary report of a service's activities over a date range, as a PDF."""
    service = _service(service_id)
    start, end = _dates()
    filters = DashboardFilters(service_id=service.id, date_from=start, date_to=end)
    return _scope_report(filters, service, "pdf")


@bp.get("/services/<int:service_id>/summary.csv")
@writes_database
@staff_required(*ROLES)
def service_summary_csv(service_id: int):
    """The figures of a service's summary report as CSV."""
    service = _service(service_id)
    start, end = _dates()
    filters = DashboardFilters(service_id=service.id, date_from=start, date_to=end)
    return _scope_report(filters, service, "csv")


@bp.get("/types/<int:type_id>/summary.pdf")
@writes_database
@staff_required(*ROLES)
def type_summary_pdf(type_id: int):
    """The summary report of a participation type (in the services you see) as a PDF."""
    kind = _type(type_id)
    start, end = _dates()
    filters = DashboardFilters(type_id=kind.id, date_from=start, date_to=end)
    return _scope_report(filters, kind, "pdf")


@bp.get("/types/<int:type_id>/summary.csv")
@writes_database
@staff_required(*ROLES)
def type_summary_csv(type_id: int):
    """The figures of a participation type's summary report as CSV."""
    kind = _type(type_id)
    start, end = _dates()
    filters = DashboardFilters(type_id=kind.id, date_from=start, date_to=end)
    return _scope_report(filters, kind, "csv")


@bp.get("/reports")
@staff_required(*ROLES)
def scope_report():
    """Choose a report across activities: a service or a participation type, and dates."""
    db = get_session()
    form = ScopeReportForm(request.args)
    form.service_id.choices = [
        SelectChoice(s.id, s.name) for s in visible_services(db, current_user)
    ]
    form.type_id.choices = [SelectChoice(t.id, t.name) for t in participation_types(db)]
    if request.args and form.validate():
        args = {
            key: value.isoformat()
            for key, value in (("from", form.date_from.data), ("to", form.date_to.data))
            if value
        }
        fmt = form.fmt.data or "pdf"
        if form.scope.data == "service":
            endpoint = f"research.service_summary_{fmt}"
            return redirect(url_for(endpoint, service_id=form.service_id.data, **args))
        endpoint = f"research.type_summary_{fmt}"
        return redirect(url_for(endpoint, type_id=form.type_id.data, **args))
    return render_template("research/scope_report.html", form=form)


# --- outcomes across activities: a Hub's or a service's outcome answers, linked ----------


def _outcome_form() -> OutcomePackForm:
    form = OutcomePackForm(request.args)
    form.service_id.choices = [
        SelectChoice(s.id, f"{s.name} and its Spokes" if s.kind == "hub" else s.name)
        for s in visible_services(get_session(), current_user)
    ]
    return form


@bp.get("/outcomes")
@staff_required(*ROLES)
def outcomes():
    """Choose a Hub or service and whole months for an outcomes research pack."""
    return render_template("research/outcomes.html", form=_outcome_form())


@bp.get("/outcomes/pack.zip")
@writes_database
@staff_required(*ROLES)
def outcome_pack():
    """The outcomes research pack: outcome answers across activities, linked per pack."""
    form = _outcome_form()
    db = get_session()
    valid = form.validate()
    # Another Hub's service (or none) is not found, whatever else is wrong.
    scope = _service(form.service_id.data) if form.service_id.data is not None else None
    if scope is None or not valid:
        return render_template("research/outcomes.html", form=form), 400
    first, last = form.month_from.data, form.month_to.data
    assert first is not None and last is not None  # both required, so validated
    period = Period(first, last)
    pack = build_outcome_pack(db, scope, period)
    staff = current_user._get_current_object()
    detail = {
        "service_id": scope.id,
        "format": "zip",
        "scope": "hub" if len(pack.services) > 1 else "service",
        "month_from": f"{period.first:%Y-%m}",
        "month_to": f"{period.last:%Y-%m}",
    }
    record_started(db, staff, "export_outcome_pack", scope, **detail)
    chunks = audited(
        lambda _session: outcome_pack_chunks(pack),
        staff=staff,
        action="export_outcome_pack",
        target=scope,
        outcome=lambda: {
            "activities": len(pack.activities),
            "rows": len(pack.rows),
            "k": pack.k,
            "unlinked_rows": pack.linking.unlinked_rows,
        },
        **detail,
    )
    filename = download_name(scope.name, "outcomes-research-pack", "zip")
    return streamed(chunks, "application/zip", filename)
