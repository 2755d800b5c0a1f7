"""Dashboard figures: activities and submissions grouped by participation type, then service.

Use it through `participation.figures.results` (which re-exports it). Counts come from GROUP BY
queries; per-question aggregates (a few rows per question, never per answer) are combined
in Python. Every count of young people goes through `disclosure.suppress`, every mean and
share needs at least k young people behind it.

Suppression is hierarchical so the page cannot be subtracted to reveal a small number:
the table of type totals (with the grand total) is suppressed first; a type whose total is
hidden there hides its whole service breakdown; a shown type's services are suppressed
against that type's total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from markupsafe import Markup
from sqlalchemy import ColumnElement, Row, Select, func, select
from sqlalchemy.orm import Session

from participation.accounts.scoping import service_filter
from participation.figures.charts import Bar, bar_chart_svg
from participation.figures.queries import (
    Groups,
    SubmissionStats,
    activity_counts,
    answer_groups,
    respondents,
    stats_for,
)
from participation.models import (
    Activity,
    ParticipationType,
    Question,
    Service,
    Staff,
    Submission,
)
from participation.models.enums import QuestionKind
from participation.privacy.suppression import Cell, mean_if_safe, suppress, suppress_value

DEFAULT_K = 5
SCALE_KINDS = (QuestionKind.EMOJI_SCALE, QuestionKind.TRAFFIC_LIGHT)
SCALE_MAX: dict[str, int] = {QuestionKind.EMOJI_SCALE: 5, QuestionKind.TRAFFIC_LIGHT: 3}
# Kinds storing any number of rows per young person, so "answered" needs COUNT(DISTINCT).
MULTI_ROW_KINDS = (QuestionKind.MULTIPLE_CHOICE, QuestionKind.THREE_BOXES)
# (id, activity id, kind, prompt, key) of a question in scope
QuestionRow = Row[int, int, str, str, str]


@dataclass(frozen=True)
class DashboardFilters:
    """What the dashboard covers; None means "all". Dates are inclusive, by submission hour."""

    service_id: int | None = None
    type_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: str | None = None


@dataclass(frozen=True)
class ScaleMean:
    """The average answer to a kind of scale question, or None when fewer than k answered."""

    kind: str
    mean: float | None
    scale_max: int


@dataclass(frozen=True)
class CommonQuestion:
    """A scale question (same key and kind) asked in one or more activities of a type.

    Questions share a key when they come from one template or bank question, or when a lead
    linked them; `wordings` lists every wording grouped under it (newest first).
    """

    kind: str
    prompt: str
    activities: int
    answered: Cell
    passed_percent: float | None
    mean: float | None
    scale_max: int
    wordings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServiceLine:
    """One service's figures within a participation type."""

    service_id: int
    service_name: str
    activities: int
    submissions: Cell
    passed_percent: float | None
    means: tuple[ScaleMean, ...]


@dataclass(frozen=True)
class TypeGroup:
    """One participation type: its total, its services and its common questions."""

    type_id: int
    type_name: str
    activities: int
    submissions: Cell
    passed_percent: float | None
    means: tuple[ScaleMean, ...]
    services: tuple[ServiceLine, ...]
    total: Cell  # the services table's total (equals `submissions` when shown)
    common_questions: tuple[CommonQuestion, ...]


@dataclass(frozen=True)
class Dashboard:
    """Everything on the dashboard, already suppressed."""

    filters: DashboardFilters
    k: int
    activities: int
    submissions: Cell
    groups: tuple[TypeGroup, ...] = field(default=())


@dataclass
class _Tally:
    """Sums for one group of questions (internal)."""

    asked: int = 0
    answered: int = 0
    activities: set[int] = field(default_factory=set)
    scale_kinds: set[str] = field(default_factory=set)
    scale_n: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    scale_sum: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    wordings: dict[str, None] = field(default_factory=dict)  # insertion-ordered set

    def add_question(self, kind: str, asked: int, answered: int, choice_sum: int) -> None:
        """Add one question's sums."""
        self.asked += asked
        self.answered += min(answered, asked)
        if kind in SCALE_KINDS:
            self.scale_kinds.add(kind)
            self.scale_n[kind] += answered
            self.scale_sum[kind] += choice_sum


def _newest(tally: _Tally) -> str:
    # Questions come in activity order, so the last wording seen is the newest activity's.
    return next(reversed(tally.wordings), "")


def _bounds(filters: DashboardFilters) -> tuple[datetime | None, datetime | None]:
    start = datetime.combine(filters.date_from, time.min) if filters.date_from else None
    end = (
        datetime.combine(filters.date_to + timedelta(days=1), time.min) if filters.date_to else None
    )
    return start, end


