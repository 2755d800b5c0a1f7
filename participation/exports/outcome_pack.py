"""The outcomes research pack's rows: a Hub's outcome answers across activities, linked safely.

One row per submission to an activity (of the chosen Hub and its Spokes, or of one service)
that asks at least one outcome question, within whole months. Rows come only from what
the single-activity pack would share: the activity's newest research release, as consent
allows now (`release_selection`). Columns are few on purpose: an activity number local to
the pack, service, participation type, month and language (the quasi-identifiers,
k-anonymised together), then one column per outcome question. No free text, no reach
answers.

The link column is made with a key drawn afresh for every download and never stored, so
two packs, even of the same rows, share no link value. Links are checked across all the
pack's rows at once (`k_anonymise_links`): a young person's rows in several activities
together are the profile that must be shared by at least k linked young people.
"""

from __future__ import annotations

import re
import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from participation.clock import utcnow
from participation.exports.columns import LINK, MONTH, PASSED, SERVICE, SUPPRESSED, Column
from participation.exports.consent import research_shareable
from participation.exports.links import UNLINKED, link_token
from participation.exports.releases import get_release, release_selection
from participation.exports.shuffle import new_seed, shuffle_value
from participation.models import (
    Activity,
    Answer,
    OutcomeQuestion,
    Question,
    ResearchRelease,
    Service,
    Submission,
)
from participation.outcomes import hub_id_of
from participation.outcomes.bank import AREAS, KEY_PREFIX, SCALE, SCALE_CODES
from participation.privacy.kanonymity import (
    KAnonResult,
    LinkResult,
    generalise_month,
    k_anonymise_keys,
    k_anonymise_links,
)

DEFAULT_K = 5
LINK_KEY_BYTES = 32
ACTIVITY, TYPE, LANGUAGE_ROLE, OUTCOME = "activity", "type", "language", "outcome"
QUASI_NAMES = ("activity", "service", "participation_type", "month", "language")
LINK_DESCRIPTION = (
    "Links the rows of one young person within this pack only: rows with the same value were "
    "sent, in any of the activities, by someone who gave the same linking code. The values "
    "are random, made afresh with a new key each time a pack is made and never stored, so "
    "they mean nothing outside this pack and cannot be matched with another pack or release. "
    "Blank when the young person gave no code, or when linking their rows would narrow them "
    "to fewer than k young people."
)


@dataclass(frozen=True)
class Period:
    """Whole months, first to last inclusive (each as the first day of its month)."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        """The first hour included (UTC, as submission hours are stored)."""
        return datetime.combine(self.first.replace(day=1), time())

    @property
    def end(self) -> datetime:
        """The first hour after the period."""
        year, month = divmod(self.last.year * 12 + self.last.month, 12)
        return datetime.combine(date(year, month + 1, 1), time())

    @property
    def label(self) -> str:
        """The period in words, e.g. "March 2026 to June 2026"."""
        return f"{self.first:%B %Y} to {self.last:%B %Y}"


@dataclass(frozen=True)
class NumberedActivity:
    """An activity in the pack, under its number local to the pack."""

    number: int
    activity: Activity
    release_number: int


@dataclass
class OutcomePack:
    """Everything the files of an outcomes pack are made from."""

    scope: Service
    services: list[Service]
    period: Period
    k: int
    columns: list[Column]
    rows: list[list[object]]
    activities: list[NumberedActivity]
    included: int  # submissions that could be shared before disclosure control
    suppression: KAnonResult
    linking: LinkResult
    not_shared: int  # outcome activities whose research sharing is off
    unreleased: int  # outcome activities with sharing on but nothing released yet
    exported_at: datetime = field(default_factory=utcnow)


@dataclass
class _Record:
    submission_id: int
    activity_id: int
    hour: datetime
    language: str
    link_hash: str | None
    answers: dict[int, int] = field(default_factory=dict)  # question id -> code


def scope_services(session: Session, scope: Service) -> list[Service]:
    """The services a pack for `scope` covers: a Hub with its Spokes, or one service alone."""
    services = [scope]
    if scope.kind == "hub":
        query = select(Service).where(Service.parent_id == scope.id).order_by(Service.name)
        services += list(session.scalars(query))
    return services


def outcome_activities(session: Session, service_ids: Sequence[int]) -> list[Activity]:
    """The activities of these services that ask at least one outcome question, oldest first."""
    asking = select(Question.activity_id).where(
        Question.key.startswith(KEY_PREFIX, autoescape=True)
    )
    query = (
        select(Activity)
        .where(Activity.service_id.in_(service_ids), Activity.id.in_(asking))
        .options(selectinload(Activity.service), selectinload(Activity.participation_type))
        .order_by(Activity.id)
    )
    return list(session.scalars(query))


def _outcome_questions(activity: Activity) -> dict[int, str]:
    return {q.id: q.key for q in activity.questions if q.key.startswith(KEY_PREFIX)}


def _read(
    session: Session, activity: Activity, release: ResearchRelease, period: Period
) -> list[_Record]:
    """The shareable submissions of `activity`'s newest release within the period."""
    clauses = (
        *release_selection(activity, release).clauses,
        Submission.submitted_hour >= period.start,
        Submission.submitted_hour < period.end,
    )
    query = select(
        Submission.id, Submission.submitted_hour, Submission.language, Submission.link_hash
    )
    records = {
        sid: _Record(sid, activity.id, when, language, link)
        for sid, when, language, link in session.execute(query.where(*clauses))
    }
    if not records:
        return []
    # The activity's own questions within the rows' id range, matched to the rows here: a join
    # repeating the clauses makes SQLite scan a range of answers per row.
    answers = select(Answer.submission_id, Answer.question_id, Answer.choice).where(
        Answer.question_id.in_(list(_outcome_questions(activity))),
        Answer.submission_id.between(min(records), max(records)),
    )
    for sid, question_id, choice in session.execute(answers):
        # Bank questions offer only the scale's codes; anything else is read as not answered.
        if sid in records and choice in SCALE_CODES:
            records[sid].answers[question_id] = choice
    return list(records.values())


