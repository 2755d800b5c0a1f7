"""Counting a Hub's outcome answers in one pass: first-to-latest pairs and every answer.

Two plain reads (the submissions in the period, oldest first, and the outcome answers) are
joined in memory: one B-tree lookup per answer into submissions costs more than reading both
tables once. Each young person's first and latest answer is kept per question in the
smallest group (a service's participation type), then rolled up to the service, the type and
the Hub, so the work per answer is one dictionary update.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import monotonic
from typing import TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from participation.models import Activity, Answer, Question, Submission
from participation.outcomes.bank import KEY_PREFIX

Value = TypeVar("Value", int, str)

# A group of young people: ("hub",), ("service", id), ("type", id), ("service_type", id, id).
Group = tuple[object, ...]
HUB_GROUP: Group = ("hub",)
Pairs = dict[tuple[Group, str], Counter[tuple[int, int]]]
Answers = dict[tuple[Group, str], Counter[int]]


@dataclass(frozen=True)
class OutcomeFilters:
    """Which measures count: by submission hour, inclusive UK dates; None is open-ended."""

    date_from: date | None = None
    date_to: date | None = None


def groups_of(service_id: int, type_id: int) -> tuple[Group, ...]:
    """Every group an answer given in this service and participation type counts in."""
    return (
        HUB_GROUP,
        ("service", service_id),
        ("type", type_id),
        ("service_type", service_id, type_id),
    )


def period_clauses(filters: OutcomeFilters) -> list[ColumnElement[bool]]:
    """WHERE clauses keeping submissions sent within the period (by their hour)."""
    where: list[ColumnElement[bool]] = []
    if filters.date_from:
        where.append(Submission.submitted_hour >= datetime.combine(filters.date_from, time()))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time())
        where.append(Submission.submitted_hour < end)
    return where


@dataclass
class Tally:
    """The raw counts of one Hub's outcome answers (never shown as they are)."""

    pairs: Pairs = field(default_factory=lambda: defaultdict(Counter))
    answers: Answers = field(default_factory=lambda: defaultdict(Counter))
    linked_people: int = 0
    # Young people with a linked answer in each service (one counted once per service).
    linked_by_service: Counter[int] = field(default_factory=Counter)


# A measure is packed into one int, position * SHIFT + choice, so that min() of a young
# person's measures is their first answer and max() their latest. Ints only: a hundred
# thousand small lists or tuples would keep the garbage collector busy for longer than
# the counting takes.
SHIFT = 1 << 16


@dataclass
class Spans:
    """Each young person's first and latest measure, and how many, per question asked."""

    first: dict[int, int] = field(default_factory=dict)
    latest: dict[int, int] = field(default_factory=dict)
    count: dict[int, int] = field(default_factory=dict)

    def add(self, person: int, measure: int) -> None:
        """Note one measure (position * SHIFT + choice) of one young person."""
        first = self.first.get(person)
        if first is None:
            self.first[person] = self.latest[person] = measure
            self.count[person] = 1
            return
        if measure < first:
            self.first[person] = measure
        if measure > self.latest[person]:
            self.latest[person] = measure
        self.count[person] += 1

    def pair(self, person: int) -> tuple[int, int] | None:
        """The first and latest choice of a young person with two or more measures."""
        if self.count[person] < 2:
            return None
        return self.first[person] % SHIFT, self.latest[person] % SHIFT


def _person_pairs(key: str, cells: list[tuple[int, int, int]], spans: Spans, pairs: Pairs) -> None:
    """One young person's pairs for one question they answered in several activities."""
    levels: dict[Group, list[int]] = {}
    for service_id, type_id, person in cells:
        first, latest, count = spans.first[person], spans.latest[person], spans.count[person]
        for group in groups_of(service_id, type_id):
            have = levels.setdefault(group, [first, latest, 0])
            have[0], have[1], have[2] = min(have[0], first), max(have[1], latest), have[2] + count
    for group, (first, latest, count) in levels.items():
        if count >= 2:
            pairs[(group, key)][(first % SHIFT, latest % SHIFT)] += 1


def _numbered(values: list[Value]) -> tuple[list[Value], list[int]]:
    """The distinct values in the order first seen, and the number of each value among them."""
    numbers: dict[Value, int] = {}
    of_each = [numbers.setdefault(value, len(numbers)) for value in values]
    return list(numbers), of_each


