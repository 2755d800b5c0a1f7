"""The activity page in parts, the question gallery and bank, and question keys."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.activities.library import BANK, TEMPLATES
from participation.models import Activity, Question
from participation.models.activities import DRAFT, OPEN
from participation.models.enums import QuestionKind
from tests.functional.studio_forms import find_form, press, send_form
from tests.helpers import page, text_of


@pytest.fixture
def spoke(make):
    return make.service("Hillside Spoke", hub=make.service("Hillside Hub", kind="hub"))


@pytest.fixture
def lead(make, spoke):
    return make.staff("lead", spoke)


@pytest.fixture
def lead_client(sign_in, lead):
    return sign_in(lead)


def url(activity, part: str = "") -> str:
    return f"/studio/activities/{activity.id}{part}"


def test_each_part_has_its_own_address_and_form(lead_client, make, spoke):
    activity = make.activity(spoke, status=DRAFT)
    questions = page(lead_client.get(url(activity)))
    share = page(lead_client.get(url(activity, "/share")))
    settings = page(lead_client.get(url(activity, "/settings")))
    assert questions.select(".question-item") and not questions.find(id="consent_statement")
    assert share.find(id="join-code").find("svg") and not share.select(".question-item")
    assert settings.find(id="consent_statement") and not settings.find(id="join-code")
    for soup, current in ((questions, "Questions"), (share, "Share"), (settings, "Settings")):
        nav = soup.select_one("nav.activity-parts")
        assert nav.find("a", attrs={"aria-current": "page"}).get_text(strip=True) == current


def test_opening_lands_on_present_moderate_and_results(lead_client, make, spoke):
    activity = make.activity(spoke, status=DRAFT)
    response = press(lead_client, url(activity), url(activity, "/open"), follow_redirects=True)
    buttons = page(response).select_one("#room-buttons")
    links = {a.get_text(" ", strip=True).split()[0]: a["href"] for a in buttons.find_all("a")}
    assert links == {
        "Present": f"/results/activities/{activity.id}/present",
        "Moderate": f"/results/activities/{activity.id}/moderation",
        "Results": f"/results/activities/{activity.id}",
    }
    listing = page(lead_client.get("/studio/"))
    row = listing.find("tr", attrs={"data-activity-id": str(activity.id)})
    assert row.find("a", href=f"/results/activities/{activity.id}/present")


def test_moving_a_question_returns_to_it(lead_client, make, spoke, db_session):
    activity = make.activity(spoke, status=DRAFT)
    second = activity.questions[1]
    action = url(activity, f"/questions/{second.id}/move")
    soup = page(lead_client.get(url(activity)))
    form = (
        soup.find(id=f"question-{second.id}")
        .find("button", attrs={"data-move": "up"})
        .find_parent("form")
    )
    data = {i["name"]: i["value"] for i in form.find_all("input")}
    response = lead_client.post(action, data=data)
    assert response.headers["Location"].endswith(f"{url(activity)}#question-{second.id}")
    db_session.expire_all()
    assert activity.questions[0].id == second.id
    moved = page(lead_client.get(url(activity)))
    item = moved.find(id=f"question-{second.id}")
    assert item["tabindex"] == "-1"  # the anchor can take focus
    assert moved.select(".question-item")[0] is item


def test_removing_a_question_returns_to_the_next_one(lead_client, make, spoke):
    activity = make.activity(spoke, status=DRAFT)
    first, second = activity.questions[0], activity.questions[1]
    response = press(lead_client, url(activity), url(activity, f"/questions/{first.id}/remove"))
    assert response.headers["Location"].endswith(f"#question-{second.id}")


def test_the_gallery_shows_every_kind_with_a_picture_and_an_example(lead_client, make, spoke):
    activity = make.activity(spoke, status=DRAFT, questions=[])
    soup = page(lead_client.get(url(activity, "/questions/new")))
    cards = soup.select(".kind-gallery .kind-card")
    assert {card["data-kind"] for card in cards} == set(QuestionKind)
    for card in cards:
        assert card.find("svg", class_="kind-picture")
        assert "For example:" in card.get_text()
    assert not soup.find("img")  # nothing fetched from elsewhere
    groups = [h.get_text(strip=True) for h in soup.select("#bank h3")]
    assert groups == ["Reflection prompts", "Reach questions", "Outcome questions"]


def test_a_bank_question_keeps_its_key_through_rewording(lead_client, make, spoke, db_session):
    activity = make.activity(spoke, status=DRAFT, questions=[])
    gallery = lead_client.get(url(activity, "/questions/new"))
    response = send_form(
        lead_client,
        gallery,
        url(activity, "/questions/bank"),
        {"bank_key": "bank:feel-safer"},
    )
    assert response.status_code == 302
    question = db_session.scalars(select(Question).where(Question.activity_id == activity.id)).one()
    assert question.key == "bank:feel-safer"
    assert question.prompt == BANK["bank:feel-safer"]["prompt"]
    edit = url(activity, f"/questions/{question.id}")
    send_form(
        lead_client,
        lead_client.get(edit),
        edit,
        {"prompt": "Do you feel safer now than when you first came?"},
    )
    db_session.expire_all()
    assert question.key == "bank:feel-safer"


def test_a_custom_question_can_be_linked_to_a_bank_question(lead_client, make, spoke, db_session):
    activity = make.activity(spoke, status=DRAFT)
    question = activity.questions[1]  # a traffic light
    assert question.key.startswith("wording:")
    edit = url(activity, f"/questions/{question.id}")
    form = find_form(lead_client.get(edit), f"{edit}/link")
    offered = {o["value"] for o in form.find_all("option")}
    assert "bank:feel-safer" in offered and "bank:know-help" not in offered  # same kind only
    send_form(lead_client, lead_client.get(edit), f"{edit}/link", {"bank_key": "bank:feel-safer"})
    db_session.expire_all()
    assert question.key == "bank:feel-safer"
    assert "Bank: Do you feel safer" in text_of(lead_client.get(url(activity)))


def test_template_questions_share_keys_and_the_dashboard_groups_rewordings(
    lead_client, make, spoke, db_session
):
    for _ in range(2):
        press(lead_client, "/studio/templates", "/studio/templates/workshop-day")
    first, second = db_session.scalars(select(Activity).order_by(Activity.id)).all()
    assert [q.key for q in first.questions] == [q.key for q in second.questions]
    assert first.questions[0].key == "template:workshop-day:1"
    second.questions[0].prompt = "How was today for you overall?"
    for activity in (first, second):
        activity.status = OPEN
        for _ in range(3):
            make.submission(activity, {0: [{"choice": 4}]})
    db_session.flush()
    soup = page(lead_client.get("/results/"))
    rows = [row.get_text(" ", strip=True) for row in soup.select("table tbody tr")]
    overall = [row for row in rows if "today" in row and "overall" in row]
    assert len(overall) == 1
    assert "Grouped wordings" in overall[0]
    assert "How was today for you overall?" in overall[0] and "How was today overall?" in overall[0]


def test_the_templates_give_every_question_a_key():
    for template in TEMPLATES.values():
        assert all(spec["key"] for spec in template["questions"])


def test_unlinking_returns_a_question_to_its_own_wording_key(make, spoke, lead, db_session):
    from participation.activities.bank import add_from_bank, link_question
    from participation.activities.settings import ActivityError
    from participation.problems import NotFound

    activity = make.activity(spoke, status=DRAFT, questions=[])
    question = add_from_bank(db_session, lead, activity, "bank:listened-to")
    with pytest.raises(ActivityError):
        link_question(db_session, lead, question, "bank:know-help")  # a different kind
    with pytest.raises(NotFound):
        add_from_bank(db_session, lead, activity, "bank:no-such-question")
    link_question(db_session, lead, question, "")
    assert question.key.startswith("wording:")
