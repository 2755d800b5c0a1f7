"""The GROUP BY queries behind result figures (counts only; answers never reach Python).

Each query is shaped to one of the answers indexes (migration 0002), so it reads an index
and never the table: `answer_groups` the (question_id, choice, part) index, `respondents`
the (question_id, submission_id) index. `activity_counts` keeps both per activity until its
submissions change, for the results page, live screen and dashboard alike, and when they
change only by new submissions it counts just those. Use `participation.figures.results` for
suppressed figures; these are raw counts, never to be shown.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypeVarTuple

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from participation.models import Answer, Question, Submission
from participation.models.enums import QuestionKind

# {question id: {(option code or None, part): rows}}
Groups = dict[int, dict[tuple[int | None, int], int]]

Columns = TypeVarTuple("Columns")


class SubmissionStats(NamedTuple):
    """How many submissions an activity has and which is newest: changes whenever answers do.

    Answers are written once with their submission and deleted with it. Ids only grow
    between deletions, so within one history the count and the newest submission name the
    set of submissions; the newest one's random key tells a reused SQLite rowid apart.
    """

    submissions: int
    last_id: int | None
    last_key: str | None


def submission_stats(session: Session, activity_id: int) -> SubmissionStats:
    """Read an activity's SubmissionStats in one statement (two reads of the activity index)."""
    of_activity = Submission.activity_id == activity_id
    # Separate subqueries, so each takes its own shortcut (a count of index entries, one
    # step to the newest); one statement, so both see the same submissions.
    count = select(func.count()).select_from(Submission).where(of_activity)
    newest = select(func.max(Submission.id)).where(of_activity)
    found = session.execute(
        select(count.scalar_subquery(), Submission.id, Submission.idempotency_key).where(
            Submission.id == newest.scalar_subquery()
        )
    ).first()
    if found is None:
        return SubmissionStats(0, None, None)
    return SubmissionStats(*found)


def submission_count(session: Session, activity_id: int) -> int:
    """Return how many submissions an activity has (reads the activity index only)."""
    query = (
        select(func.count()).select_from(Submission).where(Submission.activity_id == activity_id)
    )
    return session.scalar(query) or 0


def _scoped(
    query: Select[*Columns],
    question_ids: Sequence[int] | Select[int],
    dated: Sequence[ColumnElement[bool]],
) -> Select[*Columns]:
    if dated:
        # Drive from the submissions in the date range (activity/hour index): the dated
        # conditions name the activities, so filtering questions too would only tempt the
        # planner into scanning every answer of those questions.
        query = query.join(Submission, Submission.id == Answer.submission_id).where(*dated)
        if isinstance(question_ids, Sequence):
            query = query.where(Answer.question_id.in_(question_ids))
        return query
    return query.where(Answer.question_id.in_(question_ids))


def answer_groups(
    session: Session,
    question_ids: Sequence[int] | Select[int],
    dated: Sequence[ColumnElement[bool]] = (),
) -> Groups:
    """Count answer rows per question, option and part, in one covered, ordered scan.

    `dated` are conditions on Submission (a date range and its activities); with them,
    `question_ids` given as a query is implied by the activities and not applied. From these
    counts: choice counts (sum over parts), ranking places, three-box boxes, text answers.
    """
    groups: Groups = defaultdict(dict)
    if isinstance(question_ids, Sequence) and not question_ids:
        return groups
    query = select(Answer.question_id, Answer.choice, Answer.part, func.count())
    query = _scoped(query, question_ids, dated).group_by(
        Answer.question_id, Answer.choice, Answer.part
    )
    for question_id, choice, part, count in session.execute(query):
        groups[question_id][(choice, part)] = count
    return groups


def respondents(
    session: Session,
    question_ids: Sequence[int] | Select[int],
    dated: Sequence[ColumnElement[bool]] = (),
) -> dict[int, int]:
    """Count the distinct submissions that answered each question (for multi-row kinds)."""
    if isinstance(question_ids, Sequence) and not question_ids:
        return {}
    query = select(Answer.question_id, func.count(func.distinct(Answer.submission_id)))
    query = _scoped(query, question_ids, dated).group_by(Answer.question_id)
    return {question_id: count for question_id, count in session.execute(query)}


# --- per-activity counts, kept per process until the activity's submissions change ------

MULTI_ROW_KINDS = (QuestionKind.MULTIPLE_CHOICE, QuestionKind.THREE_BOXES)
QuestionKinds = tuple[tuple[int, str], ...]  # (question id, kind) of one activity, in order
CacheKey = tuple[int, SubmissionStats, QuestionKinds]  # (activity id, its stats, its kinds)
_CACHE_SIZE = 512
_cache: OrderedDict[CacheKey, ActivityCounts] = OrderedDict()
# The stats of each activity's most recently kept counts, to count on from.
_latest: OrderedDict[tuple[int, QuestionKinds], SubmissionStats] = OrderedDict()
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class ActivityCounts:
    """Raw counts of one activity's answers: `answer_groups` and `respondents` (not shown)."""

    groups: Groups
    respondents: dict[int, int]


