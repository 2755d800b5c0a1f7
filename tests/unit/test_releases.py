"""Research releases: frozen snapshots, k new young people at a time, rows shuffled per release."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from participation.activities.design import close_activity
from participation.exports.consent import count_shareable
from participation.exports.releases import (
    get_release,
    make_release,
    release_selection,
    release_state,
    releases_of,
)
from participation.exports.responses import ResponseExport
from participation.exports.shuffle import shuffle_key, shuffle_value
from participation.models import AuditEvent, Submission
from participation.models.releases import ON_CLOSE
from participation.problems import Conflict

WORDS = ("apple", "brick", "cloud", "daisy", "eagle", "flute", "grape", "heron", "igloo", "jelly")


def send(make, activity, count: int, *, yes: bool = True, start: int = 0) -> list[Submission]:
    return [
        make.submission(
            activity,
            {4: [{"text": f"note {WORDS[n % 10]} {WORDS[n // 10 % 10]}"}]},
            research_consent=yes,
        )
        for n in range(start, start + count)
    ]


def release_texts(session, activity, number: int | None = None) -> list[str]:
    release = get_release(session, activity, number)
    export = ResponseExport(session, activity, release_selection(activity, release))
    return [dict(zip(export.header, row, strict=True))["q05"] for row in export.rows()]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    k=st.integers(min_value=3, max_value=6),
    steps=st.lists(
        st.tuples(st.integers(min_value=0, max_value=7), st.booleans(), st.booleans()),
        min_size=1,
        max_size=8,
    ),
)
def test_two_consecutive_releases_never_differ_by_fewer_than_k(make, db_session, k, steps):
    activity = make.activity(research_sharing="ask", k_threshold=k)
    for count, yes, try_release in steps:
        send(make, activity, count, yes=yes)
        if try_release:
            waiting = release_state(db_session, activity).waiting
            if waiting < k:
                with pytest.raises(Conflict, match=f"{k - waiting} more needed"):
                    make_release(db_session, None, activity)
            else:
                assert make_release(db_session, None, activity).added == waiting
    releases = releases_of(db_session, activity)
    previous = 0
    for release in releases:
        between = count_shareable(
            db_session, activity, after_id=previous, up_to_id=release.last_submission_id
        )
        assert between >= k, "a release would show fewer than k new young people"
        previous = release.last_submission_id
    assert [r.number for r in releases] == list(range(1, len(releases) + 1))


def test_an_answer_sent_after_a_release_waits_for_the_next_one(make, db_session):
    activity = make.activity(research_sharing="ask", k_threshold=5)
    send(make, activity, 5)
    make_release(db_session, None, activity)
    late = send(make, activity, 1, start=5)[0]
    late_text = late.answers[0].text
    assert len(release_texts(db_session, activity)) == 5
    assert late_text not in release_texts(db_session, activity)
    with pytest.raises(Conflict, match="4 more needed"):
        make_release(db_session, None, activity)
    send(make, activity, 3, start=6)
    send(make, activity, 2, yes=False, start=9)  # said no: they never count towards k
    with pytest.raises(Conflict, match="1 more needed"):
        make_release(db_session, None, activity)
    send(make, activity, 1, start=11)
    second = make_release(db_session, None, activity)
    assert second.number == 2 and second.added == 5 and second.submissions == 10
    assert late_text in release_texts(db_session, activity)
    assert len(release_texts(db_session, activity, 1)) == 5, "release 1 stays as it was"
    assert second.created_at.minute == second.created_at.second == 0  # to the hour


def test_rows_are_shuffled_per_release_and_a_release_downloads_the_same_each_time(make, db_session):
    activity = make.activity(research_sharing="ask", k_threshold=5)
    sent = [s.answers[0].text for s in send(make, activity, 30)]
    make_release(db_session, None, activity)
    first = release_texts(db_session, activity, 1)
    assert sorted(first) == sorted(sent)
    assert first != sent, "rows must not come out in the order they were sent"
    assert release_texts(db_session, activity, 1) == first, "a release is frozen"
    send(make, activity, 30, start=30)
    make_release(db_session, None, activity)
    second = release_texts(db_session, activity, 2)
    assert [t for t in second if t in first] != first, "each release has its own order"
    export = ResponseExport(db_session, activity, release_selection(activity, None))
    assert list(export.rows()) == []  # no release asked for: nothing


def test_the_csv_numbers_rows_as_they_leave(make, db_session):
    activity = make.activity(research_sharing="ask", k_threshold=5)
    send(make, activity, 12)
    release = make_release(db_session, None, activity)
    export = ResponseExport(db_session, activity, release_selection(activity, release))
    rows = list(csv.DictReader(io.StringIO(b"".join(export.csv()).decode())))
    assert [row["row"] for row in rows] == [str(n) for n in range(1, 13)]


def test_the_database_shuffles_exactly_as_the_python_key_says(make, db_session):
    activity = make.activity(research_sharing="ask", k_threshold=5)
    ids = [s.id for s in send(make, activity, 20)]
    seed = 1234567890123
    query = (
        select(Submission.id, shuffle_key(seed))
        .where(Submission.activity_id == activity.id)
        .order_by(shuffle_key(seed), Submission.id)
    )
    found = db_session.execute(query).all()
    assert [key for _, key in found] == [shuffle_value(seed, i) for i, _ in found]
    assert sorted(i for i, _ in found) == ids and [i for i, _ in found] != ids


def test_closing_an_activity_releases_what_is_new_once_k_can_be_shared(make, db_session):
    lead = make.staff("lead")
    few = make.activity(lead.service, research_sharing="ask", k_threshold=5)
    send(make, few, 4)
    close_activity(db_session, lead, few)
    assert releases_of(db_session, few) == []
    enough = make.activity(lead.service, research_sharing="ask", k_threshold=5)
    send(make, enough, 7)
    close_activity(db_session, lead, enough)
    (release,) = releases_of(db_session, enough)
    assert release.reason == ON_CLOSE and release.submissions == 7
    event = db_session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "research_release_made", AuditEvent.target_id == enough.id
        )
    ).one()
    assert event.staff_id == lead.id and event.detail["rows"] == 7
