"""Staff pages show dates and times in UK time (the database keeps UTC)."""

from __future__ import annotations

from datetime import UTC, datetime

from participation.activities.kinds import question_spec
from participation.models import Flag
from participation.models.activities import CLOSED
from participation.models.enums import QuestionKind
from tests.helpers import page, text_of


def stored(*parts: int) -> datetime:
    """A UTC time as the database keeps it: naive."""
    return datetime(*parts, tzinfo=UTC).replace(tzinfo=None)


def test_the_activity_page_says_when_it_opened_in_bst_and_closed_in_gmt(make, sign_in):
    spoke = make.service()
    activity = make.activity(
        spoke,
        status=CLOSED,
        opened_at=stored(2025, 6, 30, 23, 30),
        closed_at=stored(2025, 11, 4, 16, 45),
    )
    client = sign_in(make.staff("lead", spoke))
    text = text_of(client.get(f"/studio/activities/{activity.id}"))
    assert "First opened 1 July 2025, 00:30" in text  # 23:30 UTC is the next day in BST
    assert "Closed 4 November 2025, 16:45" in text  # GMT is UTC
    assert "UTC" not in text


def test_the_activity_list_dates_each_change_by_the_uk_calendar(make, sign_in, db_session):
    spoke = make.service()
    activity = make.activity(spoke, status=CLOSED)
    activity.updated_at = stored(2025, 8, 31, 23, 15)
    db_session.flush()
    client = sign_in(make.staff("lead", spoke))
    row = page(client.get("/studio/")).find("tr", attrs={"data-activity-id": str(activity.id)})
    assert row.find_all("td")[-1].get_text() == "1 September 2025"


def test_the_safeguarding_queue_and_flag_show_uk_time(make, sign_in, db_session):
    spoke = make.service()
    activity = make.activity(
        spoke, questions=[question_spec(QuestionKind.FREE_TEXT, "Anything else?")]
    )
    answer = make.submission(activity, {0: [{"text": "I want to run away"}]}).answers[0]
    flag = Flag(
        answer_id=answer.id,
        activity_id=activity.id,
        service_id=spoke.id,
        categories="going_missing",
        created_at=stored(2025, 7, 14, 8, 5),
    )
    db_session.add(flag)
    db_session.flush()
    client = sign_in(make.staff("lead", spoke, safeguarding=True))
    queue = page(client.get("/results/safeguarding"))
    row = queue.find("tr", attrs={"data-flag-id": str(flag.id)})
    assert row.find("a").get_text(" ", strip=True).startswith("14 July 2025, 09:05")
    assert "Flagged 14 July 2025, 09:05" in text_of(client.get(f"/results/safeguarding/{flag.id}"))
