"""What a summary report says, once, for every format: PDF, PowerPoint, Word, both audiences.

`report_content` turns an activity's `Report` (already suppressed and redacted by
`participation.exports.summary`) into plain blocks: a cover, reach figures, charts with their
tables and the sentence a presenter would say, themes with quotes, and "you said, we did".
The PDF templates, `slides` and `document` only lay these blocks out, so the formats cannot
disagree about a number or a word. The young people's version is the same figures in plain
language, with one big chart at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from participation.exports.summary import ActivitySection, Report
from participation.figures.charts import Bar
from participation.figures.results import (
    QuestionResult,
    cell_text,
    question_bars,
    question_chart,
)
from participation.models.enums import QuestionKind

PLAIN_COLUMNS = ("Answer", "How many of you")


@dataclass(frozen=True)
class ChartItem:
    """One charted question: its chart, its table and the numbers said aloud."""

    number: int
    heading: str
    bars: tuple[Bar, ...]
    svg: Markup
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    footer: tuple[str, ...]
    note: str = ""

    @property
    def speaker_notes(self) -> str:
        """Every number of the chart in a sentence or two, for presenter notes."""
        parts = [f"{row[0]}: {row[1]}" for row in self.rows]
        total = f" {self.footer[0]}: {self.footer[1]}." if self.footer else ""
        note = f" {self.note}" if self.note else ""
        return f"{self.heading}. " + "; ".join(parts) + "." + total + note


@dataclass(frozen=True)
class TextItem:
    """A question young people wrote answers to: how many wrote, and in which box."""

    heading: str
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ThemeItem:
    """A theme, how many answers have it (suppressed), and quotes staff picked for it."""

    name: str
    count: str
    quotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportContent:
    """Everything one activity's report says, in the order every format shows it."""

    young_people: bool
    title: str
    kicker: str
    intro: str
    facts: tuple[tuple[str, str], ...]
    headline: tuple[tuple[str, str], ...]
    notice: str
    enough: bool
    k: int
    charts: tuple[ChartItem, ...] = ()
    reach: tuple[ChartItem, ...] = ()
    text: tuple[TextItem, ...] = ()
    themes: tuple[ThemeItem, ...] = ()
    quotes: tuple[str, ...] = ()
    actions: tuple[tuple[str, str], ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    method: tuple[str, ...] = ()

    def chart_pages(self, per_page: int = 2) -> list[tuple[ChartItem, ...]]:
        """The charts in groups of `per_page`, one group to a page or slide."""
        items = self.charts
        return [items[i : i + per_page] for i in range(0, len(items), per_page)]

    def reach_pages(self, per_page: int = 2) -> list[tuple[ChartItem, ...]]:
        """The reach charts in groups of `per_page`."""
        items = self.reach
        return [items[i : i + per_page] for i in range(0, len(items), per_page)]


STAFF_LABELS = {
    "reach": "Who took part",
    "reach_intro": "Answers to the optional “about you” questions. Anyone could pass or say "
    "“prefer not to say”.",
    "charts": "What young people said",
    "text": "Written answers",
    "themes": "Themes in what young people wrote",
    "quotes": "In their words",
    "actions": "You said, we did",
    "you_said": "You said",
    "we_did": "We did",
    "theme": "Theme",
    "answers": "Answers",
}
PLAIN_LABELS = {
    **STAFF_LABELS,
    "reach": "Who took part",
    "reach_intro": "Only if you chose to tell us.",
    "charts": "What you told us",
    "themes": "What came up most",
    "quotes": "In your words",
    "actions": "You said, we did",
    "theme": "What came up",
    "answers": "How many times",
}


def _day(value: object) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def _rank(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _chart_item(result: QuestionResult, chart_id: str, plain: bool) -> ChartItem:
    ranking = result.kind == QuestionKind.RANKING
    if plain:
        columns: tuple[str, ...] = ("Answer", "Put it first") if ranking else PLAIN_COLUMNS
    elif ranking:
        columns = ("Answer", "Put it first", "Average place")
    else:
        columns = ("Answer", "Young people")
    rows = tuple(
        (
            row.label,
            cell_text(row.cell),
            *((_rank(row.mean_rank),) if ranking and not plain else ()),
        )
        for row in result.rows
    )
    footer = (
        result.total_label,
        cell_text(result.total),
        *(("",) if ranking and not plain else ()),
    )
    note = ""
    if result.mean is not None:
        note = f"Average answer: {result.mean:.1f} out of {result.scale_max}."
    heading = result.prompt if plain else f"Question {result.number}: {result.prompt}"
    return ChartItem(
        number=result.number,
        heading=heading,
        bars=tuple(question_bars(result)),
        svg=question_chart(result, chart_id=chart_id),
        columns=columns,
        rows=rows,
        footer=footer,
        note=note,
    )


def _text_item(result: QuestionResult) -> TextItem:
    rows = [("Wrote an answer", cell_text(result.answered))]
    rows += [(row.label, cell_text(row.cell)) for row in result.boxes]
    return TextItem(f"Question {result.number}: {result.prompt}", tuple(rows))


def _themes(section: ActivitySection) -> tuple[ThemeItem, ...]:
    return tuple(
        ThemeItem(theme.name, cell_text(theme.cell), section.theme_quotes.get(theme.name, ()))
        for theme in section.themes
    )


def _loose_quotes(section: ActivitySection) -> tuple[str, ...]:
    under_themes = {quote for quotes in section.theme_quotes.values() for quote in quotes}
    return tuple(quote for quote in section.quotes if quote not in under_themes)


def _method(report: Report) -> tuple[str, ...]:
    k, hidden = report.k, report.suppressed_numbers
    hidden_text = (
        f"In this report {hidden} number{'s were' if hidden != 1 else ' was'} hidden."
        if hidden
        else "No numbers needed hiding in this report."
    )
    return (
        f"{report.took_part.display} young people took part. They answered anonymously: they "
        "did not give names or contact details, and could skip (“pass”) any question.",
        "Percentages are of everyone who took part, with those who passed shown as their own "
        "row, except “pick any” questions, where they are of everyone who answered.",
        f"Disclosure control (k = {k}): any count from 1 to {k - 1} is shown as “fewer than "
        f"{k}”. Where a hidden count could be worked out from a total, another count is also "
        f"hidden (“hidden”). Averages are shown only when at least {k} young people are behind "
        f"them. {hidden_text}",
        "Quotes appear only when staff approved them, never when they were marked as a "
        "possible safeguarding concern, and, where an activity asked, only from young people "
        "who agreed to their answers being shared. Personal details in quotes are replaced "
        "with labels such as [name] and [phone].",
    )


def report_content(report: Report, *, young_people: bool = False) -> ReportContent:
    """The blocks of one activity's report (its first section), for staff or young people."""
    section = report.sections[0]
    figures = section.figures
    plain = young_people
    took_part = figures.submissions.display
    dates = report.period
    if plain:
        title, kicker = f"What you told us: {section.title}", "Thank you for taking part"
        intro = (
            f"{took_part} young people took part. Here is what you said, and what we are "
            "doing about it. Nobody's name is in here."
        )
        notice = (
            f"When fewer than {report.k} people gave an answer, we just say “fewer than "
            f"{report.k}”, so nobody can be picked out."
        )
    else:
        title, kicker = section.title, "Summary report"
        intro = report.scope
        notice = (
            "Every young person answered anonymously and could skip any question. To protect "
            f"them, a number below {report.k} is shown as “fewer than {report.k}”, and where it "
            "could be worked out from other numbers, another number is “hidden” too."
        )
    facts = (
        ("Activity", section.title),
        ("Dates", dates),
        ("Participation type", section.participation_type),
        ("Service", section.service),
        ("Report made", _day(report.generated_at)),
        ("Small numbers", f"Counts below {report.k} are not shown"),
    )
    enough = figures.enough_answers
    charted = [r for r in figures.main if r.is_charted] if enough else []
    prefix = "yp" if plain else "s"
    return ReportContent(
        young_people=plain,
        title=title,
        kicker=kicker,
        intro=intro,
        facts=facts,
        headline=(
            ("young people took part", took_part),
            ("questions", str(len(figures.questions))),
            ("“you said, we did” actions", str(len(section.actions))),
        ),
        notice=notice,
        enough=enough,
        k=report.k,
        charts=tuple(_chart_item(r, f"{prefix}-q{r.number}", plain) for r in charted),
        reach=tuple(
            _chart_item(r, f"{prefix}-r{r.number}", plain)
            for r in (figures.reach if enough else ())
        ),
        text=tuple(_text_item(r) for r in figures.main if r.is_text)
        if enough and not plain
        else (),
        themes=_themes(section),
        quotes=_loose_quotes(section),
        actions=section.actions,
        labels=PLAIN_LABELS if plain else STAFF_LABELS,
        method=() if plain else _method(report),
    )
