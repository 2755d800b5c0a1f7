"""A summary report as a Word document (python-docx), laid out from `ReportContent`.

The same blocks as the PDF and the slides: a cover with the facts, reach and question charts
(PNG images) each followed by a native table of its numbers, themes with quotes, and "you said,
we did".
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_BREAK
from docx.shared import Cm, Pt

from participation.exports.chart_png import bar_chart_png
from participation.exports.outcome_report import OutcomeReport, OutcomeSection, Table
from participation.exports.report_content import ChartItem, ReportContent

TEXT_WIDTH = Cm(17)  # A4 less 2 cm margins each side


def _table(document: DocumentObject, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.font.bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def _chart(document: DocumentObject, item: ChartItem, plain: bool) -> None:
    document.add_heading(item.heading, level=3 if not plain else 2)
    png = bar_chart_png(item.bars, width=1600)
    document.add_picture(io.BytesIO(png), width=TEXT_WIDTH)
    rows = list(item.rows) if plain else [*item.rows, item.footer]
    _table(document, item.columns, rows)
    if item.note:
        document.add_paragraph(item.note)


def _setup(document: DocumentObject, plain: bool) -> None:
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(14 if plain else 11)


def _cover(document: DocumentObject, content: ReportContent) -> None:
    document.add_paragraph(content.kicker)
    document.add_heading(content.title, level=0)
    document.add_paragraph(content.intro)
    _table(document, ("", ""), content.facts)
    document.add_paragraph()
    for label, value in content.headline:
        paragraph = document.add_paragraph()
        paragraph.add_run(value).bold = True
        paragraph.add_run(f" {label}")
    document.add_paragraph(content.notice)


def _words(document: DocumentObject, content: ReportContent) -> None:
    labels = content.labels
    if content.text:
        document.add_heading(labels["text"], level=1)
        for text_item in content.text:
            document.add_heading(text_item.heading, level=3)
            _table(document, ("", labels["answers"]), text_item.rows)
    if content.themes:
        document.add_heading(labels["themes"], level=1)
        _table(
            document,
            (labels["theme"], labels["answers"]),
            [(theme.name, theme.count) for theme in content.themes],
        )
        for theme in content.themes:
            for quote in theme.quotes:
                document.add_paragraph(f"{theme.name}: “{quote}”", style="Quote")
    if content.quotes:
        document.add_heading(labels["quotes"], level=1)
        for quote in content.quotes:
            document.add_paragraph(f"“{quote}”", style="Quote")
    if content.actions:
        document.add_heading(labels["actions"], level=1)
        _table(document, (labels["you_said"], labels["we_did"]), content.actions)


def report_docx(content: ReportContent) -> bytes:
    """The report as .docx bytes."""
    document = Document()
    _setup(document, content.young_people)
    _cover(document, content)
    for heading, items in (
        (content.labels["charts"], content.charts),
        (content.labels["reach"], content.reach),
    ):
        if not items:
            continue
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_heading(heading, level=1)
        for item in items:
            _chart(document, item, content.young_people)
    if not content.enough:
        document.add_paragraph(
            f"Fewer than {content.k} young people took part, so no breakdown of their answers "
            "is shown."
        )
    _words(document, content)
    if content.method:
        document.add_heading("How these figures were made", level=1)
        for paragraph in content.method:
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- outcomes over time -----------------------------------------------------------------


def _numbers(document: DocumentObject, caption: str, table: Table) -> None:
    document.add_paragraph().add_run(caption).bold = True
    _table(document, table.columns, table.rows)


def _outcome_section(document: DocumentObject, section: OutcomeSection) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    area = section.area + (" (no longer asked)" if section.retired else "")
    document.add_paragraph(area)
    document.add_heading(section.heading, level=1)
    _numbers(document, "How young people's answers moved, from first to latest", section.moved)
    for line in section.not_shown:
        document.add_paragraph(line)
    for chart in section.charts:
        _chart(document, chart.item, plain=False)
    _numbers(document, "Every answer given in the period, with or without a code", section.answers)


def outcome_report_docx(content: OutcomeReport) -> bytes:
    """The outcomes report as .docx bytes."""
    document = Document()
    _setup(document, plain=False)
    document.add_paragraph(content.kicker)
    document.add_heading(content.title, level=0)
    document.add_paragraph(content.intro)
    _table(document, ("", ""), content.facts)
    for label, value in content.headline:
        stat = document.add_paragraph()
        stat.add_run(value).bold = True
        stat.add_run(f" {label}")
    document.add_paragraph(content.notice)
    document.add_heading("What this measures", level=1)
    for text in content.measures:
        document.add_paragraph(text)
    if not content.any_answers:
        document.add_paragraph(
            f"No outcome questions were answered in {content.service} in this period."
        )
    for section in content.sections:
        _outcome_section(document, section)
    document.add_heading("How these figures were made", level=1)
    for text in content.method:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