def column_name(key: str) -> str:
    """The column of an outcome question key, e.g. "outcome:feel-safe" -> "outcome_feel_safe"."""
    return "outcome_" + (re.sub(r"[^a-z0-9]+", "_", key[len(KEY_PREFIX) :].lower()).strip("_"))


def _outcome_columns(
    session: Session, hub_id: int, activities: list[Activity]
) -> dict[str, Column]:
    """Each outcome question key asked in `activities`, in bank order, with its column."""
    asked: dict[str, str] = {}
    for activity in activities:
        for question in activity.questions:
            if question.key.startswith(KEY_PREFIX):
                asked.setdefault(question.key, question.prompt.strip())
    bank = {
        item.key: item
        for item in session.scalars(
            select(OutcomeQuestion).where(
                OutcomeQuestion.hub_id == hub_id, OutcomeQuestion.key.in_(asked)
            )
        )
    }
    order = sorted(asked, key=lambda key: (bank[key].position, key) if key in bank else (1e9, key))
    scale = {code: label for code, label, _ in SCALE}
    columns: dict[str, Column] = {}
    names: set[str] = set()
    for key in order:
        item = bank.get(key)
        area = f" Area: {AREAS.get(item.area, item.area)}." if item else ""
        name = column_name(key)
        while name in names:  # keys differing only in punctuation
            name += "_"
        names.add(name)
        columns[key] = Column(
            name,
            item.prompt if item else asked[key],
            "integer",
            OUTCOME,
            f"Outcome question {key}, asked in the same words in every activity.{area} "
            "Scale: 1 (not true at all) to 5 (completely true); higher is better.",
            dict(scale),
        )
    return columns


def pack_columns(outcomes: Sequence[Column]) -> list[Column]:
    """The columns of outcomes.csv: row, link, the quasi-identifiers, then the outcomes."""
    return [
        Column("row", "Row number", "integer", "row", "Random within this pack; not an id."),
        Column("link", "Same young person (this pack only)", "string", LINK, LINK_DESCRIPTION),
        Column(
            "activity",
            "Activity",
            "integer",
            ACTIVITY,
            "The activity, numbered within this pack only (README.txt lists them); not an id. "
            "May be suppressed.",
            quasi=True,
        ),
        Column(
            "service",
            "Service",
            "string",
            SERVICE,
            "The service that ran the activity. May be suppressed.",
            quasi=True,
        ),
        Column(
            "participation_type",
            "Participation type",
            "string",
            TYPE,
            "The kind of participation work the activity was. May be suppressed.",
            quasi=True,
        ),
        Column(
            "month",
            "Month answered",
            "yearmonth",
            MONTH,
            "When the answers were sent, to the month only. May be suppressed.",
            quasi=True,
        ),
        Column(
            "language",
            "Language answered in",
            "string",
            LANGUAGE_ROLE,
            "The language the young person chose on the pages: en (English) or cy (Welsh). "
            "May be suppressed.",
            quasi=True,
        ),
        *outcomes,
    ]


