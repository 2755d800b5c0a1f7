"""Change over time in a Hub's outcome questions, with disclosure control.

A young person who gave a linking code at two or more measures is one *pair* for an
outcome question in a group (a service, a participation type, a service's type, or the
whole Hub): their first and latest answer in that group are compared. Answers without a
link, or a linked person's only answer, count in the cross-section (every answer given)
and never in change.

Every count goes through `participation.privacy.suppression`: a group with fewer than k
pairs shows none of its change, and inside a shown group each table (first, latest, moved)
is suppressed on its own, secondary cells included. Group sizes are suppressed against the
Hub's total too (as the dashboard does), so the Hub figure minus the shown Spokes can't
reveal a hidden Spoke.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from participation.models import OutcomeQuestion, Service
from participation.models.services import ParticipationType
from participation.outcomes.bank import SCALE_CODES
from participation.outcomes.tally import (
    HUB_GROUP,
    Group,
    OutcomeFilters,
    TallyCache,
    groups_of,
    tally_outcomes,
)
from participation.privacy.suppression import Cell, SuppressedTable, suppress, suppress_value

K = TypeVar("K", int, str)
DEFAULT_K = 5
UP, SAME, DOWN = "up", "same", "down"
MOVES = (UP, SAME, DOWN)


@dataclass(frozen=True)
class ChangeTable:
    """One outcome question's change for one group, after suppression."""

    pairs: Cell
    first: SuppressedTable[int]
    latest: SuppressedTable[int]
    moved: SuppressedTable[str]

    @property
    def shown(self) -> bool:
        """Whether any change is shown (k or more pairs, and not hidden to protect another)."""
        return not self.pairs.suppressed and bool(self.pairs.count)


def margins(
    pairs: Counter[tuple[int, int]],
) -> tuple[dict[int, int], dict[int, int], dict[str, int]]:
    """The first answers, latest answers and moves of a group's pairs, in scale order."""
    first = Counter({code: 0 for code in SCALE_CODES})
    latest = Counter({code: 0 for code in SCALE_CODES})
    moved = Counter({move: 0 for move in MOVES})
    for (before, after), count in pairs.items():
        first[before] += count
        latest[after] += count
        moved[UP if after > before else DOWN if after < before else SAME] += count
    return (
        {code: first[code] for code in SCALE_CODES},
        {code: latest[code] for code in SCALE_CODES},
        {move: moved[move] for move in MOVES},
    )


def change_table(pairs: Counter[tuple[int, int]], k: int, *, hidden: bool = False) -> ChangeTable:
    """Suppress one group's first/latest/moved tables; `hidden` hides all (secondary)."""
    total = sum(pairs.values())
    first, latest, moved = margins(pairs)
    if hidden:
        cell = Cell(None, suppressed=True, k=k, secondary=True)
        return ChangeTable(
            cell,
            _all_hidden(Counter(first), k),
            _all_hidden(Counter(latest), k),
            _all_hidden(Counter(moved), k),
        )
    return ChangeTable(
        pairs=suppress_value(total, k),
        first=suppress(first, k, total),
        latest=suppress(latest, k, total),
        moved=suppress(moved, k, total),
    )


def beside(
    table: SuppressedTable[K], counts: dict[K, int], own: dict[K, int], k: int
) -> SuppressedTable[K]:
    """`table` with each cell also hidden where it minus the viewer's own count is small.

    A Spoke's staff see their own figures beside the Hub's: a Hub cell that differs from
    theirs by 1 to k-1 would tell them what those few others answered. The differences are
    suppressed as a table of their own (so never one alone is hidden) and the result laid
    over `table`.
    """
    rest = {key: abs(counts[key] - own.get(key, 0)) for key in counts}
    mask = suppress(rest, k)
    hide = {key for key, cell in mask.cells.items() if cell.suppressed}
    cells = {
        key: Cell(None, suppressed=True, k=k, secondary=True)
        if key in hide and not cell.suppressed
        else cell
        for key, cell in table.cells.items()
    }
    added = sum(1 for key in hide if not table.cells[key].suppressed)
    return replace(table, cells=cells, secondary=table.secondary + added)


