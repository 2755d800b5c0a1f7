"""The group size and its margin, raising it, and counting writes in windows of the limiter's clock."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation import throttle
from participation.activities import group_size
from participation.activities.settings import MAX_GROUP, ActivityError
from participation.models import AuditEvent
from participation.models.activities import ARCHIVED
from tests.functional.youth_crowds import Clock


@pytest.mark.parametrize(
    ("size", "may_join", "may_send"),
    [(1, 6, 11), (10, 15, 20), (30, 38, 46), (40, 50, 60), (200, 250, 300)],
)
def test_a_margin_on_top_of_the_expected_group(size, may_join, may_send):
    assert group_size.join_allowance(size) == may_join
    assert group_size.send_allowance(size) == may_send


def test_joining_is_full_once_the_allowance_has_joined(make):
    activity = make.activity(expected_group_size=30)
    assert not group_size.joining_of(activity, 37).full
    assert group_size.joining_of(activity, 38).full


def test_letting_more_join_raises_the_size_by_a_step_and_is_audited(make, db_session):
    lead = make.staff("lead")
    activity = make.activity(lead.service, expected_group_size=30)
    assert group_size.let_more_join(db_session, lead, activity) == 45
    assert group_size.let_more_join(db_session, lead, activity) == 68
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "group_size_raised").order_by(AuditEvent.id)
    ).all()
    assert [(e.staff_id, e.detail) for e in events] == [
        (lead.id, {"old": 30, "new": 45}),
        (lead.id, {"old": 45, "new": 68}),
    ]


def test_letting_more_join_stops_at_the_largest_size_and_not_when_archived(make, db_session):
    lead = make.staff("lead")
    activity = make.activity(lead.service, expected_group_size=MAX_GROUP - 1)
    assert group_size.let_more_join(db_session, lead, activity) == MAX_GROUP
    with pytest.raises(ActivityError):
        group_size.let_more_join(db_session, lead, activity)
    archived = make.activity(lead.service, status=ARCHIVED)
    with pytest.raises(ActivityError):
        group_size.let_more_join(db_session, lead, archived)


@pytest.fixture
def clock(monkeypatch, app_context):
    fake = Clock(at=1_800_000_000.0)  # a multiple of 10: a burst window starts here
    monkeypatch.setattr(throttle, "now", fake)
    return fake


def test_writes_are_counted_in_windows_of_the_limiter_clock(clock):
    windows = (throttle.Window(5, 60), throttle.Window(2, 10))
    assert [throttle.spend("t", windows, "a") for _ in range(2)] == [0, 0]
    clock.at += 3
    assert throttle.spend("t", windows, "a") == 7  # the 10-second window ends in 7 s
    assert throttle.spend("t", windows, "b") == 0  # another key counts apart
    clock.at += 7
    assert [throttle.spend("t", windows, "a") for _ in range(3)] == [0, 0, 10]
    clock.at += 10
    assert [throttle.spend("t", windows, "a") for _ in range(2)] == [0, 40]  # 5 a minute
    clock.at += 40
    assert throttle.spend("t", windows, "a") == 0


def test_a_refused_write_is_given_back(clock):
    windows = (throttle.Window(100, 3600), throttle.Window(1, 10))
    throttle.spend("t", windows, "a")
    for _ in range(20):
        assert throttle.spend("t", windows, "a") > 0
    assert throttle.counted("t", 3600, "a") == 1


def test_joins_are_counted_per_session_window(clock):
    for _ in range(3):
        throttle.count_joined(7)
    assert throttle.joined_this_session(7) == 3
    assert throttle.joined_this_session(8) == 0
    clock.at += throttle.SESSION_SECONDS
    assert throttle.joined_this_session(7) == 0