def _released(
    session: Session, activities: list[Activity]
) -> tuple[dict[Activity, ResearchRelease], int, int]:
    """The activities researchers may receive, with their newest release; how many were not."""
    released: dict[Activity, ResearchRelease] = {}
    off = unreleased = 0
    for activity in activities:
        if not research_shareable(activity).shared:
            off += 1
        elif (release := get_release(session, activity, None)) is None:
            unreleased += 1
        else:
            released[activity] = release
    return released, off, unreleased


def build_outcome_pack(session: Session, scope: Service, period: Period) -> OutcomePack:
    """Choose, k-anonymise, link and shuffle the rows of an outcomes pack for `scope`."""
    services = scope_services(session, scope)
    found = outcome_activities(session, [service.id for service in services])
    released, off, unreleased = _released(session, found)
    k = max((activity.k_threshold for activity in released), default=DEFAULT_K)
    seed = new_seed()
    records_of = {a.id: _read(session, a, release, period) for a, release in released.items()}
    with_rows = [activity for activity in released if records_of[activity.id]]
    with_rows.sort(key=lambda activity: shuffle_value(seed, activity.id))
    numbered = [
        NumberedActivity(i, activity, released[activity].number)
        for i, activity in enumerate(with_rows, start=1)
    ]
    records = [record for item in numbered for record in records_of[item.activity.id]]
    included = len(records)
    if included < k:
        # Fewer than k people can never be k-anonymous: share no rows at all.
        records = []
    by_id = {item.activity.id: item for item in numbered}
    keys: list[tuple[object, ...]] = [
        _quasi(by_id[record.activity_id], record) for record in records
    ]
    kept, suppression = k_anonymise_keys(keys, QUASI_NAMES, k, suppressed_marker=SUPPRESSED)
    if len(kept) != len(records):  # every row dropped
        records = []
    linking = k_anonymise_links([record.link_hash for record in records], kept, k)
    outcomes = _outcome_columns(session, hub_id_of(scope), with_rows)
    rows = _rows(records, kept, linking, outcomes, by_id, seed)
    return OutcomePack(
        scope=scope,
        services=services,
        period=period,
        k=k,
        columns=pack_columns(list(outcomes.values())),
        rows=rows,
        activities=numbered,
        included=included,
        suppression=suppression,
        linking=linking,
        not_shared=off,
        unreleased=unreleased,
    )


def _quasi(item: NumberedActivity, record: _Record) -> tuple[object, ...]:
    activity = item.activity
    month = generalise_month(record.hour)
    return (
        item.number,
        activity.service.name,
        activity.participation_type.name,
        month,
        record.language,
    )


def _rows(
    records: list[_Record],
    kept: list[tuple[object, ...]],
    linking: LinkResult,
    outcomes: dict[str, Column],
    by_id: dict[int, NumberedActivity],
    seed: int,
) -> list[list[object]]:
    # A key made for this pack alone and forgotten with it: links never repeat across packs.
    key = secrets.token_bytes(LINK_KEY_BYTES)
    tokens = {found: link_token(key, found) for found in set(linking.links) if found is not None}
    place = {key: i for i, key in enumerate(outcomes)}
    asked: dict[int, list[tuple[int, int]]] = defaultdict(list)  # activity -> (question, place)
    for item in by_id.values():
        for question_id, question_key in _outcome_questions(item.activity).items():
            asked[item.activity.id].append((question_id, place[question_key]))
    order = sorted(range(len(records)), key=lambda i: shuffle_value(seed, records[i].submission_id))
    rows: list[list[object]] = []
    for number, i in enumerate(order, start=1):
        record = records[i]
        link = linking.links[i]
        codes: list[object] = [""] * len(outcomes)  # not asked in this activity
        for question_id, at in asked[record.activity_id]:
            codes[at] = record.answers.get(question_id, PASSED)
        rows.append([number, UNLINKED if link is None else tokens[link], *kept[i], *codes])
    return rows