def _shown(tables: list[SuppressedTable[K]]) -> dict[K, int]:
    """Each cell's total over the tables where it is shown (what a reader can add up)."""
    total: Counter[K] = Counter()
    for table in tables:
        for key, cell in table.cells.items():
            if not cell.suppressed:
                total[key] += cell.count or 0
    return dict(total)


def _all_hidden(counts: Counter[K], k: int) -> SuppressedTable[K]:
    cell = Cell(None, suppressed=True, k=k, secondary=True)
    return SuppressedTable({key: cell for key in counts}, cell, k, 0, len(counts))


@dataclass(frozen=True)
class GroupChange:
    """One group's figures for one outcome question."""

    label: str
    group: Group
    change: ChangeTable
    # Every answer given in the group, linked or not.
    answers: SuppressedTable[int]


@dataclass(frozen=True)
class OutcomeChange:
    """One outcome question across a Hub: the whole Hub, its services and its types."""

    key: str
    prompt: str
    area: str
    retired: bool
    hub: GroupChange
    services: list[GroupChange] = field(default_factory=list)
    types: list[GroupChange] = field(default_factory=list)
    # A service's own types, keyed by service id.
    service_types: dict[int, list[GroupChange]] = field(default_factory=dict)

    def service(self, service_id: int) -> GroupChange | None:
        """The figures of one service, if it has any measures."""
        return next((g for g in self.services if g.group == ("service", service_id)), None)


@dataclass(frozen=True)
class HubOutcomes:
    """Change over time for a Hub's outcome questions, ready for a page, a chart or a report."""

    hub: Service
    services: list[Service]
    questions: list[OutcomeChange]
    k: int
    filters: OutcomeFilters
    linked_people: Cell
    # Each service's own young people with a linked answer, suppressed.
    linked_by_service: dict[int, Cell] = field(default_factory=dict)

    def linked_people_in(self, service: Service) -> Cell:
        """How many young people used a code in one service (the Hub's figure for the Hub)."""
        if service.id == self.hub.id:
            return self.linked_people
        return self.linked_by_service.get(service.id, suppress_value(0, self.k))

    @property
    def any_measures(self) -> bool:
        """Whether any outcome question has been answered in the period."""
        return any(q.hub.answers.total.count != 0 for q in self.questions)


def hub_services(session: Session, hub_id: int) -> list[Service]:
    """The Hub itself, then its Spokes by name."""
    query = select(Service).where(or_(Service.id == hub_id, Service.parent_id == hub_id))
    found = list(session.scalars(query))
    return sorted(found, key=lambda s: (s.id != hub_id, s.name.casefold()))


# The young people of a parent group who are in no one child group (their first and latest
# answers were given in two services, or two types), or in two.
REST: Group = ("rest",)


def hidden_children(parent_total: int, sizes: dict[Group, int], k: int) -> set[Group]:
    """The child groups hidden only so the parent total can't be subtracted to reveal one.

    The parent's young people in no one child count as one more child here, so the parent
    minus its children can't reveal a few of them either.
    """
    rest = abs(parent_total - sum(sizes.values()))
    cells = {**sizes, REST: rest} if rest else sizes
    table = suppress(cells, k, sum(cells.values()))
    return {group for group, cell in table.cells.items() if cell.secondary and group != REST}


