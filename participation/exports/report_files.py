"""One activity's summary report as a file: PDF, PowerPoint or Word, for staff or young people.

Every format is laid out from the same `ReportContent`, itself made from the suppressed and
redacted `Report` the research page's summary uses, so each file shows exactly what the
results page would.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from participation.exports.outcome_report import outcome_report, outcome_report_pdf
from participation.exports.report_content import report_content
from participation.exports.summary import activity_report, report_pdf
from participation.models import Activity, Service
from participation.outcomes.change import OutcomeFilters

MIMETYPES = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
FORMATS = tuple(MIMETYPES)
# The Office writers (python-pptx, python-docx) are imported only when a deck or document is
# made: loading them with the results pages would cost every new worker's boot.


@dataclass(frozen=True)
class ReportFile:
    """A made report: its bytes, media type and file extension."""

    body: bytes
    mimetype: str
    extension: str


def activity_report_file(
    session: Session, activity: Activity, fmt: str, *, young_people: bool = False
) -> ReportFile:
    """Make one activity's report in `fmt` ("pdf", "pptx" or "docx"); PdfError if a PDF fails."""
    if fmt not in MIMETYPES:
        raise ValueError(f"unknown report format {fmt!r}")
    report = activity_report(session, activity)
    if fmt == "pdf":
        body = report_pdf(report, young_people=young_people)
    elif fmt == "pptx":
        from participation.exports.slides import report_pptx

        body = report_pptx(report_content(report, young_people=young_people))
    else:
        from participation.exports.document import report_docx

        body = report_docx(report_content(report, young_people=young_people))
    return ReportFile(body, MIMETYPES[fmt], fmt)


def outcome_report_file(
    session: Session, service: Service, filters: OutcomeFilters, fmt: str
) -> ReportFile:
    """Make one service's outcomes-over-time report in `fmt`; PdfError if a PDF fails."""
    if fmt not in MIMETYPES:
        raise ValueError(f"unknown report format {fmt!r}")
    content = outcome_report(session, service, filters)
    if fmt == "pdf":
        body = outcome_report_pdf(content)
    elif fmt == "pptx":
        from participation.exports.slides import outcome_report_pptx

        body = outcome_report_pptx(content)
    else:
        from participation.exports.document import outcome_report_docx

        body = outcome_report_docx(content)
    return ReportFile(body, MIMETYPES[fmt], fmt)
