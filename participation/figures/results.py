"""Result figures: the public API for every count, percentage and mean staff or exports show.

All figures come from SQL aggregation (GROUP BY / COUNT / SUM); answers are never loaded
into Python. Every count leaves this module as a `disclosure.Cell` made by
`disclosure.suppress` or `suppress_value`, and every mean through `mean_if_safe`, so pages,
the live screen, PDFs and CSV summaries show the same suppressed numbers.

Activity figures (one activity, per question):
    activity_figures(session, activity, questions=None, *, stats=None) -> ActivityFigures
        .submissions (Cell), .enough_answers, .questions / .main / .reach (QuestionResult)
    QuestionResult: .rows (Row: key, label, cell, mean_rank), .total, .total_label,
        .answered, .passed, .mean, .scale_max, .boxes, .number, .is_charted, .is_text
    cell_text(cell) -> str                      "12 (40%)", "fewer than 5" or "hidden"
    question_bars(result) -> list[charts.Bar]   one bar per table row, same wording
    question_chart(result, chart_id=None) -> Markup   inline SVG; the table is its twin

Dashboard figures (grouped by participation type, then service) live in
`participation.figures.dashboard`:
    dashboard_figures(session, staff, filters: DashboardFilters) -> Dashboard
        .groups (TypeGroup: .submissions, .services (ServiceLine), .total, .means,
        .passed_percent, .common_questions), .submissions, .activities, .k
    dashboard_chart(dashboard, chart_id=None) -> Markup
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TypeVar

from markupsafe import Markup
from sqlalchemy.orm import Session

from participation.activities.kinds import THREE_BOX_PROMPTS
from participation.figures.charts import Bar, bar_chart_svg
from participation.figures.queries import (
    ActivityCounts,
    SubmissionStats,
    activity_counts,
    submission_count,
    submission_stats,
)
from participation.models import Activity, Question
from participation.models.enums import QuestionKind
from participation.privacy.suppression import (
    Cell,
    SuppressedTable,
    mean_if_safe,
    suppress,
    suppress_value,
)

PASSED = "passed"
PASSED_LABEL = "Passed (skipped this question)"
ANSWERED = "answered"

# Kinds where each young person who answers stores exactly one row.
ONE_ROW_CHOICE_KINDS = (
    QuestionKind.EMOJI_SCALE,
    QuestionKind.TRAFFIC_LIGHT,
    QuestionKind.SINGLE_CHOICE,
    QuestionKind.REACH,
)
SCALE_KINDS = (QuestionKind.EMOJI_SCALE, QuestionKind.TRAFFIC_LIGHT)
CHARTED_KINDS = (*ONE_ROW_CHOICE_KINDS, QuestionKind.MULTIPLE_CHOICE, QuestionKind.RANKING)

# A table row's key: an option code or box number, or ANSWERED / PASSED.
Key = TypeVar("Key", bound=int | str)


@dataclass(frozen=True)
class Row:
    """One line of a question's table: an option (or "passed") and its suppressed count.

    For ranking questions `cell` counts how many put the item first, and `mean_rank` is
    the average place (1 = first), or None when fewer than k ranked it.
    """

    key: int | str
    label: str
    cell: Cell
    mean_rank: float | None = None


@dataclass(frozen=True)
class QuestionResult:
    """The suppressed figures for one question of an activity."""

    question_id: int
    position: int
    kind: str
    prompt: str
    k: int
    submissions: int  # everyone who sent the activity, so everyone who was asked
    answered: Cell
    passed: Cell
    rows: tuple[Row, ...]  # options (and "passed" where it belongs to the table), in order
    total: Cell  # what the percentages in `rows` are of
    total_label: str
    mean: float | None = None  # scale questions: average option code, when n >= k
    scale_max: int | None = None
    boxes: tuple[Row, ...] = ()  # three boxes: how many wrote in each box

    @property
    def number(self) -> int:
        """The question's number as young people saw it (1-based)."""
        return self.position + 1

    @property
    def is_text(self) -> bool:
        """Whether the question collects written answers."""
        return self.kind in (QuestionKind.FREE_TEXT, QuestionKind.THREE_BOXES)

    @property
    def is_charted(self) -> bool:
        """Whether the question has a bar chart (choice, scale, ranking and reach kinds)."""
        return self.kind in CHARTED_KINDS

    @property
    def any_suppressed(self) -> bool:
        """Whether any number in this question's figures is hidden."""
        cells = [row.cell for row in (*self.rows, *self.boxes)]
        return any(c.suppressed for c in (*cells, self.total, self.answered, self.passed))


