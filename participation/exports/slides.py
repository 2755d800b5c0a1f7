"""A summary report as a PowerPoint deck (python-pptx), laid out from `ReportContent`.

One slide each for the cover, every pair of charts (one chart a slide in the young people's
version), themes and quotes, and "you said, we did". Charts are PNG images with a native
table beside them, and each chart slide's speaker notes hold its numbers.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import cast

from pptx import Presentation
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.util import Emu, Inches, Length, Pt

from participation.exports.chart_png import bar_chart_png
from participation.exports.outcome_report import OutcomeReport, OutcomeSection
from participation.exports.report_content import ChartItem, ReportContent

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)


def _emu(value: float) -> Length:
    return cast(Length, Emu(int(value)))


FULL_WIDTH = _emu(WIDTH - 2 * Inches(0.5))
MARGIN = Inches(0.5)
BLANK = 6  # the "Blank" layout of the default template
MAX_TABLE_ROWS = 14


def _text(
    slide: Slide, text: str, left: Length, top: Length, width: Length, height: Length, size: int
) -> None:
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for number, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(size)


def _slide(deck: Deck, title: str, notes: str = "") -> Slide:
    slide: Slide = deck.slides.add_slide(deck.slide_layouts[BLANK])
    _text(slide, title, MARGIN, Inches(0.3), FULL_WIDTH, Inches(0.9), 26)
    frame = slide.notes_slide.notes_text_frame if notes else None
    if frame is not None:
        frame.text = notes
    return slide


def _table(
    slide: Slide,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    box: tuple[Length, Length, Length, Length],
    size: int = 12,
) -> None:
    rows = list(rows)[:MAX_TABLE_ROWS]
    left, top, width, height = box
    shape = slide.shapes.add_table(len(rows) + 1, len(header), left, top, width, height)
    table = shape.table
    for column, text in enumerate(header):
        table.cell(0, column).text = text
    for number, row in enumerate(rows, start=1):
        for column, text in enumerate(row):
            table.cell(number, column).text = text
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.text_frame.paragraphs:
                paragraph.font.size = Pt(size)


def _cover(deck: Deck, content: ReportContent) -> None:
    slide = _slide(deck, content.title)
    facts = "\n".join(f"{label}: {value}" for label, value in content.facts)
    headline = "   ".join(f"{value} {label}" for label, value in content.headline)
    _text(slide, content.intro, MARGIN, Inches(1.3), FULL_WIDTH, Inches(0.8), 18)
    _text(slide, facts, MARGIN, Inches(2.2), FULL_WIDTH, Inches(2.6), 16)
    _text(slide, headline, MARGIN, Inches(5.0), FULL_WIDTH, Inches(0.8), 22)
    _text(slide, content.notice, MARGIN, Inches(6.0), FULL_WIDTH, Inches(1.2), 12)


def _chart_slide(
    deck: Deck, title: str, items: Sequence[ChartItem], plain: bool, notes: str | None = None
) -> None:
    if notes is None:
        notes = "\n".join(item.speaker_notes for item in items)
    slide = _slide(deck, title, notes)
    band = (HEIGHT - Inches(1.3) - MARGIN) / len(items)
    for number, item in enumerate(items):
        top = _emu(Inches(1.2) + band * number)
        picture_width = FULL_WIDTH if plain else _emu(FULL_WIDTH * 0.58)
        _text(slide, item.heading, MARGIN, top, FULL_WIDTH, Inches(0.5), 16)
        png = bar_chart_png(item.bars, width=1600 if plain else 1200)
        picture_top = _emu(top + Inches(0.55))
        slide.shapes.add_picture(io.BytesIO(png), MARGIN, picture_top, width=picture_width)
        if not plain:
            table_left = _emu(MARGIN + picture_width + Inches(0.2))
            box = (
                table_left,
                picture_top,
                _emu(WIDTH - MARGIN - table_left),
                _emu(band - Inches(0.7)),
            )
            size = 10 if len(items) > 1 else 12
            _table(slide, item.columns, [*item.rows, item.footer], box, size=size)


def _themes_slide(deck: Deck, content: ReportContent) -> None:
    slide = _slide(deck, content.labels["themes"])
    labels = content.labels
    rows = [(theme.name, theme.count) for theme in content.themes]
    if rows:
        box = (MARGIN, Inches(1.3), Inches(5.5), _emu(Inches(0.4) * (len(rows) + 1)))
        _table(slide, (labels["theme"], labels["answers"]), rows, box, size=14)
    quotes = [q for theme in content.themes for q in theme.quotes] + list(content.quotes)
    if quotes:
        text = "\n".join(f"“{quote}”" for quote in quotes[:8])
        _text(slide, text, Inches(6.4), Inches(1.3), Inches(6.4), Inches(5.7), 14)


def _actions_slide(deck: Deck, content: ReportContent) -> None:
    slide = _slide(deck, content.labels["actions"])
    labels = content.labels
    height = _emu(Inches(0.6) * (min(len(content.actions), MAX_TABLE_ROWS) + 1))
    box = (MARGIN, Inches(1.3), FULL_WIDTH, height)
    _table(slide, (labels["you_said"], labels["we_did"]), content.actions, box, size=14)


def report_pptx(content: ReportContent) -> bytes:
    """The report as .pptx bytes."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    _cover(deck, content)
    per_slide = 1 if content.young_people else 2
    for items in content.chart_pages(per_slide):
        _chart_slide(deck, content.labels["charts"], items, content.young_people)
    for items in content.reach_pages(per_slide):
        _chart_slide(deck, content.labels["reach"], items, content.young_people)
    if content.themes or content.quotes:
        _themes_slide(deck, content)
    if content.actions:
        _actions_slide(deck, content)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


