"""Change over time in outcome questions: linked pairs, cross-sections and disclosure control."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from participation.models import Activity, Answer, Question, Submission
from participation.outcomes import bank
from participation.outcomes.bank import KEY_PREFIX
from participation.outcomes.change import OutcomeFilters, hub_outcomes
from participation.outcomes.tally import groups_of, period_clauses

SAFE = "outcome:feel-safe"
HELP = "outcome:know-where-to-get-help"
# Stored as naive UTC, as submission hours are.
MARCH = datetime(2026, 3, 10, 15)  # noqa: DTZ001
MAY = datetime(2026, 5, 12, 15)  # noqa: DTZ001


@pytest.fixture
def hub(make, db_session):
    hub = make.service("Northgate Hub", kind="hub")
    bank.ensure_standard(db_session, hub.id)
    return hub


def outcome_activity(make, db_session, service, type_name="Group work"):
    """An activity asking the first two standard outcome questions."""
    items = {item.key: item for item in bank.bank_for(db_session, service.parent_id or service.id)}
    questions = [bank.question_fields(items[SAFE]), bank.question_fields(items[HELP])]
    return make.activity(service, questions=questions, type_name=type_name)


def answer(make, activity, safe, help_=None, *, link=None, when=MARCH):
    values = {0: [{"choice": safe}]}
    if help_ is not None:
        values[1] = [{"choice": help_}]
    return make.submission(activity, values, link_hash=link, submitted_hour=when)


def linked_pairs(make, db_session, service, moves):
    """Young people with a code who answered feeling safe in March and May: (first, latest)."""
    first, later = (outcome_activity(make, db_session, service) for _ in range(2))
    for number, (before, after) in enumerate(moves):
        link = f"{service.id}-{first.id}-{number}"
        answer(make, first, before, link=link, when=MARCH)
        answer(make, later, after, link=link, when=MAY)
    return first, later


def change_of(result, key):
    return next(q for q in result.questions if q.key == key)


def test_a_linked_young_person_counts_once_from_first_to_latest_answer(make, db_session, hub):
    spoke = make.service("Riverside Spoke", hub=hub)
    # Thirteen young people: seven feel safer in May, five the same, one less safe.
    first, _ = linked_pairs(make, db_session, spoke, [(2, 4)] * 7 + [(3, 3)] * 5 + [(4, 2)])
    answer(make, first, 1, when=MARCH)  # not linked: the cross-section only

    result = hub_outcomes(db_session, hub.id)
    safe = change_of(result, SAFE)
    spoke_change = safe.service(spoke.id).change
    assert spoke_change.pairs.count == 13
    assert spoke_change.first.cells[2].count == 7
    assert spoke_change.latest.cells[4].count == 7
    moved = spoke_change.moved.cells
    assert moved["up"].count == 7
    # One young person moved down: fewer than k, so hidden with another to protect it.
    assert moved["down"].display == "fewer than 5"
    assert moved["same"].suppressed and moved["same"].display == "hidden"
    assert safe.hub.answers.total.count == 27
    assert safe.hub.change.pairs.count == 13
    assert result.linked_people.count == 13


def test_a_spoke_with_three_linked_young_people_shows_fewer_than_five(make, db_session, hub):
    big, small = make.service("Riverside Spoke", hub=hub), make.service("Hillside Spoke", hub=hub)
    for service, people in ((big, 12), (small, 3)):
        linked_pairs(make, db_session, service, [(2, 4)] * people)

    safe = change_of(hub_outcomes(db_session, hub.id), SAFE)
    hillside = safe.service(small.id).change
    assert not hillside.shown
    assert hillside.pairs.display == "fewer than 5"
    assert all(cell.suppressed for cell in hillside.first.cells.values())
    # The Hub's 15 minus Riverside's would give Hillside's 3: Riverside is hidden too.
    riverside = safe.service(big.id).change
    assert not riverside.shown and riverside.pairs.secondary
    assert safe.hub.change.pairs.count == 15


def test_a_spoke_sees_the_hub_figure_only_when_the_rest_of_the_hub_is_not_small(
    make, db_session, hub
):
    own, other = make.service("Riverside Spoke", hub=hub), make.service("Hillside Spoke", hub=hub)
    for service, people in ((own, 10), (other, 2)):
        linked_pairs(make, db_session, service, [(3, 5)] * people)

    as_hub = change_of(hub_outcomes(db_session, hub.id), SAFE)
    assert as_hub.hub.change.pairs.count == 12
    as_spoke = change_of(hub_outcomes(db_session, hub.id, viewer_service_id=own.id), SAFE)
    assert not as_spoke.hub.change.shown
    assert as_spoke.hub.answers.total.suppressed


def test_answers_in_different_activity_types_are_compared_within_each_type(make, db_session, hub):
    spoke = make.service("Riverside Spoke", hub=hub)
    group = [outcome_activity(make, db_session, spoke) for _ in range(2)]
    one_to_one = [outcome_activity(make, db_session, spoke, "One-to-one work") for _ in range(2)]
    for number in range(6):
        answer(make, group[0], 1, link=f"p{number}", when=MARCH)
        answer(make, group[1], 3, link=f"p{number}", when=MAY)
        answer(make, one_to_one[0], 5, link=f"p{number}", when=MARCH)
        answer(make, one_to_one[1], 5, link=f"p{number}", when=MAY)

    safe = change_of(hub_outcomes(db_session, hub.id), SAFE)
    by_type = {g.label: g.change for g in safe.types}
    assert by_type["Group work"].moved.cells["up"].count == 6
    assert by_type["One-to-one work"].moved.cells["same"].count == 6
    # Hub-wide, each young person's first answer is March's group work, latest May's.
    hub_moved = safe.hub.change.moved.cells
    assert hub_moved["same"].count == 0 and hub_moved["up"].count == 6


def test_the_period_limits_which_answers_count(make, db_session, hub):
    linked_pairs(make, db_session, make.service("Riverside Spoke", hub=hub), [(2, 4)] * 6)

    spring = hub_outcomes(db_session, hub.id, OutcomeFilters(date(2026, 3, 1), date(2026, 3, 31)))
    safe = change_of(spring, SAFE)
    assert safe.hub.change.pairs.count == 0
    assert safe.hub.answers.total.count == 6


def test_another_hubs_answers_never_count(make, db_session, hub):
    other_hub = make.service("Southport Hub", kind="hub")
    bank.ensure_standard(db_session, other_hub.id)
    linked_pairs(make, db_session, other_hub, [(2, 4)] * 6)

    safe = change_of(hub_outcomes(db_session, hub.id), SAFE)
    assert safe.hub.answers.total.count == 0
    assert safe.hub.change.pairs.count == 0


def test_the_hub_figure_never_gives_away_a_spokes_hidden_cell(make, db_session, hub):
    ashby, brook = make.service("Ashby Spoke", hub=hub), make.service("Brook Spoke", hub=hub)
    for service, moves in (
        (ashby, [(2, 4)] * 7 + [(3, 3)] * 5),
        # Three of Brook's six felt "a little" safe at first: hidden in Brook's own table.
        (brook, [(2, 4)] * 3 + [(4, 4)] * 3),
    ):
        linked_pairs(make, db_session, service, moves)

    safe = change_of(hub_outcomes(db_session, hub.id), SAFE)
    assert safe.service(ashby.id).change.first.cells[2].count == 7
    assert safe.service(brook.id).change.first.cells[2].display == "fewer than 5"
    # The Hub's 10 less Ashby's 7 would give Brook's 3.
    hub_first = safe.hub.change.first
    assert hub_first.cells[2].suppressed
    assert hub_first.total.count == 18
    shown = {code: cell.count for code, cell in hub_first.cells.items() if not cell.suppressed}
    assert all(count == 0 or count >= 5 for count in shown.values())


def test_a_spokes_view_hides_hub_cells_that_leave_a_few_elsewhere(make, db_session, hub):
    own, other = make.service("Riverside Spoke", hub=hub), make.service("Hillside Spoke", hub=hub)
    for service, moves in ((own, [(2, 4)] * 8), (other, [(2, 5)] * 3 + [(3, 5)] * 6)):
        linked_pairs(make, db_session, service, moves)

    as_spoke = change_of(hub_outcomes(db_session, hub.id, viewer_service_id=own.id), SAFE)
    # Hub "a little true" first is 11: less Riverside's 8 leaves Hillside's 3.
    assert as_spoke.hub.change.shown
    assert as_spoke.hub.change.first.cells[2].suppressed
    # Hub "completely true" latest is 9, all Hillside's: enough to show.
    assert as_spoke.hub.change.latest.cells[5].count == 9


def test_a_spokes_own_staff_see_their_figure_when_another_spoke_is_small(make, db_session, hub):
    own, other = make.service("Riverside Spoke", hub=hub), make.service("Hillside Spoke", hub=hub)
    for service, people in ((own, 12), (other, 3)):
        linked_pairs(make, db_session, service, [(2, 4)] * people)

    # To the Hub, Riverside's 12 would give Hillside's 3 away (15 - 12): it is hidden.
    as_hub = change_of(hub_outcomes(db_session, hub.id), SAFE)
    assert as_hub.service(own.id).change.pairs.secondary
    # Riverside's own staff see their 12; the Hub figure is the one hidden from them.
    as_spoke = change_of(hub_outcomes(db_session, hub.id, viewer_service_id=own.id), SAFE)
    assert as_spoke.service(own.id).change.pairs.count == 12
    assert as_spoke.service(own.id).change.latest.cells[4].count == 12
    assert not as_spoke.hub.change.shown


def test_no_hub_cell_differs_from_a_spokes_own_by_fewer_than_k(make, db_session, hub):
    own, other = make.service("Riverside Spoke", hub=hub), make.service("Hillside Spoke", hub=hub)
    moves = {own: [(2, 4)] * 7 + [(3, 3)] * 5, other: [(2, 4)] * 3 + [(1, 1)] * 5}
    for service, people in moves.items():
        linked_pairs(make, db_session, service, people)

    as_hub = change_of(hub_outcomes(db_session, hub.id), SAFE)
    # Beside the Spokes too: 10 less Riverside's shown 7 gives Hillside's hidden 3.
    assert as_hub.service(other.id).change.first.cells[2].display == "fewer than 5"
    assert as_hub.hub.change.first.cells[2].suppressed
    as_spoke = change_of(hub_outcomes(db_session, hub.id, viewer_service_id=own.id), SAFE)
    assert as_spoke.hub.change.pairs.count == 20
    first = as_spoke.hub.change.first.cells
    # 10 - 7 would say three others first answered "a little true": hidden, with another.
    assert first[2].display == "hidden" and first[1].display == "hidden"
    assert first[3].count == 5
    # Every answer given: the same for the cross-section (10 at code 2, 7 of them Riverside's).
    answers = as_spoke.hub.answers.cells
    assert answers[2].display == "hidden" and answers[4].display == "hidden"
    assert answers[1].count == 10 and answers[3].count == 10
    assert as_spoke.hub.change.moved.cells["up"].display == "hidden"


def test_the_one_pass_count_agrees_with_the_rule_stated_plainly(make, db_session, hub):
    """tally_outcomes (what the pages use) against the rule written out plainly below."""
    import random
    from datetime import timedelta

    from participation.outcomes.tally import tally_outcomes

    rng = random.Random(19)
    spokes = [make.service(f"Spoke {n}", hub=hub) for n in range(3)]
    activities = [
        outcome_activity(make, db_session, service, type_name)
        for service in (hub, *spokes)
        for type_name in ("Group work", "One-to-one work")
    ]
    for _ in range(150):
        activity = rng.choice(activities)
        link = rng.choice([None, *(f"person-{n}" for n in range(25))])
        # Few distinct hours, so the submission id often decides which answer came first.
        when = MARCH + timedelta(hours=rng.randrange(6))
        answer(make, activity, rng.randint(1, 5), rng.choice([None, 1, 3, 5]), link=link, when=when)

    ids = [hub.id, *(s.id for s in spokes)]
    for filters in (OutcomeFilters(), OutcomeFilters(date(2026, 3, 10), date(2026, 3, 10))):
        tally = tally_outcomes(db_session, ids, filters)
        measures = linked_measures(db_session, ids, filters)
        expected = {key: counts for key, counts in pairs_by_group(measures).items() if counts}
        assert {key: counts for key, counts in tally.pairs.items() if counts} == expected
        assert tally.answers == answer_counts(db_session, ids, filters)
        assert tally.linked_people == len({m.link for m in measures})
        assert tally.linked_by_service == Counter(
            service_id for _, service_id in {(m.link, m.service_id) for m in measures}
        )
    assert expected  # the data made some pairs to compare


def test_young_people_in_no_one_type_cannot_be_worked_out_by_subtracting(make, db_session, hub):
    spoke = make.service("Riverside Spoke", hub=hub)
    group = [outcome_activity(make, db_session, spoke) for _ in range(2)]
    one_to_one = [outcome_activity(make, db_session, spoke, "One-to-one work") for _ in range(2)]
    for number in range(12):
        answer(make, group[0], 2, link=f"g{number}", when=MARCH)
        answer(make, group[1], 4, link=f"g{number}", when=MAY)
    for number in range(6):
        answer(make, one_to_one[0], 3, link=f"o{number}", when=MARCH)
        answer(make, one_to_one[1], 3, link=f"o{number}", when=MAY)
    # Two young people answered first in group work, then one-to-one: a pair of the Hub and
    # of the Spoke, but of neither type.
    for number in range(2):
        answer(make, group[0], 1, link=f"both{number}", when=MARCH)
        answer(make, one_to_one[1], 5, link=f"both{number}", when=MAY)

    safe = change_of(hub_outcomes(db_session, hub.id), SAFE)
    assert safe.hub.change.pairs.count == 20
    by_type = {g.label: g.change for g in safe.types}
    assert by_type["Group work"].pairs.count == 12
    # 20 - 12 - 6 would give the two away: one-to-one work is hidden.
    assert by_type["One-to-one work"].pairs.display == "hidden"
    # The Hub's 14 who moved up, less group work's 12, would say both moved up.
    assert safe.hub.change.moved.cells["up"].suppressed
    # Their Spoke's staff see the Spoke beside its types: the same protection.
    as_spoke = change_of(hub_outcomes(db_session, hub.id, viewer_service_id=spoke.id), SAFE)
    spoke_types = {g.label: g.change for g in as_spoke.service_types[spoke.id]}
    assert spoke_types["One-to-one work"].pairs.display == "hidden"
    assert as_spoke.service(spoke.id).change.moved.cells["up"].suppressed


# --- the rule written out plainly: one joined query and a dictionary per young person -------


@dataclass(frozen=True)
class Measure:
    """One linked answer to an outcome question, in the order it was given."""

    link: str
    service_id: int
    type_id: int
    key: str
    choice: int


def _outcome_answers(service_ids, filters):
    return [
        Activity.service_id.in_(service_ids),
        Question.key.startswith(KEY_PREFIX, autoescape=True),
        Answer.choice.is_not(None),
        *period_clauses(filters),
    ]


def _answer_rows(*columns):
    return (
        select(*columns)
        .select_from(Answer)
        .join(Submission, Submission.id == Answer.submission_id)
        .join(Question, Question.id == Answer.question_id)
        .join(Activity, Activity.id == Submission.activity_id)
    )


def linked_measures(session, service_ids, filters):
    """Every linked outcome answer in these services and the period, oldest first."""
    query = (
        _answer_rows(
            Submission.link_hash,
            Activity.service_id,
            Activity.participation_type_id,
            Question.key,
            Answer.choice,
        )
        .where(Submission.link_hash.is_not(None), *_outcome_answers(service_ids, filters))
        .order_by(Submission.submitted_hour, Submission.id)
    )
    return [Measure(*row) for row in session.execute(query)]


def pairs_by_group(measures):
    """For each (group, question key): how many young people went from first to latest answer."""
    first, latest, times = {}, {}, Counter()
    for measure in measures:
        for group in groups_of(measure.service_id, measure.type_id):
            person = (group, measure.key, measure.link)
            first.setdefault(person, measure.choice)
            latest[person] = measure.choice
            times[person] += 1
    pairs = defaultdict(Counter)
    for person, count in times.items():
        if count >= 2:
            group, key, _ = person
            pairs[(group, key)][(first[person], latest[person])] += 1
    return pairs


def answer_counts(session, service_ids, filters):
    """Every outcome answer (linked or not) per group, question key and scale code."""
    query = (
        _answer_rows(
            Activity.service_id,
            Activity.participation_type_id,
            Question.key,
            Answer.choice,
            func.count(),
        )
        .where(*_outcome_answers(service_ids, filters))
        .group_by(Activity.service_id, Activity.participation_type_id, Question.key, Answer.choice)
    )
    counts = defaultdict(Counter)
    for service_id, type_id, key, choice, count in session.execute(query):
        for group in groups_of(service_id, type_id):
            counts[(group, key)][choice] += count
    return counts