def _activity_query(session: Session, staff: Staff, filters: DashboardFilters) -> Select[int]:
    """Ids of the activities in scope; with dates, those young people answered within them."""
    query = select(Activity.id).where(service_filter(session, staff, Activity.service_id))
    if filters.service_id is not None:
        query = query.where(Activity.service_id == filters.service_id)
    if filters.type_id is not None:
        query = query.where(Activity.participation_type_id == filters.type_id)
    if filters.status:
        query = query.where(Activity.status == filters.status)
    dated = _submission_clause(filters)
    if dated:
        # One index seek per activity on (activity_id, submitted_hour).
        query = query.where(
            select(Submission.id).where(Submission.activity_id == Activity.id, *dated).exists()
        )
    return query


def _submission_clause(filters: DashboardFilters) -> list[ColumnElement[bool]]:
    start, end = _bounds(filters)
    clause = []
    if start is not None:
        clause.append(Submission.submitted_hour >= start)
    if end is not None:
        clause.append(Submission.submitted_hour < end)
    return clause


def _per_question(groups: Groups, people: dict[int, int]) -> dict[int, tuple[int, int]]:
    """{question id: (young people who answered, sum of option codes)} from raw counts."""
    stats = {}
    for qid, found in groups.items():
        first_places = sum(n for (_c, part), n in found.items() if part == 0)
        choice_sum = sum(choice * n for (choice, _p), n in found.items() if choice is not None)
        # One row per person, except ranking (one per item: count first places) and the
        # multi-row kinds (counted distinct by `respondents`).
        stats[qid] = (people.get(qid, first_places), choice_sum)
    return stats


def _all_time(
    session: Session, ids: Select[int], questions: Sequence[QuestionRow]
) -> tuple[dict[int, int], dict[int, tuple[int, int]]]:
    """Submissions per activity and per-question sums, from the per-activity counts cache."""
    stats = stats_for(session, ids)
    kinds: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for q in questions:
        kinds[q.activity_id].append((q.id, q.kind))
    empty = SubmissionStats(0, None, None)
    counts = activity_counts(
        session, {aid: (stats.get(aid, empty), tuple(kinds[aid])) for aid in kinds}
    )
    groups: Groups = {}
    people: dict[int, int] = {}
    for found in counts.values():
        groups.update(found.groups)
        people.update(found.respondents)
    return {aid: s.submissions for aid, s in stats.items()}, _per_question(groups, people)


def _dated(
    session: Session,
    ids: Select[int],
    questions: Sequence[QuestionRow],
    dated: list[ColumnElement[bool]],
) -> tuple[dict[int, int], dict[int, tuple[int, int]]]:
    """The same, counting only submissions sent within the date range."""
    per_activity = {
        activity_id: count
        for activity_id, count in session.execute(
            select(Submission.activity_id, func.count())
            .where(Submission.activity_id.in_(ids), *dated)
            .group_by(Submission.activity_id)
        )
    }
    dated = [*dated, Submission.activity_id.in_(ids)]
    question_ids = select(Question.id).where(Question.activity_id.in_(ids))
    multi = [q.id for q in questions if q.kind in MULTI_ROW_KINDS]
    groups = answer_groups(session, question_ids, dated)
    people = respondents(session, multi, dated) if multi else {}
    return per_activity, _per_question(groups, people)


def _share(tally: _Tally, people: int, k: int) -> float | None:
    """Percent of questions passed, only when at least k young people are behind it."""
    if tally.asked == 0 or mean_if_safe(0.0, people, k) is None:
        return None
    return 100.0 * (tally.asked - tally.answered) / tally.asked


def _means(tally: _Tally, k: int) -> tuple[ScaleMean, ...]:
    return tuple(
        ScaleMean(
            kind,
            mean_if_safe(float(tally.scale_sum[kind]), tally.scale_n[kind], k),
            SCALE_MAX[kind],
        )
        for kind in SCALE_KINDS
        if kind in tally.scale_kinds
    )


def _hidden(k: int) -> Cell:
    # A number hidden because its total is hidden: it may be k or more, so "hidden" wording.
    return Cell(None, suppressed=True, k=k, secondary=True)


