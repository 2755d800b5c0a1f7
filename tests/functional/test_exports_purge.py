"""`participation purge`: answers go once an activity's retention period has passed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from participation.answering.retention import expired_activities
from participation.clock import utcnow
from participation.models import Action, Answer, AnswerTheme, AuditEvent, Flag, Submission, Theme


def count(db_session, model, *where) -> int:
    return db_session.scalar(select(func.count()).select_from(model).where(*where))


def closed_activity(make, days_ago: int | None, retention_days: int = 365, answers: int = 3):
    status = "open" if days_ago is None else "closed"
    activity = make.activity(status=status, retention_days=retention_days)
    if days_ago is not None:
        activity.closed_at = utcnow() - timedelta(days=days_ago)
    for _ in range(answers):
        make.submission(activity, {0: [{"choice": 3}], 4: [{"text": "It was good"}]})
    return activity


def test_purge_deletes_only_answers_past_retention_and_is_idempotent(runner, make, db_session):
    expired = closed_activity(make, days_ago=400)
    short = closed_activity(make, days_ago=40, retention_days=30)
    recent = closed_activity(make, days_ago=10)
    still_open = closed_activity(make, days_ago=None)
    answer = db_session.scalars(
        select(Answer).join(Submission).where(Submission.activity_id == expired.id)
    ).first()
    theme = Theme(service_id=expired.service_id, name="Transport")
    db_session.add(theme)
    db_session.flush()
    db_session.add_all(
        [
            AnswerTheme(answer_id=answer.id, theme_id=theme.id),
            Flag(
                answer_id=answer.id,
                activity_id=expired.id,
                service_id=expired.service_id,
                categories="harm",
            ),
            Action(activity_id=expired.id, you_said="More trips", we_did="Booked two"),
        ]
    )
    db_session.flush()

    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1] == (
        "Purge: deleted 6 submissions and 12 answers from 2 activities past retention."
    )

    db_session.expire_all()
    for gone in (expired, short):
        assert count(db_session, Submission, Submission.activity_id == gone.id) == 0
    for kept in (recent, still_open):
        assert count(db_session, Submission, Submission.activity_id == kept.id) == 3
    assert count(db_session, Flag) == 0 and count(db_session, AnswerTheme) == 0
    assert count(db_session, Action, Action.activity_id == expired.id) == 1  # staff's record
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "retention_purge").order_by(AuditEvent.id)
    ).all()
    assert [(e.target_id, e.detail["submissions"], e.detail["answers"]) for e in events] == [
        (expired.id, 3, 6),
        (short.id, 3, 6),
    ]

    again = runner.invoke(args=["purge"])
    assert again.exit_code == 0
    assert "nothing to delete" in again.output
    assert count(db_session, AuditEvent, AuditEvent.action == "retention_purge") == 2


def test_dry_run_lists_without_deleting(runner, make, db_session):
    expired = closed_activity(make, days_ago=400)
    result = runner.invoke(args=["purge", "--dry-run"])
    assert result.exit_code == 0
    assert f"Would purge activity {expired.id}" in result.output
    assert count(db_session, Submission, Submission.activity_id == expired.id) == 3


def test_retention_is_counted_from_closing(make, db_session):
    on_the_day = closed_activity(make, days_ago=30, retention_days=30, answers=1)
    day_before = closed_activity(make, days_ago=29, retention_days=30, answers=1)
    due = {a.id for a in expired_activities(db_session)}
    assert on_the_day.id in due and day_before.id not in due
