"""Resolving typed and scanned join codes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from participation.answering.joining import (
    JoinProblem,
    actions_for,
    answering_problem,
    count_join,
    resolve_join_code,
)
from participation.clock import utcnow
from participation.models import Action, Activity, RetiredJoinCode
from participation.models.activities import ARCHIVED, CLOSED, DRAFT, OPEN


@pytest.mark.parametrize("typed", ["JN4KD2", "jn4kd2", " jn4 kd2 ", "JN4-KD2", "ｊｎ４ｋｄ２"])
def test_codes_ignore_case_spaces_dashes_and_full_width(make, db_session, typed):
    activity = make.activity(join_code="JN4KD2")
    result = resolve_join_code(db_session, typed)
    assert result.joinable is not None
    assert result.activity.id == activity.id
    assert result.code == "JN4KD2"


@pytest.mark.parametrize("typed", ["", "   ", "ZZZZZZ", "J" * 7, "<script>", "JN4KD2" * 20])
def test_unknown_or_malformed_codes(make, db_session, typed):
    make.activity(join_code="JN4KD2")
    result = resolve_join_code(db_session, typed)
    assert result.joinable is None
    assert result.problem == JoinProblem.UNKNOWN
    assert result.activity is None


def test_a_retired_code_says_no_longer_in_use_without_naming_the_activity(make, db_session):
    activity = make.activity(join_code="NEW234")
    db_session.add(RetiredJoinCode(code="OLD234", activity_id=activity.id))
    db_session.flush()
    result = resolve_join_code(db_session, "old234")
    assert result.problem == JoinProblem.RETIRED
    assert result.activity is None


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"status": DRAFT}, JoinProblem.NOT_OPEN),
        ({"status": OPEN, "opens_at": utcnow() + timedelta(days=1)}, JoinProblem.NOT_OPEN),
        ({"status": CLOSED}, JoinProblem.CLOSED),
        ({"status": OPEN, "closes_at": utcnow() - timedelta(minutes=1)}, JoinProblem.CLOSED),
        ({"status": OPEN, "joining_locked": True}, JoinProblem.LOCKED),
        ({"status": CLOSED, "joining_locked": True}, JoinProblem.CLOSED),
        ({"status": OPEN, "opens_at": utcnow() - timedelta(days=1)}, None),
        ({"status": OPEN, "closes_at": utcnow() + timedelta(days=1)}, None),
    ],
)
def test_activity_states(make, db_session, fields, problem):
    activity = make.activity(join_code="STAT23", **fields)
    result = resolve_join_code(db_session, "STAT23")
    assert result.problem == problem
    assert result.activity.id == activity.id


def test_an_archived_activity_reads_as_closed_and_a_live_one_wins(make, db_session):
    old = make.activity(join_code="SAME23", status=ARCHIVED)
    assert resolve_join_code(db_session, "SAME23").problem == JoinProblem.CLOSED
    new = make.activity(join_code="SAME23")
    result = resolve_join_code(db_session, "SAME23")
    assert result.joinable is not None and result.activity.id == new.id != old.id


def test_a_lock_stops_joining_but_not_answering(make):
    activity = make.activity(joining_locked=True)
    assert answering_problem(activity) is None
    activity.status = CLOSED
    assert answering_problem(activity) == JoinProblem.CLOSED


def test_count_join_adds_one_in_the_database(make, db_session):
    activity = make.activity()
    count_join(db_session, activity.id)
    count_join(db_session, activity.id)
    count = db_session.scalar(select(Activity.joined_count).where(Activity.id == activity.id))
    assert count == 2


def test_actions_for_an_activity_oldest_first(make, db_session):
    activity = make.activity(status=CLOSED)
    other = make.activity(status=CLOSED)
    db_session.add_all(
        [
            Action(activity_id=activity.id, you_said="More trips", we_did="Booked two"),
            Action(activity_id=other.id, you_said="Elsewhere", we_did="Not ours"),
            Action(activity_id=activity.id, you_said="Later sessions", we_did="Moved to 6pm"),
        ]
    )
    db_session.flush()
    assert [a.you_said for a in actions_for(db_session, activity.id)] == [
        "More trips",
        "Later sessions",
    ]