def dashboard_figures(session: Session, staff: Staff, filters: DashboardFilters) -> Dashboard:
    """Return the dashboard for `staff` (their services only), grouped by type then service."""
    ids = _activity_query(session, staff, filters)
    activities = session.execute(
        select(
            Activity.id, Activity.participation_type_id, Activity.service_id, Activity.k_threshold
        ).where(Activity.id.in_(ids))
    ).all()
    k = max((row.k_threshold for row in activities), default=DEFAULT_K)
    k = max(k, DEFAULT_K)
    questions = session.execute(
        select(Question.id, Question.activity_id, Question.kind, Question.prompt, Question.key)
        .where(Question.activity_id.in_(ids))
        .order_by(Question.activity_id, Question.position)
    ).all()
    dated = _submission_clause(filters)
    if dated:
        per_activity, stats = _dated(session, ids, questions, dated)
    else:
        per_activity, stats = _all_time(session, ids, questions)

    where = {a.id: (a.participation_type_id, a.service_id) for a in activities}
    by_type: dict[int, _Tally] = defaultdict(_Tally)
    by_service: dict[tuple[int, int], _Tally] = defaultdict(_Tally)
    by_key: dict[tuple[int, str, str], _Tally] = defaultdict(_Tally)
    people_type: dict[int, int] = defaultdict(int)
    people_service: dict[tuple[int, int], int] = defaultdict(int)
    for activity_id, (type_id, service_id) in where.items():
        people = per_activity.get(activity_id, 0)
        people_type[type_id] += people
        people_service[(type_id, service_id)] += people
        by_type[type_id].activities.add(activity_id)
        by_service[(type_id, service_id)].activities.add(activity_id)
    for q in questions:
        type_id, service_id = where[q.activity_id]
        asked = per_activity.get(q.activity_id, 0)
        answered, choice_sum = stats.get(q.id, (0, 0))
        for tally in (by_type[type_id], by_service[(type_id, service_id)]):
            tally.add_question(q.kind, asked, answered, choice_sum)
        if q.kind in SCALE_KINDS:
            tally = by_key[(type_id, q.kind, q.key)]
            tally.add_question(q.kind, asked, answered, choice_sum)
            tally.wordings.pop(q.prompt, None)
            tally.wordings[q.prompt] = None
            tally.activities.add(q.activity_id)

    type_rows = session.execute(
        select(ParticipationType.id, ParticipationType.name, ParticipationType.position).where(
            ParticipationType.id.in_(list(by_type))
        )
    ).all()
    type_names = {row.id: row.name for row in type_rows}
    positions = {row.id: row.position for row in type_rows}
    service_ids = sorted({service_id for _, service_id in where.values()})
    service_names = {
        service_id: name
        for service_id, name in session.execute(
            select(Service.id, Service.name).where(Service.id.in_(service_ids))
        )
    }
    type_order = sorted(by_type, key=lambda t: (positions.get(t, 0), type_names.get(t, "")))
    types_table = suppress({t: people_type[t] for t in type_order}, k)

    groups = []
    for type_id in type_order:
        type_cell = types_table.cells[type_id]
        services = sorted(
            (s for t, s in by_service if t == type_id), key=lambda s: service_names.get(s, "")
        )
        counts = {s: people_service[(type_id, s)] for s in services}
        if type_cell.suppressed:
            service_cells = {s: _hidden(k) for s in services}
            services_total = type_cell
        else:
            table = suppress(counts, k, total=people_type[type_id])
            service_cells, services_total = table.cells, table.total
        lines = tuple(
            ServiceLine(
                service_id=s,
                service_name=service_names.get(s, ""),
                activities=len(by_service[(type_id, s)].activities),
                submissions=service_cells[s],
                passed_percent=_share(by_service[(type_id, s)], counts[s], k),
                means=_means(by_service[(type_id, s)], k),
            )
            for s in services
        )
        common = tuple(
            CommonQuestion(
                kind=kind,
                prompt=_newest(tally),
                wordings=tuple(reversed(tally.wordings)),
                activities=len(tally.activities),
                answered=suppress_value(tally.scale_n[kind], k),
                passed_percent=_share(tally, tally.asked, k),
                mean=mean_if_safe(float(tally.scale_sum[kind]), tally.scale_n[kind], k),
                scale_max=SCALE_MAX[kind],
            )
            for (t, kind, _key), tally in sorted(
                by_key.items(), key=lambda item: (-len(item[1].activities), _newest(item[1]))
            )
            if t == type_id
        )
        groups.append(
            TypeGroup(
                type_id=type_id,
                type_name=type_names.get(type_id, ""),
                activities=len(by_type[type_id].activities),
                submissions=type_cell,
                passed_percent=_share(by_type[type_id], people_type[type_id], k),
                means=_means(by_type[type_id], k),
                services=lines,
                total=services_total,
                common_questions=common,
            )
        )
    return Dashboard(
        filters=filters,
        k=k,
        activities=len(activities),
        submissions=types_table.total,
        groups=tuple(groups),
    )


def dashboard_chart(dashboard: Dashboard, chart_id: str | None = None) -> Markup:
    """Return the bar chart of submissions per participation type (same cells as the table)."""
    bars = [
        Bar(
            group.type_name,
            None if group.submissions.suppressed else float(group.submissions.count or 0),
            group.submissions.display,
        )
        for group in dashboard.groups
    ]
    return bar_chart_svg(
        bars, title="Young people who took part, by participation type", chart_id=chart_id
    )


__all__ = [
    "CommonQuestion",
    "Dashboard",
    "DashboardFilters",
    "ScaleMean",
    "ServiceLine",
    "TypeGroup",
    "dashboard_chart",
    "dashboard_figures",
]
