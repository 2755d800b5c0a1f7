"""Summary reports for funders and commissioners: a PDF and a CSV of the same figures.

Every number comes from `participation.figures.results` (the same suppressed cells, the same SVG
charts as the results pages), so a report can never show more than the screen does. A
report covers one activity, or a service or participation type over a date range.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app, render_template
from markupsafe import Markup
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, selectinload

from participation.accounts.scoping import service_filter
from participation.clock import utcnow
from participation.exports.consent import research_shareable
from participation.exports.pdf import PdfError, html_to_pdf
from participation.figures.dashboard import (
    Dashboard,
    DashboardFilters,
    dashboard_chart,
    dashboard_figures,
)
from participation.figures.results import (
    ActivityFigures,
    QuestionResult,
    activity_figures,
    cell_text,
    question_chart,
)
from participation.follow_up.actions import actions_for
from participation.follow_up.theme_quotes import picked_quotes_by_theme
from participation.follow_up.themes import activity_theme_counts
from participation.models import (
    Activity,
    Answer,
    ParticipationType,
    Service,
    Staff,
    Submission,
)
from participation.models.activities import DRAFT
from participation.models.staff import RESEARCHER
from participation.models.submissions import HIDDEN
from participation.privacy.csv_cells import safe_csv_writer
from participation.privacy.redaction import redact
from participation.privacy.suppression import Cell
from participation.safeguarding.visibility import withheld_answer_ids

MAX_QUOTES = 12
MAX_ACTIVITIES = 25  # a scope report details this many activities; the rest are listed

__all__ = [
    "ActivitySection",
    "PdfError",
    "Report",
    "activity_pdf",
    "activity_report",
    "activity_summary_csv",
    "report_pdf",
    "scope_report",
    "summary_csv",
]


@dataclass(frozen=True)
class ThemeCount:
    """A theme staff gave to free-text answers, and how many answers have it."""

    name: str
    cell: Cell


@dataclass(frozen=True)
class ActivitySection:
    """Everything a report shows about one activity, already suppressed and redacted."""

    activity_id: int
    title: str
    service: str
    participation_type: str
    opened_at: datetime | None
    closed_at: datetime | None
    figures: ActivityFigures
    charts: dict[int, Markup]
    themes: tuple[ThemeCount, ...]
    quotes: tuple[str, ...]
    actions: tuple[tuple[str, str], ...]
    theme_quotes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def suppressed_numbers(self) -> int:
        """How many numbers in this section are hidden."""
        return sum(_hidden_in(q) for q in self.figures.questions) + sum(
            t.cell.suppressed for t in self.themes
        )


@dataclass(frozen=True)
class Report:
    """A whole report: its scope, period, headline figures and one section per activity."""

    title: str
    scope: str
    period: str
    generated_at: datetime
    k: int
    sections: tuple[ActivitySection, ...]
    dashboard: Dashboard | None = None
    dashboard_chart: Markup | None = None
    not_detailed: tuple[str, ...] = field(default=())

    @property
    def took_part(self) -> Cell:
        """The headline count of young people who took part."""
        if self.dashboard is not None:
            return self.dashboard.submissions
        return self.sections[0].figures.submissions

    @property
    def suppressed_numbers(self) -> int:
        """How many numbers in the whole report are hidden."""
        hidden = sum(section.suppressed_numbers for section in self.sections)
        if self.dashboard is not None:
            for group in self.dashboard.groups:
                hidden += group.submissions.suppressed
                hidden += sum(line.submissions.suppressed for line in group.services)
        return hidden


def _hidden_in(result: QuestionResult) -> int:
    return sum(row.cell.suppressed for row in (*result.rows, *result.boxes))


# --- gathering ------------------------------------------------------------------------


def _shared_quote_clause(activity: Activity) -> list[ColumnElement[bool]]:
    # A quote leaves the service in a report, so it needs the research "yes" when one was asked.
    sharing = research_shareable(activity)
    return [Submission.research_consent.is_(True)] if sharing.needs_yes else []


def theme_counts(session: Session, activity: Activity) -> tuple[ThemeCount, ...]:
    """Themes given to this activity's answers with suppressed counts, largest first."""
    return tuple(
        ThemeCount(name, cell) for _, name, cell in activity_theme_counts(session, activity)
    )


