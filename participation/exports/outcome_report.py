"""The funder and commissioner report of outcomes over time, once, for PDF, PowerPoint and Word.

`outcome_report` turns a Hub's change over time (`participation.outcomes.change`, already
suppressed) into plain blocks for one service and period: a cover, what the figures measure,
and for each outcome question the moved up/stayed/down table, a chart of first and latest
answers with the numbers behind it, and every answer given. A Spoke's report sets its own
figures beside the Hub-wide figure (hidden where the rest of the Hub is small); a Hub's sets
the whole Hub beside each of its services. The PDF template, `slides` and `document` only
lay these blocks out, so the three files cannot disagree about a number or a word.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app, render_template
from sqlalchemy.orm import Session

from participation.clock import utcnow
from participation.exports.pdf import html_to_pdf
from participation.exports.report_content import ChartItem
from participation.figures.charts import Bar, bar_chart_svg
from participation.figures.results import cell_text
from participation.models import Service
from participation.outcomes import hub_id_of
from participation.outcomes.bank import AREAS, SCALE
from participation.outcomes.change import (
    DEFAULT_K,
    DOWN,
    SAME,
    UP,
    GroupChange,
    OutcomeChange,
    OutcomeFilters,
    hub_outcomes,
)
from participation.privacy.suppression import Cell

TITLE_PREFIX = "Outcomes over time"
MOVED_COLUMNS = ("", "Young people with two answers", "Moved up", "Stayed the same", "Moved down")
ANSWER_COLUMNS = ("", *(label for _, label, _ in SCALE), "All answers")
CHART_COLUMNS = ("Answer", "First answer", "Latest answer")
PAIRS_LABEL = "Young people with two answers"


@dataclass(frozen=True)
class Table:
    """A table of numbers: its column headings and rows of text, every count already safe."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ChangeChart:
    """One group's first and latest answers: its chart, table and the numbers said aloud."""

    label: str
    item: ChartItem

    @property
    def speaker_notes(self) -> str:
        """Every number behind the chart, for presenter notes."""
        parts = [
            f"{answer}: first {first}, latest {latest}" for answer, first, latest in self.item.rows
        ]
        return (
            f"{self.item.heading}. " + "; ".join(parts) + f". {PAIRS_LABEL}: {self.item.footer[1]}."
        )


@dataclass(frozen=True)
class OutcomeSection:
    """One outcome question: its area and wording, and every figure about it."""

    number: int
    area: str
    prompt: str
    retired: bool
    moved: Table
    charts: tuple[ChangeChart, ...]
    not_shown: tuple[str, ...]
    answers: Table

    @property
    def heading(self) -> str:
        """The question as the report names it."""
        return f"{self.number}. {self.area}: “{self.prompt}”"


@dataclass(frozen=True)
class OutcomeReport:
    """Everything one service's outcomes report says, in the order every format shows it."""

    title: str
    kicker: str
    service: str
    period: str
    intro: str
    facts: tuple[tuple[str, str], ...]
    headline: tuple[tuple[str, str], ...]
    measures: tuple[str, ...]
    notice: str
    k: int
    sections: tuple[OutcomeSection, ...]
    method: tuple[str, ...]

    @property
    def any_answers(self) -> bool:
        """Whether any outcome question was answered in the service's figures this period."""
        return bool(self.sections)


def _day(value: date) -> str:
    return f"{value:%-d %B %Y}"


def period_text(filters: OutcomeFilters) -> str:
    """The period in words: "1 April 2026 to 31 March 2027", "From …", "Up to …", "All dates"."""
    start, end = filters.date_from, filters.date_to
    if start and end:
        return f"{_day(start)} to {_day(end)}"
    if start:
        return f"From {_day(start)}"
    if end:
        return f"Up to {_day(end)}"
    return "All dates"


