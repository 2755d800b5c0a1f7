"""The live workshop screen and its JSON: nothing below k, text only once approved."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.activities.kinds import question_spec
from participation.models import AuditEvent, Flag, Submission
from participation.models.enums import QuestionKind
from participation.models.submissions import APPROVED
from tests.helpers import csrf_token, page, text_of

QUESTIONS = [
    question_spec(QuestionKind.EMOJI_SCALE, "How do you feel about the group?"),
    question_spec(QuestionKind.FREE_TEXT, "What should we change?"),
]


@pytest.fixture
def activity(make):
    return make.activity(make.service("Millbrook Test Spoke"), questions=QUESTIONS, joined_count=9)


@pytest.fixture
def lead(make, activity):
    return make.staff("lead", activity.service)


def send(make, activity, count, text=None):
    for _ in range(count):
        make.submission(activity, {0: [{"choice": 4}], **({1: [{"text": text}]} if text else {})})


def live(client, activity, etag=None):
    headers = {"If-None-Match": f'"{etag}"'} if etag else {}
    return client.get(f"/results/activities/{activity.id}/live.json", headers=headers)


def test_the_screen_shows_how_to_join_and_counts_but_no_results_below_k(
    make, sign_in, activity, lead
):
    send(make, activity, 4, text="Call me on 07700 900123")
    client = sign_in(lead)
    response = client.get(f"/results/activities/{activity.id}/present")
    assert response.status_code == 200
    doc = page(response)
    assert doc.find(id="join-code").get_text() == activity.join_code
    assert (
        doc.find(id="join-link").get_text() == f"http://participation.test/j/{activity.join_code}"
    )
    assert doc.select_one(".pcorner__qr svg.qr")
    assert doc.find(id="live-joined").get_text() == "9"
    assert doc.find(id="live-submitted").get_text() == "4"
    assert "once 5 people have answered this question (1 more to go)" in text_of(response)
    assert not doc.select("#live-results table") and "07700" not in doc.get_text()
    assert doc.find("script", src="/static/present.js")
    assert doc.find(id="refresh")["href"].endswith("/present?q=1")

    data = live(client, activity).get_json()
    assert data["submitted"] == 4 and data["ready"] is False and data["waiting_for"] == 1
    assert data["questions"] == [] and data["texts"] == []


def test_results_appear_at_k_and_only_approved_text_redacted(make, sign_in, activity, lead):
    send(make, activity, 5)
    make.submission(activity, {0: [{"choice": 5}], 1: [{"text": "Call me on 07700 900123"}]})
    make.submission(activity, {1: [{"text": "Not approved yet"}]})
    client = sign_in(lead)
    data = live(client, activity).get_json()
    assert data["ready"] is True and data["texts"] == []
    faces = data["questions"][0]
    rows = {row["label"]: row["value"] for row in faces["rows"]}
    assert rows["Happy"] == "5 (71%)"
    assert rows["Really happy"] == "fewer than 5"
    assert rows["Passed (skipped this question)"] == "fewer than 5"
    assert "Not approved yet" not in data["html"]

    moderation = page(client.get(f"/results/activities/{activity.id}/moderation"))
    listed = [item.find("blockquote").get_text() for item in moderation.select(".text-answer")]
    assert "Call me on [phone]" in listed  # staff moderate the redacted text
    to_approve = next(
        item["data-answer-id"]
        for item in moderation.select(".text-answer")
        if "[phone]" in item.get_text()
    )
    response = client.post(
        f"/results/activities/{activity.id}/moderation/{to_approve}",
        data={"decision": "approve", "csrf_token": csrf_token(client.get("/results/"))},
        follow_redirects=True,
    )
    assert "Approved" in text_of(response)
    data = live(client, activity).get_json()
    assert data["texts"] == ["Call me on [phone]"]
    assert "07700" not in data["html"] and "Call me on [phone]" in data["html"]
    screen = page(client.get(f"/results/activities/{activity.id}/present?q=2"))
    assert [b.get_text() for b in screen.select("#live-texts blockquote")] == ["Call me on [phone]"]


def test_the_json_has_a_strong_etag_and_answers_304_until_something_changes(
    make, sign_in, activity, lead, db_session
):
    send(make, activity, 5, text="More trips")
    client = sign_in(lead)
    first = live(client, activity)
    etag = first.headers["ETag"].strip('"')
    assert first.status_code == 200 and not first.headers["ETag"].startswith("W/")
    again = live(client, activity, etag)
    assert again.status_code == 304 and not again.get_data()
    send(make, activity, 1)
    changed = live(client, activity, etag)
    assert changed.status_code == 200 and changed.get_json()["submitted"] == 6
    etag = changed.headers["ETag"].strip('"')
    assert live(client, activity, etag).status_code == 304
    text = next(a for s in activity_submissions(db_session, activity) for a in s.answers if a.text)
    text.moderation = APPROVED
    db_session.flush()
    approved = live(client, activity, etag)
    assert approved.status_code == 200 and approved.get_json()["texts"] == ["More trips"]


def activity_submissions(db_session, activity):
    return db_session.scalars(select(Submission).where(Submission.activity_id == activity.id))


def test_lock_joining_from_the_screen(make, sign_in, activity, lead, db_session):
    client = sign_in(lead)
    url = f"/results/activities/{activity.id}/present"
    token = csrf_token(client.get(url))
    response = client.post(
        f"{url}/lock", data={"locked": "1", "csrf_token": token}, follow_redirects=True
    )
    assert "Joining is locked" in text_of(response)
    db_session.refresh(activity)
    assert activity.joining_locked
    assert live(client, activity).get_json()["joining_locked"] is True
    assert not page(response).find(id="live-locked").has_attr("hidden")
    client.post(f"{url}/lock", data={"locked": "0", "csrf_token": token})
    db_session.refresh(activity)
    assert not activity.joining_locked
    actions = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.target_id == activity.id)
    ).all()
    assert "joining_locked" in actions and "joining_unlocked" in actions


def test_researchers_and_other_services_cannot_open_the_screen(make, sign_in, activity):
    researcher = sign_in(make.staff("researcher", activity.service))
    assert researcher.get(f"/results/activities/{activity.id}/present").status_code == 403
    assert live(researcher, activity).status_code == 403


def test_a_screen_without_an_etag_sees_each_new_answer_and_withdrawal(
    make, sign_in, activity, lead, db_session
):
    send(make, activity, 5)
    first = make.submission(activity, {0: [{"choice": 1}]})
    client = sign_in(lead)
    assert live(client, activity).get_json()["submitted"] == 6
    assert live(client, activity).get_json()["submitted"] == 6  # the kept body
    send(make, activity, 1)
    assert live(client, activity).get_json()["submitted"] == 7
    # Withdrawing an older submission leaves the newest in place: the count still changes.
    db_session.delete(first)
    db_session.flush()
    data = live(client, activity).get_json()
    assert data["submitted"] == 6
    rows = {row["label"]: row["value"] for row in data["questions"][0]["rows"]}
    assert rows["Happy"] == "6 (100%)"


def test_a_moderation_decision_changes_the_screen_at_once(make, sign_in, activity, lead):
    send(make, activity, 5, text="Longer sessions please")
    client = sign_in(lead)
    assert live(client, activity).get_json()["texts"] == []
    moderation = page(client.get(f"/results/activities/{activity.id}/moderation"))
    answer_id = moderation.select(".text-answer")[0]["data-answer-id"]
    token = csrf_token(client.get("/results/"))
    url = f"/results/activities/{activity.id}/moderation/{answer_id}"
    client.post(url, data={"decision": "approve", "csrf_token": token})
    assert live(client, activity).get_json()["texts"] == ["Longer sessions please"]
    client.post(url, data={"decision": "hide", "csrf_token": token})
    data = live(client, activity).get_json()
    assert data["texts"] == [] and "Longer sessions please" not in data["html"]


def test_a_flag_keeps_approved_text_off_the_screen_until_released(
    make, sign_in, activity, lead, db_session
):
    send(make, activity, 5)
    sent = make.submission(activity, {1: [{"text": "Something worrying"}]})
    answer = sent.answers[0]
    answer.moderation = APPROVED
    flag = Flag(
        answer_id=answer.id,
        activity_id=activity.id,
        service_id=activity.service_id,
        categories="harm",
    )
    db_session.add(flag)
    db_session.flush()
    client = sign_in(lead)
    assert live(client, activity).get_json()["texts"] == []
    flag.status = "reviewed"  # an outcome alone does not release the words
    db_session.flush()
    assert live(client, activity).get_json()["texts"] == []
    flag.released_at = flag.created_at
    db_session.flush()
    assert live(client, activity).get_json()["texts"] == ["Something worrying"]


def test_changed_question_wording_changes_the_etag_and_the_body(
    make, sign_in, activity, lead, db_session
):
    send(make, activity, 5)
    client = sign_in(lead)
    first = live(client, activity)
    activity.questions[0].prompt = "How was today?"
    db_session.flush()
    changed = live(client, activity, first.headers["ETag"].strip('"'))
    assert changed.status_code == 200
    assert changed.get_json()["questions"][0]["prompt"] == "How was today?"


def test_the_projected_screen_shows_no_flag_count_and_no_email(make, sign_in, activity, db_session):
    guard = make.staff("lead", activity.service, safeguarding=True)
    answer = make.submission(activity, {1: [{"text": "he hits me at home"}]}).answers[0]
    db_session.add(
        Flag(
            answer_id=answer.id,
            activity_id=activity.id,
            service_id=activity.service_id,
            categories="physical_domestic_abuse",
        )
    )
    db_session.flush()
    client = sign_in(guard)
    elsewhere = page(client.get("/results/"))
    assert elsewhere.select_one("#nav-safeguarding .badge").get_text() == "1"
    screen = page(client.get(f"/results/activities/{activity.id}/present"))
    assert screen.select_one("#nav-safeguarding") is None
    assert guard.email not in screen.get_text()
