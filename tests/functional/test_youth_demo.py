"""Demo data goes through the real submit path, so it looks like what young people send."""

from __future__ import annotations

from sqlalchemy import func, select

from participation.commands.demo import DEMO_CODE, SYNTHETIC_DISCLOSURES, load_demo
from participation.models import Activity, Answer, Flag, Submission
from participation.models.activities import CLOSED
from participation.models.submissions import PENDING
from tests.functional.youth_journey import Journey


def test_demo_submissions_have_flags_pending_text_and_rounded_hours(client, db_session):
    assert load_demo(db_session, submissions=120)
    flagged = db_session.execute(
        select(Answer.text, Flag.categories, Flag.service_id, Activity.service_id)
        .join(Flag, Flag.answer_id == Answer.id)
        .join(Activity, Activity.id == Flag.activity_id)
    ).all()
    assert sorted(text for text, *_ in flagged) == sorted(SYNTHETIC_DISCLOSURES)
    assert all(flag_service == service for _, _, flag_service, service in flagged)
    pending = db_session.scalar(
        select(func.count()).select_from(Answer).where(Answer.moderation == PENDING)
    )
    assert pending > 0
    hours = db_session.scalars(select(Submission.submitted_hour)).all()
    assert hours and all(h.minute == h.second == h.microsecond == 0 for h in hours)
    closed = db_session.scalars(select(Activity).where(Activity.status == CLOSED)).all()
    assert closed and all(activity.closed_at for activity in closed)

    demo = db_session.scalar(select(Activity).where(Activity.join_code == DEMO_CODE))
    journey = Journey(client, demo)
    journey.consent()
    assert journey.progress() == f"1 of {len(demo.questions)}"
