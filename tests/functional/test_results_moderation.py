"""Moderation: approve or hide written answers; flagged ones wait for the safeguarding lead."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from participation.activities.kinds import question_spec
from participation.models import Answer, AuditEvent, Flag, Submission
from participation.models.enums import QuestionKind
from participation.models.submissions import APPROVED, HIDDEN, PENDING
from tests.helpers import csrf_token, page, text_of


@pytest.fixture
def activity(make):
    return make.activity(
        make.service("Millbrook Test Spoke"),
        questions=[question_spec(QuestionKind.FREE_TEXT, "Change?")],
    )


@pytest.fixture
def client(make, sign_in, activity):
    return sign_in(make.staff("lead", activity.service))


def written(make, activity, text):
    return make.submission(activity, {0: [{"text": text}]}).answers[0]


def decide(client, activity, answer_id, decision, state="pending"):
    token = csrf_token(client.get("/results/"))
    return client.post(
        f"/results/activities/{activity.id}/moderation/{answer_id}",
        query_string={"state": state},
        data={"decision": decision, "csrf_token": token},
        follow_redirects=True,
    )


def notice(response) -> str:
    return " ".join(n.get_text(" ", strip=True) for n in page(response).select(".notice"))


def test_approve_then_approving_again_says_so(make, client, activity, db_session):
    answer = written(make, activity, "More trips please")
    response = decide(client, activity, answer.id, "approve")
    assert "Approved. It will appear on the live screen." in notice(response)
    db_session.refresh(answer)
    assert answer.moderation == APPROVED
    again = decide(client, activity, answer.id, "approve")
    assert "already approved" in notice(again)
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "answer_moderated")
    ).one()
    assert event.target_id == answer.id and event.detail["decision"] == "approve"


def test_hide_moves_an_answer_off_the_list_and_can_be_undone(make, client, activity, db_session):
    answer = written(make, activity, "Too loud")
    decide(client, activity, answer.id, "hide")
    db_session.refresh(answer)
    assert answer.moderation == HIDDEN
    pending = page(client.get(f"/results/activities/{activity.id}/moderation"))
    assert not pending.select(".text-answer")
    hidden = page(
        client.get(
            f"/results/activities/{activity.id}/moderation", query_string={"state": "hidden"}
        )
    )
    assert [li["data-answer-id"] for li in hidden.select(".text-answer")] == [str(answer.id)]
    decide(client, activity, answer.id, "approve", state="hidden")
    db_session.refresh(answer)
    assert answer.moderation == APPROVED


def test_a_withdrawn_answer_gets_a_clear_message(make, client, activity, db_session):
    answer = written(make, activity, "Gone soon")
    answer_id, submission_id = answer.id, answer.submission_id
    db_session.execute(delete(Answer).where(Answer.submission_id == submission_id))
    db_session.execute(delete(Submission).where(Submission.id == submission_id))
    db_session.expire_all()
    response = decide(client, activity, answer_id, "approve")
    assert response.status_code == 200
    assert "may have withdrawn their answers" in notice(response)


def test_an_answer_from_another_activity_is_not_found_here(make, client, activity):
    elsewhere = make.activity(
        activity.service, questions=[question_spec(QuestionKind.FREE_TEXT, "Hi?")]
    )
    other = written(make, elsewhere, "Elsewhere")
    response = decide(client, activity, other.id, "approve")
    assert "no longer here" in notice(response)


def test_flagged_answers_are_withheld_until_the_lead_releases_them(
    make, client, activity, db_session
):
    answer = written(make, activity, "I want to run away from everything")
    db_session.add(
        Flag(
            answer_id=answer.id,
            activity_id=activity.id,
            service_id=activity.service_id,
            categories="going_missing",
        )
    )
    db_session.flush()
    doc = page(client.get(f"/results/activities/{activity.id}/moderation"))
    item = doc.select_one(f'[data-answer-id="{answer.id}"]')
    assert "With the safeguarding lead" in item.get_text()
    assert "Withheld: with the safeguarding lead" in item.get_text()
    assert "run away" not in item.get_text()
    assert not item.find("button", string="Approve")
    response = decide(client, activity, answer.id, "approve")
    assert "with the safeguarding lead" in notice(response)
    db_session.refresh(answer)
    assert answer.moderation == PENDING
    flag = db_session.scalars(select(Flag)).one()
    flag.status = "no_concern"  # an outcome alone does not release the words
    db_session.flush()
    decide(client, activity, answer.id, "approve")
    db_session.refresh(answer)
    assert answer.moderation == PENDING
    flag.released_at = flag.created_at
    db_session.flush()
    decide(client, activity, answer.id, "approve")
    db_session.refresh(answer)
    assert answer.moderation == APPROVED


def test_a_tampered_decision_changes_nothing(make, client, activity, db_session):
    answer = written(make, activity, "Fine")
    response = decide(client, activity, answer.id, "publish")
    assert "Choose whether to approve or hide" in text_of(response)
    db_session.refresh(answer)
    assert answer.moderation == PENDING