def approved_quotes(session: Session, activity: Activity) -> tuple[str, ...]:
    """Answers staff picked as quotes, redacted; never hidden ones or possible disclosures."""
    question_ids = [question.id for question in activity.questions]
    if not question_ids:
        return ()
    flagged = withheld_answer_ids()
    query = (
        select(Answer.text)
        .join(Submission, Submission.id == Answer.submission_id)
        .where(
            # Reads the partial index of quotes only (plain `is_quote`, so the index applies).
            Answer.question_id.in_(question_ids),
            Answer.is_quote,
            Submission.activity_id == activity.id,
            or_(Answer.moderation.is_(None), Answer.moderation != HIDDEN),
            Answer.text.is_not(None),
            Answer.id.not_in(flagged),
            *_shared_quote_clause(activity),
        )
        .order_by(Answer.id)
        .limit(MAX_QUOTES)
    )
    return tuple(
        redact(text).replace("\x00", "")
        for text in session.scalars(query)
        if text is not None and text.strip()  # never None: the query leaves those out
    )


def activity_actions(session: Session, activity: Activity) -> tuple[tuple[str, str], ...]:
    """The activity's "you said, we did" actions, oldest first."""
    return tuple((action.you_said, action.we_did) for action in actions_for(session, activity))


def activity_section(session: Session, activity: Activity) -> ActivitySection:
    """Gather one activity's figures, charts, themes, quotes and actions."""
    figures = activity_figures(session, activity)
    charts = {
        result.question_id: question_chart(result, chart_id=f"a{activity.id}-q{result.number}")
        for result in figures.questions
        if result.is_charted and figures.enough_answers
    }
    return ActivitySection(
        activity_id=activity.id,
        title=activity.title,
        service=activity.service.name,
        participation_type=activity.participation_type.name,
        opened_at=activity.opened_at,
        closed_at=activity.closed_at,
        figures=figures,
        charts=charts,
        themes=theme_counts(session, activity),
        quotes=approved_quotes(session, activity) if figures.enough_answers else (),
        actions=activity_actions(session, activity),
        theme_quotes=picked_quotes_by_theme(session, activity, _shared_quote_clause(activity))
        if figures.enough_answers
        else {},
    )


def _period(start: datetime | date | None, end: datetime | date | None) -> str:
    def day(value: datetime | date | None) -> str:
        return f"{value:%-d %B %Y}" if value else ""

    if start and end:
        return f"{day(start)} to {day(end)}"
    if start:
        return f"From {day(start)}"
    if end:
        return f"Up to {day(end)}"
    return "All dates"


def activity_report(session: Session, activity: Activity) -> Report:
    """The report for one activity."""
    section = activity_section(session, activity)
    end = activity.closed_at or (None if activity.opened_at is None else utcnow())
    return Report(
        title=activity.title,
        scope=f"Activity run by {section.service} ({section.participation_type})",
        period=_period(activity.opened_at, end),
        generated_at=utcnow(),
        k=activity.k_threshold,
        sections=(section,),
    )


def scope_activities(session: Session, staff: Staff, filters: DashboardFilters) -> list[Activity]:
    """Activities in `staff`'s scope for a service or type that ran during the date range."""
    query = (
        select(Activity)
        .where(service_filter(session, staff, Activity.service_id), Activity.status != DRAFT)
        .options(selectinload(Activity.service), selectinload(Activity.participation_type))
        .order_by(Activity.created_at, Activity.id)
    )
    if filters.service_id is not None:
        query = query.where(Activity.service_id == filters.service_id)
    if filters.type_id is not None:
        query = query.where(Activity.participation_type_id == filters.type_id)
    # The same rule as the dashboard: running at some point within the range.
    if filters.date_to is not None:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min)
        query = query.where(Activity.created_at < end)
    if filters.date_from is not None:
        start = datetime.combine(filters.date_from, time.min)
        query = query.where(or_(Activity.closed_at.is_(None), Activity.closed_at >= start))
    return list(session.scalars(query))


def scope_report(session: Session, staff: Staff, filters: DashboardFilters) -> Report:
    """The report for a service or a participation type over a date range."""
    if filters.service_id is not None:
        name = session.scalar(select(Service.name).where(Service.id == filters.service_id))
        scope = f"Service: {name}"
    else:
        name = session.scalar(
            select(ParticipationType.name).where(ParticipationType.id == filters.type_id)
        )
        scope = f"Participation type: {name}"
    dashboard = dashboard_figures(session, staff, filters)
    activities = scope_activities(session, staff, filters)
    if staff.role == RESEARCHER:  # nothing of an activity whose research sharing is off
        activities = [a for a in activities if research_shareable(a).shared]
    sections = tuple(activity_section(session, a) for a in activities[:MAX_ACTIVITIES])
    return Report(
        title=name or "Report",
        scope=scope,
        period=_period(filters.date_from, filters.date_to),
        generated_at=utcnow(),
        k=dashboard.k,
        sections=sections,
        dashboard=dashboard,
        dashboard_chart=dashboard_chart(dashboard, chart_id="scope-chart")
        if dashboard.groups
        else None,
        not_detailed=tuple(a.title for a in activities[MAX_ACTIVITIES:]),
    )


