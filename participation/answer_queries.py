"""The GROUP BY queries behind result figures (counts only; answers never reach Python).

Each query is shaped to one of the answers indexes (migration 0002), so it reads an index
and never the table: `answer_groups` the (question_id, choice, part) index, `respondents`
the (question_id, submission_id) index. Use `participation.figures` for suppressed figures;
these return raw counts and must not be shown as they are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from participation.models import Answer, Submission

# {question id: {(option code or None, part): rows}}
Groups = dict[int, dict[tuple[int | None, int], int]]


class SubmissionStats(NamedTuple):
    """How many submissions an activity has and which is newest: changes whenever answers do.

    Answers are written once with their submission and deleted with it. Ids only grow
    between deletions, so within one history the count and the newest submission name the
    set of submissions; the newest one's random key tells a reused SQLite rowid apart.
    """

    count: int
    last_id: int | None
    last_key: str | None


def submission_stats(session: Session, activity_id: int) -> SubmissionStats:
    """Read an activity's SubmissionStats (two index reads)."""
    count, last = session.execute(
        select(func.count(), func.max(Submission.id)).where(Submission.activity_id == activity_id)
    ).one()
    key = None
    if last is not None:
        key = session.scalar(select(Submission.idempotency_key).where(Submission.id == last))
    return SubmissionStats(count or 0, last, key)


def submission_count(session: Session, activity_id: int) -> int:
    """Return how many submissions an activity has (reads the activity index only)."""
    query = (
        select(func.count()).select_from(Submission).where(Submission.activity_id == activity_id)
    )
    return session.scalar(query) or 0


def _scoped(
    query: Select[Any],
    question_ids: Sequence[int] | Select[Any],
    dated: Sequence[ColumnElement[bool]],
) -> Select[Any]:
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
    question_ids: Sequence[int] | Select[Any],
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
    question_ids: Sequence[int] | Select[Any],
    dated: Sequence[ColumnElement[bool]] = (),
) -> dict[int, int]:
    """Count the distinct submissions that answered each question (for multi-row kinds)."""
    if isinstance(question_ids, Sequence) and not question_ids:
        return {}
    query = select(Answer.question_id, func.count(func.distinct(Answer.submission_id)))
    query = _scoped(query, question_ids, dated).group_by(Answer.question_id)
    return {question_id: count for question_id, count in session.execute(query)}