@dataclass(frozen=True)
class ActivityFigures:
    """Headline numbers and per-question figures for one activity."""

    activity_id: int
    k: int
    submissions: Cell
    joined: int  # how many opened the activity; not about anyone's answers
    questions: tuple[QuestionResult, ...] = field(default=())

    @property
    def enough_answers(self) -> bool:
        """Whether at least k young people have sent answers (results may be shown)."""
        return not self.submissions.suppressed and (self.submissions.count or 0) >= self.k

    @property
    def reach(self) -> tuple[QuestionResult, ...]:
        """The reach ("about you") questions."""
        return tuple(q for q in self.questions if q.kind == QuestionKind.REACH)

    @property
    def main(self) -> tuple[QuestionResult, ...]:
        """Every question except the reach questions."""
        return tuple(q for q in self.questions if q.kind != QuestionKind.REACH)


# --- reading counts out of answer_groups ----------------------------------------------


def _choice_counts(groups: dict[tuple[int | None, int], int]) -> dict[int, int]:
    """{option code: rows}, summed over parts."""
    counts: dict[int, int] = defaultdict(int)
    for (choice, _part), count in groups.items():
        if choice is not None:
            counts[choice] += count
    return counts


def _ranking_sums(groups: dict[tuple[int | None, int], int]) -> dict[int, tuple[int, int, int]]:
    """{item code: (times ranked, sum of places, times first)}; places are stored from 0."""
    sums: dict[int, tuple[int, int, int]] = {}
    for (choice, part), count in groups.items():
        if choice is None:
            continue
        ranked, place_sum, first = sums.get(choice, (0, 0, 0))
        sums[choice] = (
            ranked + count,
            place_sum + part * count,
            first + (count if part == 0 else 0),
        )
    return sums


def _part_counts(groups: dict[tuple[int | None, int], int]) -> dict[int, int]:
    """{part: rows} (three boxes: answers written in each box)."""
    counts: dict[int, int] = defaultdict(int)
    for (_choice, part), count in groups.items():
        counts[part] += count
    return counts


# --- building suppressed figures -------------------------------------------------------


def _rows(table: SuppressedTable[Key], labels: Mapping[Key, str]) -> tuple[Row, ...]:
    return tuple(Row(key, labels[key], cell) for key, cell in table.cells.items())


def _answered_from(table: SuppressedTable[int | str], submissions: int, passed: int) -> Cell:
    """Those who answered, shown only when the passed cell beside it is shown."""
    if table.cells[PASSED].suppressed:
        # Secondary wording: the number may well be k or more, it is hidden for its neighbour.
        return Cell(None, suppressed=True, k=table.k, secondary=True)
    return Cell(submissions - passed, k=table.k)


def _without_percent(rows: tuple[Row, ...]) -> tuple[Row, ...]:
    """Drop percentages whose base is hidden (they would give the base away)."""
    return tuple(replace(row, cell=replace(row.cell, percent=None)) for row in rows)