# --- outcomes over time -----------------------------------------------------------------


def _paragraphs_slide(deck: Deck, title: str, paragraphs: Sequence[str]) -> None:
    slide = _slide(deck, title)
    _text(slide, "\n".join(paragraphs), MARGIN, Inches(1.3), FULL_WIDTH, Inches(5.7), 16)


def _outcome_cover(deck: Deck, content: OutcomeReport) -> None:
    slide = _slide(deck, content.title)
    facts = "\n".join(f"{label}: {value}" for label, value in content.facts)
    headline = "   ".join(f"{value} {label}" for label, value in content.headline)
    _text(slide, content.kicker, MARGIN, Inches(1.2), FULL_WIDTH, Inches(0.5), 14)
    _text(slide, content.intro, MARGIN, Inches(1.7), FULL_WIDTH, Inches(0.8), 18)
    _text(slide, facts, MARGIN, Inches(2.6), FULL_WIDTH, Inches(2.3), 16)
    _text(slide, headline, MARGIN, Inches(5.0), FULL_WIDTH, Inches(0.8), 22)
    _text(slide, content.notice, MARGIN, Inches(6.0), FULL_WIDTH, Inches(1.2), 12)


MOVED_CAPTION = "How young people's answers moved, from first to latest"
ANSWERS_CAPTION = "Every answer given in the period, with or without a code"
TABLES_A_SLIDE = 5  # groups; a Hub with more Spokes gets each table on its own slide


def _outcome_tables_slides(deck: Deck, section: OutcomeSection) -> None:
    tables = ((MOVED_CAPTION, section.moved), (ANSWERS_CAPTION, section.answers))
    together = len(section.moved.rows) <= TABLES_A_SLIDE
    notes = "\n".join(section.not_shown)
    for number, pages in enumerate((tables,) if together else ((t,) for t in tables)):
        title = section.heading if number == 0 else f"{section.heading} (continued)"
        slide = _slide(deck, title, notes)
        _text(slide, section.area, MARGIN, Inches(1.1), FULL_WIDTH, Inches(0.4), 14)
        top: Length = Inches(1.6)
        for caption, table in pages:
            _text(slide, caption, MARGIN, top, FULL_WIDTH, Inches(0.4), 14)
            height = _emu(Inches(0.34) * (len(table.rows[:MAX_TABLE_ROWS]) + 1))
            box = (MARGIN, _emu(top + Inches(0.4)), FULL_WIDTH, height)
            _table(slide, table.columns, table.rows, box, 11)
            top = _emu(top + Inches(0.8) + height)
        if notes and number == 0:
            _text(slide, notes, MARGIN, top, FULL_WIDTH, Inches(0.8), 11)


def outcome_report_pptx(content: OutcomeReport) -> bytes:
    """The outcomes report as .pptx bytes: a slide of tables and a slide a chart per question."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    _outcome_cover(deck, content)
    _paragraphs_slide(deck, "What this measures", content.measures)
    for section in content.sections:
        _outcome_tables_slides(deck, section)
        for chart in section.charts:
            _chart_slide(deck, section.heading, [chart.item], False, notes=chart.speaker_notes)
    _paragraphs_slide(deck, "How these figures were made", content.method)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
