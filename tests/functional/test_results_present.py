"""The present screen: shares for small groups, private questions, moderation without reloads."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.activities.design import create_from_template
from participation.activities.kinds import question_spec
from participation.activities.library import sensitive
from participation.activities.questions import QuestionDraft, add_question
from participation.models import Answer, Question
from participation.models.enums import QuestionKind
from participation.models.submissions import APPROVED, PENDING
from tests.helpers import csrf_token, page, text_of

QUESTIONS = [
    question_spec(QuestionKind.TRAFFIC_LIGHT, "Did you feel listened to?"),
    question_spec(QuestionKind.THREE_BOXES, "About today"),
    sensitive(question_spec(QuestionKind.REACH, "", topic="age_band")),
]


@pytest.fixture
def activity(make):
    return make.activity(make.service("Millbrook Test Spoke"), questions=QUESTIONS)


@pytest.fixture
def lead(make, activity):
    return make.staff("lead", activity.service)


def group(make, activity, size):
    for person in range(size):
        make.submission(
            activity,
            {
                0: [{"choice": 1 + person % 3}],
                1: [{"part": person % 3, "text": f"Idea number {person}"}],
                2: [{"choice": 1}],
            },
        )


def screen(client, activity, number=1, **args):
    return page(
        client.get(f"/results/activities/{activity.id}/present", query_string={"q": number, **args})
    )


@pytest.mark.parametrize(("size", "shown"), [(3, False), (5, True), (7, True), (30, True)])
def test_a_question_shows_shares_once_k_answered_it(make, sign_in, activity, lead, size, shown):
    group(make, activity, size)
    doc = screen(sign_in(lead), activity)
    values = [v.get_text() for v in doc.select(".pchart__value")]
    if not shown:
        assert values == []
        assert "Results appear once 5 people have answered this question (2 more to go)" in (
            doc.get_text(" ", strip=True)
        )
        return
    assert len(values) == 3 and all(v.endswith("%") for v in values)
    # Shares only: the table behind "Show numbers" has no per-cell counts either.
    assert [td.get_text() for td in doc.select(".ptable td")] == values
    assert "fewer than" not in doc.get_text()


def test_a_question_marked_never_on_the_big_screen_shows_no_results(make, sign_in, activity, lead):
    group(make, activity, 30)
    doc = screen(sign_in(lead), activity, 3)
    assert doc.find(id="pq-private")
    assert not doc.select(".pchart, .ptable")


def test_the_screen_has_no_staff_chrome_and_the_join_details(make, sign_in, activity, lead):
    doc = screen(sign_in(lead), activity)
    assert not doc.select(".staff-header, nav[aria-label=Main], .badge")
    assert lead.email not in doc.get_text()
    assert doc.find(id="join-code").get_text() == activity.join_code
    assert doc.select_one(".pcorner__qr svg")
    assert doc.find(id="next")["href"].endswith("q=2")


def test_approved_quotes_sit_under_their_question_and_box(
    make, sign_in, activity, lead, db_session
):
    group(make, activity, 6)
    approved = db_session.scalars(select(Answer).where(Answer.text == "Idea number 2")).one()
    approved.moderation = APPROVED
    db_session.flush()
    doc = screen(sign_in(lead), activity, 2)
    boxes = doc.select(".pquotes__box")
    assert [b.find("h2").get_text() for b in boxes] == [
        "What's working well?",
        "What's not working?",
        "What would you change?",
    ]
    assert "Idea number 2" in boxes[2].get_text()
    assert "Idea number" not in boxes[0].get_text() + boxes[1].get_text()


def test_free_text_gets_a_word_cloud_of_approved_short_answers(make, sign_in, lead, db_session):
    activity = make.activity(
        lead.service, questions=[question_spec(QuestionKind.FREE_TEXT, "One word for today?")]
    )
    for text in ["Pizza", "pizza party", "Games", "secret plans"]:
        make.submission(activity, {0: [{"text": text}]})
    for answer in db_session.scalars(select(Answer).where(Answer.text != "secret plans")):
        answer.moderation = APPROVED
    db_session.flush()
    group(make, activity, 0)
    client = sign_in(lead)
    activity.k_threshold = 3
    db_session.flush()
    doc = screen(client, activity)
    cloud = doc.select_one(".pcloud svg")
    assert cloud and "pizza" in cloud.get_text() and "secret" not in cloud.get_text()
    words = [li.get_text() for li in doc.select("ul[aria-label='Words written most often'] li")]
    assert words[0] == "pizza: 2"


def test_present_json_carries_every_question_and_answers_304(make, sign_in, activity, lead):
    group(make, activity, 6)
    client = sign_in(lead)
    url = f"/results/activities/{activity.id}/present.json"
    first = client.get(url)
    data = first.get_json()
    assert [q["number"] for q in data["questions"]] == [1, 2, 3]
    assert data["submitted"] == 6 and data["code"] == activity.join_code
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    group(make, activity, 1)
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_the_leads_view_lists_questions_with_suppressed_counts(make, sign_in, activity, lead):
    group(make, activity, 3)
    doc = page(sign_in(lead).get(f"/results/activities/{activity.id}/present/lead"))
    rows = doc.select("#lead-questions tbody tr")
    assert len(rows) == 3
    assert "fewer than 5" in rows[0].get_text()
    assert "Never (private)" in rows[2].get_text()


def test_a_new_code_from_the_screen(make, sign_in, activity, lead, db_session):
    client = sign_in(lead)
    old = activity.join_code
    token = csrf_token(client.get(f"/results/activities/{activity.id}/present"))
    response = client.post(
        f"/results/activities/{activity.id}/present/code",
        data={"csrf_token": token, "q": "2"},
    )
    assert response.headers["Location"].endswith("/present?q=2")
    db_session.refresh(activity)
    assert activity.join_code != old


def test_moderation_by_fetch_and_approve_all_shown(make, sign_in, activity, lead, db_session):
    group(make, activity, 4)
    client = sign_in(lead)
    doc = page(client.get(f"/results/activities/{activity.id}/moderation"))
    headings = [h.get_text() for h in doc.select(".moderate-group h2")]
    assert headings[0] == "Question 2: About today – What's working well?"
    token = csrf_token(client.get("/results/"))
    first = doc.select(".moderate-item")[0]["data-answer-id"]
    response = client.post(
        f"/results/activities/{activity.id}/moderation/{first}",
        data={"decision": "hide", "csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert response.get_json()["ok"] and response.get_json()["counts"]["hidden"] == 1
    shown = [i["data-answer-id"] for i in doc.select(".moderate-item")][1:3]
    response = client.post(
        f"/results/activities/{activity.id}/moderation/approve-all",
        data={"csrf_token": token, "answer_id": shown},
        follow_redirects=True,
    )
    assert "Approved 2 answers." in text_of(response)
    states = db_session.scalars(select(Answer.moderation).where(Answer.text.is_not(None))).all()
    assert states.count(APPROVED) == 2 and states.count(PENDING) == 1
    listed = page(client.get(f"/results/activities/{activity.id}/moderation?part=list"))
    assert len(listed.select(".moderate-item")) == 1 and not listed.find("html")


def test_templates_mark_sensitive_questions_and_the_form_changes_the_mark(
    make, sign_in, lead, db_session
):
    activity = create_from_template(db_session, lead, "group-work")
    marks = {q.prompt: q.never_on_screen for q in activity.questions}
    assert marks["Does the group feel like a safe space?"] is True
    assert marks["How do you feel about the group?"] is False
    reach = create_from_template(db_session, lead, "reach")
    assert all(q.never_on_screen for q in reach.questions)
    added = add_question(db_session, lead, activity, QuestionDraft(kind="reach", topic="gender"))
    plain = add_question(db_session, lead, activity, QuestionDraft(kind="free_text", prompt="Hi?"))
    db_session.refresh(plain)
    assert added.never_on_screen is True and plain.never_on_screen is False
    client = sign_in(lead)
    form = page(client.get(f"/studio/activities/{activity.id}/questions/new?kind=reach"))
    assert form.find("input", attrs={"name": "never_on_screen"}).has_attr("checked")
    question = activity.questions[0]
    edit = f"/studio/activities/{activity.id}/questions/{question.id}"
    token = csrf_token(client.get(edit))
    client.post(
        edit,
        data={
            "csrf_token": token,
            "kind": question.kind,
            "prompt": question.prompt,
            "never_on_screen": "y",
        },
    )
    db_session.refresh(question)
    assert db_session.get(Question, question.id).never_on_screen is True


def test_approve_all_sends_a_possible_disclosure_to_the_lead_instead(
    make, sign_in, lead, db_session
):
    activity = make.activity(
        lead.service, questions=[question_spec(QuestionKind.FREE_TEXT, "Anything else?")]
    )
    ordinary = make.submission(activity, {0: [{"text": "More trips"}]}).answers[0]
    worrying = make.submission(activity, {0: [{"text": "my dad hits me when he drinks"}]})
    client = sign_in(lead)
    token = csrf_token(client.get("/results/"))
    response = client.post(
        f"/results/activities/{activity.id}/moderation/approve-all",
        data={"csrf_token": token, "answer_id": [ordinary.id, worrying.answers[0].id, 999999]},
        headers={"Accept": "application/json"},
    )
    result = response.get_json()
    assert not result["ok"]
    assert result["message"] == (
        "Approved 1 answer. 1 went to the safeguarding lead instead: the safeguarding check "
        "found words that may be a disclosure. 1 could not be approved (already decided, or "
        "withdrawn)."
    )
    db_session.refresh(worrying.answers[0])
    assert worrying.answers[0].moderation == PENDING
    assert result["counts"]["approved"] == 1