def _one_row_choice(
    question: Question, counts: dict[int, int], submissions: int, k: int
) -> QuestionResult:
    options: dict[int, str] = {o["code"]: o["label"] for o in question.options}
    cells: dict[int | str, int] = {code: counts.get(code, 0) for code in options}
    answered = sum(cells.values())
    passed = max(submissions - answered, 0)
    cells[PASSED] = passed
    labels: dict[int | str, str] = {code: label for code, label in options.items()}
    labels[PASSED] = PASSED_LABEL
    table = suppress(cells, k, total=submissions)
    mean = None
    scale_max = None
    if question.kind in SCALE_KINDS:
        scale_max = max((o["code"] for o in question.options), default=None)
        weighted = sum(code * count for code, count in counts.items() if code in options)
        mean = mean_if_safe(float(weighted), answered, k)
    return QuestionResult(
        question_id=question.id,
        position=question.position,
        kind=question.kind,
        prompt=question.prompt,
        k=k,
        submissions=submissions,
        answered=_answered_from(table, submissions, passed),
        passed=table.cells[PASSED],
        rows=_rows(table, labels),
        total=table.total,
        total_label="Everyone who took part",
        mean=mean,
        scale_max=scale_max,
    )


def _response_table(submissions: int, answered: int, k: int) -> SuppressedTable[str]:
    """Answered against passed, out of everyone who took part."""
    passed = max(submissions - answered, 0)
    return suppress({ANSWERED: answered, PASSED: passed}, k, total=submissions)


def _multiple_choice(
    question: Question, counts: dict[int, int], answered: int, submissions: int, k: int
) -> QuestionResult:
    labels: dict[int, str] = {o["code"]: o["label"] for o in question.options}
    response = _response_table(submissions, answered, k)
    answered_cell = response.cells[ANSWERED]
    # Each person may pick several, so percentages are of those who answered.
    table = suppress({code: counts.get(code, 0) for code in labels}, k, total=answered)
    rows = _rows(table, labels)
    total = table.total
    if answered_cell.suppressed and not total.suppressed:
        # The answered count is hidden next to "passed": percentages would give it away.
        rows = _without_percent(rows)
        total = answered_cell
    return QuestionResult(
        question_id=question.id,
        position=question.position,
        kind=question.kind,
        prompt=question.prompt,
        k=k,
        submissions=submissions,
        answered=answered_cell if answered_cell.suppressed else total,
        passed=response.cells[PASSED],
        rows=rows,
        total=total,
        total_label="Everyone who answered (each could pick more than one)",
    )


def _ranking(
    question: Question, sums: dict[int, tuple[int, int, int]], submissions: int, k: int
) -> QuestionResult:
    labels: dict[int, str] = {o["code"]: o["label"] for o in question.options}
    firsts: dict[int | str, int] = {code: sums.get(code, (0, 0, 0))[2] for code in labels}
    answered = sum(firsts.values())  # everyone who ranks puts exactly one item first
    passed = max(submissions - answered, 0)
    firsts[PASSED] = passed
    table = suppress(firsts, k, total=submissions)
    rows = []
    for code, label in labels.items():
        ranked, place_sum, _ = sums.get(code, (0, 0, 0))
        mean_place = mean_if_safe(float(place_sum), ranked, k)
        mean_rank = None if mean_place is None else mean_place + 1  # places are stored from 0
        rows.append(Row(code, label, table.cells[code], mean_rank))
    rows.append(Row(PASSED, PASSED_LABEL, table.cells[PASSED]))
    return QuestionResult(
        question_id=question.id,
        position=question.position,
        kind=question.kind,
        prompt=question.prompt,
        k=k,
        submissions=submissions,
        answered=_answered_from(table, submissions, passed),
        passed=table.cells[PASSED],
        rows=tuple(rows),
        total=table.total,
        total_label="Everyone who took part",
    )


def _text(
    question: Question, answered: int, boxes: dict[int, int], submissions: int, k: int
) -> QuestionResult:
    response = _response_table(submissions, answered, k)
    labels = {ANSWERED: "Wrote an answer", PASSED: PASSED_LABEL}
    box_rows: tuple[Row, ...] = ()
    if question.kind == QuestionKind.THREE_BOXES:
        box_labels: dict[int, str] = dict(
            enumerate(question.settings.get("boxes") or THREE_BOX_PROMPTS)
        )
        box_table = suppress({i: boxes.get(i, 0) for i in box_labels}, k, total=answered)
        box_rows = _rows(box_table, box_labels)
        if response.cells[ANSWERED].suppressed:
            box_rows = _without_percent(box_rows)
    return QuestionResult(
        question_id=question.id,
        position=question.position,
        kind=question.kind,
        prompt=question.prompt,
        k=k,
        submissions=submissions,
        answered=response.cells[ANSWERED],
        passed=response.cells[PASSED],
        rows=_rows(response, labels),
        total=response.total,
        total_label="Everyone who took part",
        boxes=box_rows,
    )