def _groups(question: OutcomeChange, service: Service, hub: Service) -> list[GroupChange]:
    """The groups a service's report sets side by side, each with the label it reads as."""
    whole = f"All of {hub.name}"
    if service.id == hub.id:
        own_work = f"{hub.name} (the Hub's own work)"
        services = [
            _relabelled(g, own_work if g.group == ("service", hub.id) else g.label)
            for g in question.services
        ]
        return [_relabelled(question.hub, whole), *services]
    own = question.service(service.id)
    if own is None:
        return [_relabelled(question.hub, whole)]
    return [own, _relabelled(question.hub, whole)]


def _relabelled(group: GroupChange, label: str) -> GroupChange:
    return GroupChange(label, group.group, group.change, group.answers)


def _bars(group: GroupChange) -> tuple[Bar, ...]:
    bars = []
    for code, label, _ in SCALE:
        for when, table in (("First", group.change.first), ("Latest", group.change.latest)):
            cell = table.cells[code]
            value = None if cell.suppressed else float(cell.count or 0)
            bars.append(Bar(f"{when}: {label}", value, cell_text(cell)))
    return tuple(bars)


def _chart(group: GroupChange, chart_id: str) -> ChangeChart:
    change = group.change
    heading = f"{group.label}: first and latest answers"
    bars = _bars(group)
    rows = tuple(
        (label, cell_text(change.first.cells[code]), cell_text(change.latest.cells[code]))
        for code, label, _ in SCALE
    )
    item = ChartItem(
        number=0,
        heading=heading,
        bars=bars,
        svg=bar_chart_svg(bars, title=heading, chart_id=chart_id),
        columns=CHART_COLUMNS,
        rows=rows,
        footer=(PAIRS_LABEL, change.pairs.display, change.pairs.display),
    )
    return ChangeChart(group.label, item)


def _charted(group: GroupChange) -> bool:
    """Whether a group's change is shown, with any first or latest answer to chart."""
    change = group.change
    tables = (change.first, change.latest)
    return change.shown and not all(c.suppressed for t in tables for c in t.cells.values())


def _why_not_shown(group: GroupChange, k: int) -> str:
    pairs = group.change.pairs
    if not pairs.suppressed and pairs.count:
        return (
            f"{group.label}: first and latest answers are hidden, so that fewer than {k} young "
            "people cannot be picked out by taking the services' own figures from the Hub's."
        )
    if pairs.secondary:
        return (
            f"{group.label}: change is hidden, so that a smaller group's figures cannot be "
            "worked out from it."
        )
    if pairs.suppressed:
        return (
            f"{group.label}: fewer than {k} young people answered twice with a code, so change "
            "is not shown."
        )
    return f"{group.label}: no young person answered twice with a code in this period."


def _section(
    number: int, question: OutcomeChange, groups: list[GroupChange], k: int
) -> OutcomeSection:
    moved = Table(
        MOVED_COLUMNS,
        tuple(
            (
                g.label,
                g.change.pairs.display,
                *(cell_text(g.change.moved.cells[move]) for move in (UP, SAME, DOWN)),
            )
            for g in groups
        ),
    )
    answers = Table(
        ANSWER_COLUMNS,
        tuple(
            (
                g.label,
                *(g.answers.cells[code].display for code, _, _ in SCALE),
                g.answers.total.display,
            )
            for g in groups
        ),
    )
    return OutcomeSection(
        number=number,
        area=AREAS.get(question.area, question.area),
        prompt=question.prompt,
        retired=question.retired,
        moved=moved,
        charts=tuple(
            _chart(g, f"o{number}-{place}") for place, g in enumerate(groups) if _charted(g)
        ),
        not_shown=tuple(_why_not_shown(g, k) for g in groups if not _charted(g)),
        answers=answers,
    )


def _measures(service: Service, hub: Service, linked: Cell, k: int) -> tuple[str, ...]:
    who = "in this service" if service.id != hub.id else f"across {hub.name} and its Spokes"
    return (
        "These figures give evidence for the Hub and Spoke evaluation's outcome 6, “Outcomes "
        "improve for young people supported by Spoke services”, and for its participation "
        "strand: whether young people feel safe, know where to get help, feel listened to, "
        "trust their workers, have a say in the service and feel confident.",
        "Young people answer the same outcome questions, in the same words, in every service of "
        "the Hub, on one five-point scale from “Not true at all” to “Completely true”.",
        "Nobody gives a name. A young person may choose to add an anonymous code of their own "
        "(made from prompts only they know the answers to, or printed on a card), so that their "
        "answers at different times can be linked without anyone knowing who they are. Change "
        "compares each such young person's first and latest answer in the period; answers "
        "without a code count only in “every answer given”.",
        f"Young people who used a code {who} in this period: {linked.display}.",
        f"Where fewer than {k} young people answered a question twice with a code, no change is "
        "shown for them.",
    )