# --- PDF ------------------------------------------------------------------------------


def report_html(report: Report, *, young_people: bool = False) -> str:
    """The report as self-contained HTML for the PDF (its CSS is inside the page).

    One activity's report is laid out from `report_content`, like its slides and document;
    a service or participation type's report keeps its own across-activities layout.
    """
    if report.dashboard is None and len(report.sections) == 1:
        # Imported here: report_content builds on this module's Report.
        from participation.exports.report_content import report_content

        content = report_content(report, young_people=young_people)
        template = "pdf/young_people.html" if young_people else "pdf/summary.html"
        return render_template(template, content=content)
    return render_template("pdf/report.html", report=report, cell_text=cell_text)


def report_pdf(report: Report, *, young_people: bool = False) -> bytes:
    """The report as PDF bytes, made in a separate process within the configured time limit."""
    timeout = float(current_app.config.get("PDF_TIMEOUT_SECONDS", 30))
    return html_to_pdf(report_html(report, young_people=young_people), timeout=timeout)


def activity_pdf(session: Session, activity: Activity) -> bytes:
    """The summary PDF for one activity."""
    return report_pdf(activity_report(session, activity))


# --- CSV ------------------------------------------------------------------------------

CSV_HEADER = (
    "section",
    "activity",
    "question_number",
    "question",
    "answer",
    "count",
    "percent",
    "shown_as",
    "mean",
)


def _cell_fields(cell: Cell) -> tuple[object, object, str]:
    count = "" if cell.suppressed else cell.count
    percent = "" if cell.percent is None or cell.suppressed else round(cell.percent, 1)
    return count, percent, cell.display


def _rows_for_section(section: ActivitySection) -> Iterator[list[object]]:
    title = section.title
    yield ["took part", title, "", "", "", *_cell_fields(section.figures.submissions), ""]
    for result in section.figures.questions:
        base = [title, result.number, result.prompt]
        for row in result.rows:
            mean = "" if row.mean_rank is None else round(row.mean_rank, 2)
            yield ["question", *base, row.label, *_cell_fields(row.cell), mean]
        for row in result.boxes:
            yield ["box", *base, row.label, *_cell_fields(row.cell), ""]
        yield ["question total", *base, result.total_label, *_cell_fields(result.total), ""]
        if result.mean is not None:
            yield [
                "question mean",
                *base,
                f"average out of {result.scale_max}",
                "",
                "",
                "",
                round(result.mean, 2),
            ]
    for theme in section.themes:
        yield ["theme", title, "", "", theme.name, *_cell_fields(theme.cell), ""]


def summary_rows(report: Report) -> Iterator[list[object]]:
    """The report's figures as rows of CSV_HEADER, in the order the PDF shows them."""
    if report.dashboard is not None:
        for group in report.dashboard.groups:
            yield [
                "participation type",
                "",
                "",
                "",
                group.type_name,
                *_cell_fields(group.submissions),
                "",
            ]
            for line in group.services:
                yield [
                    "service",
                    "",
                    "",
                    group.type_name,
                    line.service_name,
                    *_cell_fields(line.submissions),
                    "",
                ]
        yield [
            "total",
            "",
            "",
            "",
            "Everyone in this report",
            *_cell_fields(report.dashboard.submissions),
            "",
        ]
    for section in report.sections:
        yield from _rows_for_section(section)


def summary_csv(report: Report) -> Iterator[bytes]:
    """The report's figures as UTF-8 CSV chunks (every cell neutralised against formulas)."""
    buffer = io.StringIO()
    writer = safe_csv_writer(buffer)
    writer.writerow(CSV_HEADER)
    for row in summary_rows(report):
        writer.writerow(row)
    yield buffer.getvalue().encode("utf-8", "replace")


def activity_summary_csv(session: Session, activity: Activity) -> Iterator[bytes]:
    """The summary CSV for one activity."""
    return summary_csv(activity_report(session, activity))