def activity_figures(
    session: Session,
    activity: Activity,
    questions: Iterable[Question] | None = None,
    *,
    stats: SubmissionStats | None = None,
) -> ActivityFigures:
    """Return suppressed figures for every question of `activity` (or just `questions`).

    Percentages are of everyone who took part, with "passed" as a row, except multiple
    choice (of those who answered, as each could pick several). Means appear only when at
    least k answered. Counts come from two index-only queries whatever the number of
    answers, kept per process until a submission arrives or is withdrawn (so many staff
    screens on one activity cost one computation). Pass `stats` when this request has
    already read them (`answer_queries.submission_stats`).
    """
    chosen = list(activity.questions if questions is None else questions)
    stats = stats or submission_stats(session, activity.id)
    kinds = tuple((q.id, q.kind) for q in activity.questions)
    counts = activity_counts(session, {activity.id: (stats, kinds)})[activity.id]
    return _compute(activity, chosen, counts, stats.submissions)


def _compute(
    activity: Activity, chosen: list[Question], counts: ActivityCounts, submissions: int
) -> ActivityFigures:
    k = activity.k_threshold
    groups, people = counts.groups, counts.respondents
    results = []
    for question in chosen:
        found = groups.get(question.id, {})
        if question.kind in ONE_ROW_CHOICE_KINDS:
            result = _one_row_choice(question, _choice_counts(found), submissions, k)
        elif question.kind == QuestionKind.MULTIPLE_CHOICE:
            answered = people.get(question.id, 0)
            result = _multiple_choice(question, _choice_counts(found), answered, submissions, k)
        elif question.kind == QuestionKind.RANKING:
            result = _ranking(question, _ranking_sums(found), submissions, k)
        elif question.kind == QuestionKind.FREE_TEXT:
            result = _text(question, sum(found.values()), {}, submissions, k)
        else:
            answered = people.get(question.id, 0)
            result = _text(question, answered, _part_counts(found), submissions, k)
        results.append(result)
    return ActivityFigures(
        activity_id=activity.id,
        k=k,
        submissions=suppress_value(submissions, k),
        joined=activity.joined_count,
        questions=tuple(results),
    )


# --- charts ----------------------------------------------------------------------------


def _percent(cell: Cell) -> str:
    return "" if cell.percent is None else f" ({cell.percent:.0f}%)"


def cell_text(cell: Cell) -> str:
    """A cell as it reads in tables and charts: "12 (40%)" or "fewer than 5"."""
    return cell.display + ("" if cell.suppressed else _percent(cell))


def question_bars(result: QuestionResult) -> list[Bar]:
    """The bars of a question's chart: one per option, with the table's own wording."""
    bars = []
    for row in result.rows:
        value = None if row.cell.suppressed else float(row.cell.count or 0)
        bars.append(Bar(row.label, value, cell_text(row.cell)))
    return bars


def question_chart(result: QuestionResult, chart_id: str | None = None) -> Markup:
    """Return the question's inline SVG bar chart (the data table is its accessible twin)."""
    what = "put first" if result.kind == QuestionKind.RANKING else "chose each answer"
    title = f"Question {result.number}: {result.prompt} – how many {what}"
    return bar_chart_svg(question_bars(result), title=title, chart_id=chart_id)


__all__ = [
    "ANSWERED",
    "PASSED",
    "ActivityFigures",
    "QuestionResult",
    "Row",
    "activity_figures",
    "cell_text",
    "question_bars",
    "question_chart",
    "submission_count",
]
