"""The staff page of change over time: who sees which Hub, and each question's groups and chart.

The figures come from `participation.outcomes.change`, already suppressed; this module only
chooses which of them a member of staff may see and lays them out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from markupsafe import Markup
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from participation.figures.charts import Bar, PairedGroup, PairedRow, paired_bar_chart_svg
from participation.models import Service, Staff
from participation.models.services import HUB
from participation.outcomes import hub_id_of
from participation.outcomes.bank import AREAS, SCALE
from participation.outcomes.change import (
    GroupChange,
    HubOutcomes,
    OutcomeChange,
    OutcomeFilters,
    hub_outcomes,
)
from participation.outcomes.tally import TallyCache
from participation.privacy.suppression import Cell
from participation.problems import NotFound

BY_SERVICE, BY_TYPE = "service", "type"
VIEWS = {BY_SERVICE: "By service", BY_TYPE: "By participation type"}
SCALE_LABELS = {code: label for code, label, _ in SCALE}
MOVE_LABELS = {"up": "Moved up", "same": "Stayed the same", "down": "Moved down"}


@dataclass(frozen=True)
class Scope:
    """Which Hub a member of staff looks at, and as whom.

    `own` is the Spoke of Spoke staff (they see it and the Hub-wide figure only); None for
    Hub staff and admins, who see every service of the Hub. `hubs` are an admin's choices.
    """

    hub: Service | None
    own: Service | None = None
    hubs: tuple[Service, ...] = ()


def all_hubs(session: Session) -> list[Service]:
    """Every Hub, and every Spoke that has no Hub (it is its own), by name."""
    query = select(Service).where(or_(Service.kind == HUB, Service.parent_id.is_(None)))
    return sorted(session.scalars(query), key=lambda s: s.name.casefold())


def scope_for(session: Session, staff: Staff, hub_id: int | None) -> Scope:
    """What `staff` may see; NotFound for a Hub they may not see (no hint that it exists)."""
    if staff.is_admin:
        hubs = all_hubs(session)
        if hub_id is None:
            return Scope(hubs[0] if hubs else None, hubs=tuple(hubs))
        chosen = next((h for h in hubs if h.id == hub_id), None)
        if chosen is None:
            raise NotFound()
        return Scope(chosen, hubs=tuple(hubs))
    service = staff.service
    if service is None:
        if hub_id is not None:
            raise NotFound()
        return Scope(None)
    own_hub = hub_id_of(service)
    if hub_id is not None and hub_id != own_hub:
        raise NotFound()
    hub = session.get(Service, own_hub)
    return Scope(hub, own=None if own_hub == service.id else service)


def cell_text(cell: Cell) -> str:
    """A count with its share ("12 (40%)"), or the words standing in for a hidden one."""
    if cell.suppressed or cell.count is None:
        return cell.display
    if cell.percent is None:
        return str(cell.count)
    return f"{cell.count} ({cell.percent:.0f}%)"


def _bar(cell: Cell) -> Bar:
    value = None if cell.suppressed else (cell.percent or 0.0)
    return Bar("", value, cell_text(cell))


@dataclass(frozen=True)
class Panel:
    """One group as the page shows it: its figures and why any are not shown."""

    label: str
    figures: GroupChange
    note: str = ""  # why the change is not shown, in plain words ("" when it is)


@dataclass(frozen=True)
class QuestionView:
    """One outcome question's panels, chart and the notes a reader needs."""

    question: OutcomeChange
    area: str
    panels: list[Panel]
    chart: Markup
    hub_withheld: bool  # Spoke staff: the Hub-wide figure hides to protect the rest of the Hub
    own_missing: bool  # Spoke staff: their Spoke has no answers to this question


def change_note(group: GroupChange, k: int) -> str:
    """Why a group's change is not shown, or "" when it is."""
    pairs = group.change.pairs
    if group.change.shown:
        return ""
    if pairs.suppressed and pairs.secondary:
        return "Hidden, so that a smaller group's figures can't be worked out from it."
    if pairs.suppressed:
        return f"Fewer than {k} young people with two or more answers: not shown."
    return "No young people with two or more answers yet."


def _panels(
    question: OutcomeChange, hub: Service, own: Service | None, view: str
) -> list[tuple[str, GroupChange]]:
    """(label, figures) of each group this viewer sees, in the order shown."""
    whole = (f"Whole Hub: {hub.name}, all services", question.hub)
    if own is None:
        if view == BY_TYPE:
            return [whole, *((g.label, g) for g in question.types)]
        hub_itself = ("service", hub.id)
        return [
            whole,
            *(
                (f"{hub.name} (its own activities)" if g.group == hub_itself else g.label, g)
                for g in question.services
            ),
        ]
    figures = question.service(own.id)
    mine = [] if figures is None else [(f"{own.name} (your service)", figures)]
    if view == BY_TYPE:
        return [*mine, *((g.label, g) for g in question.service_types.get(own.id, []))]
    return [*mine, whole]


def question_view(
    question: OutcomeChange, hub: Service, own: Service | None, view: str, k: int
) -> QuestionView:
    """The panels and chart of one question for this viewer (`own`: a Spoke's staff's Spoke)."""
    panels = [Panel(label, g, change_note(g, k)) for label, g in _panels(question, hub, own, view)]
    hub_withheld = own is not None and question.hub.change.pairs.secondary
    if hub_withheld:
        note = (
            f"Not shown: the rest of the Hub has fewer than {k} young people for this question, "
            "so the Hub-wide figure would let you work out their answers."
        )
        panels = [replace(p, note=note) if p.figures is question.hub else p for p in panels]
    groups = [
        PairedGroup(
            p.label,
            [
                PairedRow(
                    SCALE_LABELS[code],
                    _bar(p.figures.change.first.cells[code]),
                    _bar(p.figures.change.latest.cells[code]),
                )
                for code in SCALE_LABELS
            ],
            note=p.note,
        )
        for p in panels
    ]
    chart = paired_bar_chart_svg(
        groups,
        title=f"First and latest answers: {question.prompt}",
        chart_id="chart-" + re.sub(r"[^a-z0-9-]", "-", question.key.lower()),
    )
    return QuestionView(
        question=question,
        area=AREAS.get(question.area, question.area),
        panels=panels,
        chart=chart,
        hub_withheld=hub_withheld,
        own_missing=own is not None and question.service(own.id) is None,
    )


@dataclass(frozen=True)
class OutcomesPage:
    """Everything the page shows for one viewer."""

    scope: Scope
    view: str
    outcomes: HubOutcomes | None
    questions: list[QuestionView]


def outcomes_page(
    session: Session,
    scope: Scope,
    filters: OutcomeFilters,
    view: str,
    k: int,
    cache: TallyCache | None = None,
) -> OutcomesPage:
    """The page's figures: the Hub's outcome questions as this viewer may see them."""
    if scope.hub is None:
        return OutcomesPage(scope, view, None, [])
    outcomes = hub_outcomes(
        session,
        scope.hub.id,
        filters,
        k=k,
        viewer_service_id=scope.own.id if scope.own else None,
        cache=cache,
    )
    questions = [question_view(q, scope.hub, scope.own, view, k) for q in outcomes.questions]
    return OutcomesPage(scope, view, outcomes, questions)