@dataclass
class _Figures:
    """The raw counts one Hub's page is built from (never shown as they are)."""

    pairs: dict[tuple[Group, str], Counter[tuple[int, int]]]
    answers: dict[tuple[Group, str], Counter[int]]
    k: int

    def pair_total(self, group: Group, key: str) -> int:
        return sum(self.pairs.get((group, key), Counter()).values())

    def answer_total(self, group: Group, key: str) -> int:
        return sum(self.answers.get((group, key), Counter()).values())

    def group_change(self, label: str, group: Group, key: str, hidden: bool) -> GroupChange:
        pairs = self.pairs.get((group, key), Counter())
        answers = self.answers.get((group, key), Counter())
        ordered = {code: answers[code] for code in SCALE_CODES}
        return GroupChange(
            label=label,
            group=group,
            change=change_table(pairs, self.k, hidden=hidden),
            answers=_all_hidden(Counter(ordered), self.k) if hidden else suppress(ordered, self.k),
        )

    def children(
        self, parent: Group, key: str, labelled: list[tuple[str, Group]]
    ) -> list[GroupChange]:
        """The child groups with any answers, each hidden where it would reveal another."""
        present = [(label, g) for label, g in labelled if self.answer_total(g, key)]
        hidden = hidden_children(
            self.pair_total(parent, key), {g: self.pair_total(g, key) for _, g in present}, self.k
        ) | hidden_children(
            self.answer_total(parent, key),
            {g: self.answer_total(g, key) for _, g in present},
            self.k,
        )
        return [self.group_change(label, g, key, g in hidden) for label, g in present]

    def hub_beside(self, label: str, own: Group, key: str) -> GroupChange:
        """The Hub's figures for a Spoke's staff: no cell may differ from theirs by under k."""
        hub = self.group_change(label, HUB_GROUP, key, False)
        hub_first, hub_latest, hub_moved = margins(self.pairs.get((HUB_GROUP, key), Counter()))
        own_first, own_latest, own_moved = margins(self.pairs.get((own, key), Counter()))
        first = beside(hub.change.first, hub_first, own_first, self.k)
        latest = beside(hub.change.latest, hub_latest, own_latest, self.k)
        moved = beside(hub.change.moved, hub_moved, own_moved, self.k)
        hub_answers = self.answers.get((HUB_GROUP, key), Counter())
        own_answers = self.answers.get((own, key), Counter())
        answers = beside(
            hub.answers,
            {code: hub_answers[code] for code in SCALE_CODES},
            {code: own_answers[code] for code in SCALE_CODES},
            self.k,
        )
        change = replace(hub.change, first=first, latest=latest, moved=moved)
        return replace(hub, change=change, answers=answers)

    def apart_from(self, change: GroupChange, key: str, children: list[GroupChange]) -> GroupChange:
        """`change` with each cell hidden that, less its children's shown cells, leaves 1 to k-1.

        What is left is held by the children whose cell is hidden and by young people in no
        one child (first and latest answers given in two services, or two types): taking
        the children's shown cells from the parent's must not show a few of their answers.
        """
        first, latest, moved = margins(self.pairs.get((change.group, key), Counter()))
        answers = self.answers.get((change.group, key), Counter())
        table = change.change
        masked = replace(
            table,
            first=beside(table.first, first, _shown([c.change.first for c in children]), self.k),
            latest=beside(
                table.latest, latest, _shown([c.change.latest for c in children]), self.k
            ),
            moved=beside(table.moved, moved, _shown([c.change.moved for c in children]), self.k),
        )
        return replace(
            change,
            change=masked,
            answers=beside(
                change.answers,
                {code: answers[code] for code in SCALE_CODES},
                _shown([c.answers for c in children]),
                self.k,
            ),
        )

    def rest_is_small(self, own: Group, key: str) -> bool:
        """Whether the Hub minus one service leaves between 1 and k-1 people or answers."""
        others = (
            self.pair_total(HUB_GROUP, key) - self.pair_total(own, key),
            self.answer_total(HUB_GROUP, key) - self.answer_total(own, key),
        )
        return any(0 < count < self.k for count in others)