def roll_up(spans: Spans, asked: list[tuple[int, int, str]], tally: Tally) -> None:
    """Pairs per group from each young person's measures per question asked.

    A young person is `link * len(asked) + index` of the question asked. Most answer a
    question in one activity: their one pair counts the same in all four groups, so those
    are counted together and spread to the groups at the end. Only the few who answered the
    same question in several activities are rolled up one by one.
    """
    width = len(asked)
    key_names, key_of_index = _numbered([key for _, _, key in asked])
    keys = max(len(key_names), 1)
    service_ids, service_of_index = _numbered([service_id for service_id, _, _ in asked])
    services = max(len(service_ids), 1)
    # One slot per young person and question key: the first measure-set seen, and every
    # one where there are several.
    alone: dict[int, int] = {}
    several: dict[int, list[int]] = {}
    in_service: set[int] = set()  # link * services + the service's number
    for person in spans.count:
        link, index = divmod(person, width)
        slot = link * keys + key_of_index[index]
        in_service.add(link * services + service_of_index[index])
        other = alone.setdefault(slot, person)
        if other != person:
            several.setdefault(slot, [other]).append(person)
    alike: Counter[tuple[int, int, str, int, int]] = Counter()
    first, latest, times = spans.first, spans.latest, spans.count
    for slot, person in alone.items():
        if slot in several or times[person] < 2:  # Spans.pair, inlined
            continue
        service_id, type_id, key = asked[person % width]
        alike[(service_id, type_id, key, first[person] % SHIFT, latest[person] % SHIFT)] += 1
    for people in several.values():
        cells = [(*asked[person % width][:2], person) for person in people]
        _person_pairs(asked[people[0] % width][2], cells, spans, tally.pairs)
    for (service_id, type_id, key, before, after), count in alike.items():
        for group in groups_of(service_id, type_id):
            tally.pairs[(group, key)][(before, after)] += count
    tally.linked_people = len({slot // keys for slot in alone})
    tally.linked_by_service = Counter(service_ids[slot % services] for slot in in_service)


def tally_rows(
    questions: dict[int, tuple[int, int, str]],
    submissions: Iterable[tuple[int, str | None]],
    answers: Iterable[tuple[int, int, int]],
    given: Counter[tuple[int, int]] | None = None,
) -> Tally:
    """Count answers (question id, submission id, choice) to submissions given oldest first.

    `questions` maps an outcome question's id to (service id, type id, key) of its activity;
    answers to other submissions (outside the period) are left out. `given`, the answers
    per (question id, choice) when already counted, spares counting them here.
    """
    links: dict[str, int] = {}
    position: dict[int, int] = {}  # linked submission id: its place, oldest first
    linked: dict[int, int] = {}  # linked submission id: the young person's number
    period: set[int] = set()
    for number, (submission_id, link) in enumerate(submissions):
        period.add(submission_id)
        if link is not None:
            position[submission_id] = number
            linked[submission_id] = links.setdefault(link, len(links))
    index = {question_id: number for number, question_id in enumerate(questions)}
    width = len(index)
    count_given = given is None
    given = Counter() if given is None else given
    spans = Spans()
    first, latest, times = spans.first, spans.latest, spans.count  # Spans.add, inlined
    for question_id, submission_id, choice in answers:
        if submission_id not in period or not 0 <= choice < SHIFT:
            continue
        if count_given:
            given[(question_id, choice)] += 1
        young_person = linked.get(submission_id)
        if young_person is None:
            continue
        person = young_person * width + index[question_id]
        measure = position[submission_id] * SHIFT + choice
        seen = first.get(person)
        if seen is None:
            first[person] = latest[person] = measure
            times[person] = 1
            continue
        if measure < seen:
            first[person] = measure
        if measure > latest[person]:
            latest[person] = measure
        times[person] += 1
    tally = Tally()
    for (question_id, choice), count in given.items():
        service_id, type_id, key = questions[question_id]
        for group in groups_of(service_id, type_id):
            tally.answers[(group, key)][choice] += count
    roll_up(spans, list(questions.values()), tally)
    return tally


def outcome_questions(
    session: Session, service_ids: Sequence[int]
) -> tuple[dict[int, tuple[int, int, str]], set[int]]:
    """Each outcome question asked in these services: (service, type, key); and the activities."""
    questions: dict[int, tuple[int, int, str]] = {}
    activity_ids: set[int] = set()
    for question_id, activity_id, service_id, type_id, key in session.execute(
        select(
            Question.id,
            Activity.id,
            Activity.service_id,
            Activity.participation_type_id,
            Question.key,
        )
        .join(Activity, Activity.id == Question.activity_id)
        .where(
            Activity.service_id.in_(service_ids),
            Question.key.startswith(KEY_PREFIX, autoescape=True),
        )
    ):
        questions[question_id] = (service_id, type_id, key)
        activity_ids.add(activity_id)
    return questions, activity_ids


def _read_and_count(
    db: Connection,
    questions: dict[int, tuple[int, int, str]],
    activity_ids: set[int],
    filters: OutcomeFilters,
) -> Tally:
    asked = Answer.question_id.in_(sorted(questions))
    given = None
    which = [Submission.activity_id.in_(sorted(activity_ids)), *period_clauses(filters)]
    if not (filters.date_from or filters.date_to):
        # Only the linked submissions need reading: the others count only in `given`.
        which.append(Submission.link_hash.is_not(None))
        # Every answer counts: the index on (question, choice) counts them without a join.
        given = Counter(
            {
                (question_id, choice): count
                for question_id, choice, count in db.execute(
                    select(Answer.question_id, Answer.choice, func.count())
                    .where(asked, Answer.choice.is_not(None))
                    .group_by(Answer.question_id, Answer.choice)
                )
            }
        )
    # The driver's own rows (plain tuples of ints and strings): making a Row of each of a
    # hundred thousand costs more than counting them.
    submissions = db.execute(
        select(Submission.id, Submission.link_hash)
        .where(*which)
        .order_by(Submission.submitted_hour, Submission.id)
    ).cursor.fetchall()
    answers = db.execute(
        select(Answer.question_id, Answer.submission_id, Answer.choice).where(
            asked, Answer.choice.is_not(None)
        )
    ).cursor.fetchall()
    return tally_rows(questions, submissions, answers, given)  # type: ignore[arg-type]


def fingerprint(
    db: Connection,
    questions: dict[int, tuple[int, int, str]],
    activity_ids: set[int],
    filters: OutcomeFilters,
) -> tuple[object, ...]:
    """What a tally depends on, read from two indexes: it changes whenever the tally would.

    A new submission raises the largest id; a withdrawn or purged one lowers the count;
    an activity moved to another service or type changes `questions`. The answers' count
    and sum of choices catch the one case ids alone can miss (SQLite giving a new
    submission the id of the newest one, just withdrawn). The count of linked submissions
    everywhere (from the link hash's own index) catches a young person unlinking their
    older answers with their code.
    """
    linked = db.execute(select(func.count(Submission.link_hash))).scalar()
    submissions = db.execute(
        select(func.count(), func.max(Submission.id), func.sum(Submission.id)).where(
            Submission.activity_id.in_(sorted(activity_ids)), *period_clauses(filters)
        )
    ).one()
    answers = db.execute(
        select(func.count(), func.sum(Answer.choice)).where(
            Answer.question_id.in_(sorted(questions))
        )
    ).one()
    return (
        tuple(sorted(questions.items())),
        filters,
        tuple(submissions),
        tuple(answers),
        linked,
    )


@dataclass
class TallyCache:
    """The last few tallies of this process, reused while their fingerprint is unchanged.

    Counts only (no linking codes). Entries are also dropped after `seconds`, so no
    coincidence of fingerprints can keep a figure out of date for long.
    """

    size: int = 16
    seconds: float = 120.0
    _items: OrderedDict[tuple[object, ...], tuple[float, Tally]] = field(
        default_factory=OrderedDict
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: tuple[object, ...]) -> Tally | None:
        """The tally stored under `key`, if it is fresh."""
        with self._lock:
            found = self._items.get(key)
            if found is None or monotonic() - found[0] > self.seconds:
                self._items.pop(key, None)
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key: tuple[object, ...], tally: Tally) -> None:
        """Keep `tally` under `key`, forgetting the oldest beyond `size`."""
        with self._lock:
            self._items[key] = (monotonic(), tally)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def tally_outcomes(
    session: Session,
    service_ids: Sequence[int],
    filters: OutcomeFilters,
    cache: TallyCache | None = None,
) -> Tally:
    """Every outcome answer in these services and the period, counted per group and question.

    With a `cache`, a tally is counted again only when its fingerprint changed. The tally
    returned is shared: read it, don't change it.
    """
    questions, activity_ids = outcome_questions(session, service_ids)
    if not questions:
        return Tally()
    db = session.connection()
    if cache is None:
        return _read_and_count(db, questions, activity_ids, filters)
    key = fingerprint(db, questions, activity_ids, filters)
    tally = cache.get(key)
    if tally is None:
        tally = _read_and_count(db, questions, activity_ids, filters)
        cache.put(key, tally)
    return tally