def stats_for(session: Session, activity_ids: Select[int]) -> dict[int, SubmissionStats]:
    """SubmissionStats of many activities at once (activities without answers are left out)."""
    found = session.execute(
        select(Submission.activity_id, func.count(), func.max(Submission.id))
        .where(Submission.activity_id.in_(activity_ids))
        .group_by(Submission.activity_id)
    ).all()
    last_ids = [last for _, _, last in found]
    keys = {}
    for start in range(0, len(last_ids), 500):
        chunk = last_ids[start : start + 500]
        keys.update(
            {
                sid: key
                for sid, key in session.execute(
                    select(Submission.id, Submission.idempotency_key).where(
                        Submission.id.in_(chunk)
                    )
                )
            }
        )
    return {
        activity_id: SubmissionStats(count, last, keys.get(last))
        for activity_id, count, last in found
    }


def activity_counts(
    session: Session, wanted: dict[int, tuple[SubmissionStats, QuestionKinds]]
) -> dict[int, ActivityCounts]:
    """{activity id: ActivityCounts} for `wanted` {activity id: (stats, question kinds)}.

    Answers only change with their submissions, so counts are kept per process under the
    activity's SubmissionStats. When an activity has only gained submissions since its
    counts were kept (a live event), only the new submissions' answers are counted and
    added. Other activities not in the cache are read together: one `answer_groups` and
    one `respondents` query, however many there are.
    """
    result: dict[int, ActivityCounts] = {}
    missing: dict[int, CacheKey] = {}
    earlier: dict[int, tuple[SubmissionStats, ActivityCounts]] = {}
    with _cache_lock:
        for activity_id, (stats, kinds) in wanted.items():
            key = (activity_id, stats, kinds)
            cached = _cache.get(key)
            if cached is not None:
                _cache.move_to_end(key)
                result[activity_id] = cached
            elif stats.submissions == 0:
                result[activity_id] = ActivityCounts({}, {})
            else:
                missing[activity_id] = key
                before = _latest.get((activity_id, kinds))
                kept = None if before is None else _cache.get((activity_id, before, kinds))
                if (
                    kept is not None
                    and before is not None
                    and before.submissions < stats.submissions
                ):
                    earlier[activity_id] = (before, kept)
    found: dict[int, ActivityCounts] = {}
    for activity_id, (before, kept) in earlier.items():
        stats, kinds = wanted[activity_id]
        added = _counts_since(session, activity_id, before, stats, kinds)
        if added is not None:
            found[activity_id] = _plus(kept, added)
    rest = [activity_id for activity_id in missing if activity_id not in found]
    if rest:
        found.update(_counts_of(session, {aid: wanted[aid][1] for aid in rest}))
    with _cache_lock:
        for activity_id, counts in found.items():
            stats, kinds = wanted[activity_id]
            _cache[missing[activity_id]] = counts
            _latest[(activity_id, kinds)] = stats
            _latest.move_to_end((activity_id, kinds))
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
        while len(_latest) > _CACHE_SIZE:
            _latest.popitem(last=False)
    result.update(found)
    return result


def _counts_of(session: Session, wanted: dict[int, QuestionKinds]) -> dict[int, ActivityCounts]:
    """Count every answer of the `wanted` activities: one query of each kind for all."""
    owner = {qid: aid for aid, kinds in wanted.items() for qid, _ in kinds}
    multi = [qid for kinds in wanted.values() for qid, kind in kinds if kind in MULTI_ROW_KINDS]
    groups = answer_groups(session, list(owner))
    people = respondents(session, multi)
    split: dict[int, ActivityCounts] = {aid: ActivityCounts({}, {}) for aid in wanted}
    for qid, found in groups.items():
        split[owner[qid]].groups[qid] = found
    for qid, count in people.items():
        split[owner[qid]].respondents[qid] = count
    return split


def _counts_since(
    session: Session,
    activity_id: int,
    before: SubmissionStats,
    stats: SubmissionStats,
    kinds: QuestionKinds,
) -> ActivityCounts | None:
    """Counts of the submissions after `before` when those are all that changed, else None.

    The newest submission counted before is still there (the same one, by its key) and the
    count grew by exactly the number sent after it: nothing counted before was withdrawn.
    """
    of_activity = Submission.activity_id == activity_id
    after = [of_activity, Submission.id > before.last_id, Submission.id <= stats.last_id]
    newer = select(func.count()).select_from(Submission).where(*after)
    kept = select(Submission.idempotency_key).where(Submission.id == before.last_id)
    added, key = session.execute(select(newer.scalar_subquery(), kept.scalar_subquery())).one()
    if key != before.last_key or added != stats.submissions - before.submissions:
        return None
    # Driven from the few new submissions; their answers are all to this activity's questions.
    every = select(Question.id).where(Question.activity_id == activity_id)
    multi = [qid for qid, kind in kinds if kind in MULTI_ROW_KINDS]
    groups = answer_groups(session, every, after)
    return ActivityCounts(dict(groups), respondents(session, multi, after) if multi else {})


def _plus(counts: ActivityCounts, added: ActivityCounts) -> ActivityCounts:
    """The sum of two activities' worth of counts (new dicts: cached ones are shared)."""
    groups = {qid: dict(found) for qid, found in counts.groups.items()}
    for qid, found in added.groups.items():
        mine = groups.setdefault(qid, {})
        for key, count in found.items():
            mine[key] = mine.get(key, 0) + count
    people = dict(counts.respondents)
    for qid, count in added.respondents.items():
        people[qid] = people.get(qid, 0) + count
    return ActivityCounts(groups, people)