def hub_outcomes(
    session: Session,
    hub_id: int,
    filters: OutcomeFilters | None = None,
    *,
    k: int = DEFAULT_K,
    viewer_service_id: int | None = None,
    cache: TallyCache | None = None,
) -> HubOutcomes:
    """Change over time in a Hub's outcome questions, by service, by type and Hub-wide.

    With `viewer_service_id` (a Spoke's own staff), the Hub-wide figure of a question is
    hidden when the rest of the Hub has fewer than k: subtracting the Spoke's own figure
    from it would show those few. A `cache` (one per app) spares counting again while
    nothing counted has changed.
    """
    filters = filters or OutcomeFilters()
    services = hub_services(session, hub_id)
    hub = services[0]
    service_ids = [s.id for s in services]
    tally = tally_outcomes(session, service_ids, filters, cache)
    figures = _Figures(tally.pairs, tally.answers, k)
    type_names: dict[int, str] = {
        type_id: name
        for type_id, name in session.execute(select(ParticipationType.id, ParticipationType.name))
    }
    questions = [
        _question_change(figures, item, services, type_names, viewer_service_id)
        for item in _bank(session, hub_id)
        if figures.answer_total(HUB_GROUP, item.key) or not item.is_retired
    ]
    return HubOutcomes(
        hub=hub,
        services=services,
        questions=questions,
        k=k,
        filters=filters,
        linked_people=suppress_value(tally.linked_people, k),
        linked_by_service={
            service_id: suppress_value(count, k)
            for service_id, count in tally.linked_by_service.items()
        },
    )


def _bank(session: Session, hub_id: int) -> list[OutcomeQuestion]:
    # As bank_for, but reading only: a page must not write (a Hub with no bank yet has no
    # outcome answers either).
    query = select(OutcomeQuestion).where(OutcomeQuestion.hub_id == hub_id)
    return list(session.scalars(query.order_by(OutcomeQuestion.position, OutcomeQuestion.id)))


def _types_in(parent: Group, type_names: dict[int, str]) -> list[tuple[str, Group]]:
    prefix = () if parent == HUB_GROUP else (parent[1],)
    kind = "type" if parent == HUB_GROUP else "service_type"
    return [
        (name, (kind, *prefix, type_id))
        for type_id, name in sorted(type_names.items(), key=lambda item: item[1].casefold())
    ]


def _question_change(
    figures: _Figures,
    item: OutcomeQuestion,
    services: list[Service],
    type_names: dict[int, str],
    viewer_service_id: int | None,
) -> OutcomeChange:
    key = item.key
    own: Group = ("service", viewer_service_id)
    hub_hidden = (
        viewer_service_id is not None
        and viewer_service_id != services[0].id
        and figures.rest_is_small(own, key)
    )
    service_groups: list[tuple[str, Group]] = [(s.name, ("service", s.id)) for s in services]
    type_groups = _types_in(HUB_GROUP, type_names)
    by_service = figures.children(HUB_GROUP, key, service_groups)
    by_type = figures.children(HUB_GROUP, key, type_groups)
    service_types = {
        s.id: figures.children(("service", s.id), key, _types_in(("service", s.id), type_names))
        for s in services
    }
    hub = figures.group_change(services[0].name, HUB_GROUP, key, hub_hidden)
    if viewer_service_id is not None and viewer_service_id != services[0].id:
        if not hub_hidden:
            hub = figures.hub_beside(services[0].name, own, key)
        # A Spoke's own staff see their own figure: the Hub figure is what hides itself
        # when the rest of the Hub is small, so there is nothing for their figure to protect.
        # They see it beside their own types, so it must not give away who is in none.
        by_service = [
            figures.apart_from(
                figures.group_change(g.label, own, key, False),
                key,
                service_types.get(viewer_service_id or -1, []),
            )
            if g.group == own
            else g
            for g in by_service
        ]
    elif viewer_service_id is None:
        # The Hub's staff see the Hub beside its services and beside its types.
        hub = figures.apart_from(figures.apart_from(hub, key, by_service), key, by_type)
    return OutcomeChange(
        key=key,
        prompt=item.prompt,
        area=item.area,
        retired=item.is_retired,
        hub=hub,
        services=by_service,
        types=by_type,
        service_types=service_types,
    )


__all__ = [
    "DEFAULT_K",
    "DOWN",
    "HUB_GROUP",
    "MOVES",
    "REST",
    "SAME",
    "UP",
    "ChangeTable",
    "Group",
    "GroupChange",
    "HubOutcomes",
    "OutcomeChange",
    "OutcomeFilters",
    "TallyCache",
    "beside",
    "change_table",
    "groups_of",
    "hidden_children",
    "hub_outcomes",
    "hub_services",
    "margins",
]