def _method(k: int, spoke: bool) -> tuple[str, ...]:
    hub_note = (
        " In a Spoke's report the Hub-wide figure is also hidden when the rest of the Hub has "
        f"fewer than {k} young people, since taking the Spoke's own figure from it would show them."
        if spoke
        else ""
    )
    return (
        "Change: for each young person who used a code and answered an outcome question at "
        "two or more times in the period, their first and latest answer are compared. “Moved "
        "up” means their latest answer was nearer “Completely true” than their first.",
        "Every answer given: all answers to the question in the period, with or without a code, "
        "so a young person who answered more than once counts more than once.",
        f"Disclosure control (k = {k}): any count from 1 to {k - 1} is shown as “fewer than "
        f"{k}”. Where a hidden count could be worked out from a total, or from the other groups "
        "and the whole Hub, another count is also hidden (secondary suppression, shown as "
        f"“hidden”).{hub_note}",
        "No young person can be identified from this report: it holds no names, no contact "
        "details and no written answers, and codes are kept only as a keyed scramble that "
        "cannot be turned back into the code.",
    )


def outcome_report(
    session: Session, service: Service, filters: OutcomeFilters, *, k: int = DEFAULT_K
) -> OutcomeReport:
    """The blocks of one service's outcomes report for the period (already suppressed)."""
    hub_id = hub_id_of(service)
    spoke = service.id != hub_id
    outcomes = hub_outcomes(
        session, hub_id, filters, k=k, viewer_service_id=service.id if spoke else None
    )
    hub = outcomes.hub
    linked = outcomes.linked_people_in(service)
    sections: list[OutcomeSection] = []
    for question in outcomes.questions:
        groups = _groups(question, service, hub)
        own = groups[0] if spoke and groups[0].group == ("service", service.id) else None
        if spoke and own is None:
            continue  # the Spoke had no answers to it in the period
        if not spoke and question.hub.answers.total.count == 0:
            continue
        sections.append(_section(len(sections) + 1, question, groups, k))
    period = period_text(filters)
    title = f"{TITLE_PREFIX}: {service.name}"
    return OutcomeReport(
        title=title,
        kicker="Funder and commissioner report",
        service=service.name,
        period=period,
        intro=(
            f"How young people's answers to {hub.name}'s outcome questions changed over time "
            f"in {service.name}" + (", beside the whole Hub." if spoke else ", service by service.")
        ),
        facts=(
            ("Service", service.name),
            ("Hub", hub.name),
            ("Period", period),
            ("Report made", _day(utcnow().date())),
            ("Small numbers", f"Counts below {k} are not shown"),
        ),
        headline=(
            ("young people used a code", linked.display),
            ("outcome questions answered", str(len(sections))),
        ),
        measures=_measures(service, hub, linked, k),
        notice=(
            "Every young person answered anonymously. To protect them, a number below "
            f"{k} is shown as “fewer than {k}”, and where it could be worked out from other "
            "numbers, another number is “hidden” too."
        ),
        k=k,
        sections=tuple(sections),
        method=_method(k, spoke),
    )


def outcome_report_html(content: OutcomeReport) -> str:
    """The report as self-contained HTML for the PDF (its CSS is inside the page)."""
    return render_template("pdf/outcome_report.html", content=content)


def outcome_report_pdf(content: OutcomeReport) -> bytes:
    """The report as PDF bytes, made in the PDF worker process within the time limit."""
    timeout = float(current_app.config.get("PDF_TIMEOUT_SECONDS", 30))
    return html_to_pdf(outcome_report_html(content), timeout=timeout)
