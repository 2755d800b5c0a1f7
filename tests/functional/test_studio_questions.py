"""Writing questions in the studio, without JavaScript, as a participation lead."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from participation.activities.kinds import PREFER_NOT_TO_SAY, question_spec
from participation.activities.questions import MAX_QUESTIONS
from participation.models import AuditEvent, Question
from participation.models.activities import DRAFT
from participation.models.enums import QuestionKind
from tests.functional.studio_forms import errors_on, field_error, press, send_form
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


@pytest.fixture
def draft(make, spoke):
    return make.activity(spoke, status=DRAFT, questions=[], title="Summer trip")


def questions_url(activity) -> str:
    return f"/studio/activities/{activity.id}/questions"


def add(client, activity, kind: str, fields: dict[str, str]):
    """Pick the kind on the first page, then fill in and send the question form."""
    picker = client.get(f"{questions_url(activity)}/new")
    kinds = {card["data-kind"] for card in page(picker).select(".kind-gallery [data-kind]")}
    assert kind in kinds
    form_page = client.get(f"{questions_url(activity)}/new?kind={kind}")
    assert form_page.status_code == 200
    return send_form(client, form_page, f"{questions_url(activity)}/new?kind={kind}", fields)


ONE_OF_EACH = [
    ("emoji_scale", {"prompt": "How was the trip?"}),
    ("traffic_light", {"prompt": "Did you feel safe?"}),
    ("single_choice", {"prompt": "Would you go again?", "options": "Yes\nMaybe\nNo"}),
    (
        "multiple_choice",
        {"prompt": "What did you enjoy?", "options": "Beach\nFood\nGames\nBus", "max_picks": "2"},
    ),
    ("free_text", {"prompt": "What else should we know?", "max_length": "300"}),
    ("three_boxes", {"prompt": "About the trip"}),
    ("ranking", {"prompt": "Put these in order", "options": "Safety\nFun\nFriends"}),
    ("reach", {"topic": "living_situation", "prompt": ""}),
]


def test_a_lead_adds_one_question_of_each_kind(lead_client, draft, db_session):
    for kind, fields in ONE_OF_EACH:
        # The form posts back to the page it came from, kind included.
        response = add(lead_client, draft, kind, fields)
        assert response.status_code == 302, (kind, errors_on(response))
        added = max(q.id for q in db_session.scalars(select(Question)))
        assert response.headers["Location"].endswith(
            f"/studio/activities/{draft.id}#question-{added}"
        )
    db_session.expire_all()
    questions = draft.questions
    assert [q.kind for q in questions] == [kind for kind, _ in ONE_OF_EACH]
    assert [q.position for q in questions] == list(range(8))
    faces, light, single, multiple, text, boxes, ranking, reach = questions
    assert [o["label"] for o in faces.options] == [
        "Really unhappy",
        "Unhappy",
        "Okay",
        "Happy",
        "Really happy",
    ]
    assert [o["colour"] for o in light.options] == ["red", "amber", "green"]
    assert [(o["code"], o["label"]) for o in single.options] == [
        (1, "Yes"),
        (2, "Maybe"),
        (3, "No"),
    ]
    assert multiple.settings == {"max_picks": 2}
    assert text.settings == {"max_length": 300}
    assert len(boxes.settings["boxes"]) == 3
    assert [o["label"] for o in ranking.options] == ["Safety", "Fun", "Friends"]
    assert reach.prompt == "Where do you live at the moment?"
    assert reach.options[-1] == {"code": PREFER_NOT_TO_SAY, "label": "Prefer not to say"}
    for question in questions:
        assert "required" not in question.settings
    edit = lead_client.get(f"/studio/activities/{draft.id}")
    assert len(page(edit).select(".question-item")) == 8
    added = db_session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "question_added")
    )
    assert added == 8


def test_the_kind_picker_asks_again_when_nothing_is_chosen(lead_client, draft):
    response = lead_client.get(f"{questions_url(draft)}/new?kind=")
    assert errors_on(response) == {"kind": "Choose a kind of question."}


def test_faces_and_traffic_lights_keep_their_fixed_options(lead_client, draft, db_session):
    form_page = lead_client.get(f"{questions_url(draft)}/new?kind=emoji_scale")
    assert page(form_page).find(id="options") is None  # nothing to type
    response = send_form(
        lead_client,
        form_page,
        f"{questions_url(draft)}/new?kind=emoji_scale",
        {"prompt": "How was it?", "options": "Great\nBad", "required": "y"},
    )
    assert response.status_code == 302
    question = db_session.scalars(select(Question).where(Question.activity_id == draft.id)).one()
    assert len(question.options) == 5
    assert question.settings == {}


@pytest.mark.parametrize(
    ("kind", "fields", "field", "message"),
    [
        (
            "single_choice",
            {"prompt": "Pick", "options": "Only one"},
            "options",
            "Give at least 2 options, one on each line.",
        ),
        (
            "ranking",
            {"prompt": "Order", "options": "A\nB\nC\nD\nE\nF\nG"},
            "options",
            "A ranking can have up to 6 items.",
        ),
        (
            "multiple_choice",
            {"prompt": "Pick", "options": "A\nB\nC", "max_picks": "4"},
            "max_picks",
            "The most a young person can pick must be between 1 and 3.",
        ),
        (
            "multiple_choice",
            {"prompt": "Pick", "options": "A\nB", "max_picks": "two"},
            "max_picks",
            "Enter a whole number, like 5.",
        ),
        (
            "single_choice",
            {"prompt": "Pick", "options": "A\n" + "o" * 121},
            "options",
            "Option 2 is too long: use 120 characters or fewer.",
        ),
        (
            "free_text",
            {"prompt": "p" * 501},
            "prompt",
            "Use 500 characters or fewer for the question.",
        ),
        ("free_text", {"prompt": ""}, "prompt", "Enter the question."),
        ("reach", {"topic": ""}, "topic", "Choose what the question is about."),
    ],
)
def test_bad_questions_get_a_message_next_to_the_field(
    lead_client, draft, db_session, kind, fields, field, message
):
    url = f"{questions_url(draft)}/new?kind={kind}"
    response = send_form(lead_client, lead_client.get(url), url, fields)
    assert response.status_code == 200
    assert errors_on(response)[field] == message
    assert field_error(response, field) == message
    count = select(func.count()).select_from(Question).where(Question.activity_id == draft.id)
    assert db_session.scalar(count) == 0


def test_no_more_than_fifty_questions(lead_client, make, spoke, db_session):
    specs = [question_spec(QuestionKind.FREE_TEXT, f"Question {n}?") for n in range(MAX_QUESTIONS)]
    activity = make.activity(spoke, status=DRAFT, questions=specs)
    url = f"{questions_url(activity)}/new?kind=free_text"
    response = send_form(lead_client, lead_client.get(url), url, {"prompt": "One too many?"})
    assert "An activity can have up to 50 questions." in errors_on(response).values()
    db_session.expire_all()
    assert len(activity.questions) == MAX_QUESTIONS


def test_move_and_remove_questions_with_buttons(lead_client, make, spoke, db_session):
    activity = make.activity(
        spoke,
        status=DRAFT,
        questions=[
            question_spec(QuestionKind.FREE_TEXT, prompt)
            for prompt in ("First?", "Second?", "Third?")
        ],
    )
    edit = f"/studio/activities/{activity.id}"
    third = activity.questions[2]
    response = press(
        lead_client, edit, f"{questions_url(activity)}/{third.id}/move", changes={"direction": None}
    )
    assert response.status_code == 400  # no direction: the buttons always send one

    def move(question, direction):
        page_now = lead_client.get(edit)
        forms = [
            f
            for f in page(page_now).find_all("form")
            if f.get("action") == f"{questions_url(activity)}/{question.id}/move"
            and f.find("input", attrs={"name": "direction", "value": direction})
        ]
        assert len(forms) == 1
        token = forms[0].find("input", attrs={"name": "csrf_token"})["value"]
        return lead_client.post(
            forms[0]["action"], data={"csrf_token": token, "direction": direction}
        )

    assert move(third, "up").status_code == 302
    db_session.expire_all()
    assert [q.prompt for q in activity.questions] == ["First?", "Third?", "Second?"]
    move(activity.questions[0], "down")
    db_session.expire_all()
    assert [q.prompt for q in activity.questions] == ["Third?", "First?", "Second?"]
    response = press(
        lead_client, edit, f"{questions_url(activity)}/{activity.questions[1].id}/remove"
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert [(q.position, q.prompt) for q in activity.questions] == [(0, "Third?"), (1, "Second?")]


def test_answered_questions_can_only_have_their_wording_fixed(lead_client, make, spoke, db_session):
    activity = make.activity(spoke)
    make.submission(activity, {2: [{"choice": 1}]})
    edit_url = f"/studio/activities/{activity.id}"
    edit = lead_client.get(edit_url)
    assert "so questions can't be added, removed or moved" in text_of(edit)
    assert page(edit).find("a", string="Add a question") is None
    assert not page(edit).select("form[action$='/remove']")
    assert not page(edit).select("form[action$='/move']")

    # The buttons are gone, but a stale page could still send: it is refused, with the reason.
    question = activity.questions[2]  # Would you come again? Yes / Maybe / No
    token = page(edit).find("input", attrs={"name": "csrf_token"})["value"]
    response = lead_client.post(
        f"{questions_url(activity)}/{question.id}/remove", data={"csrf_token": token}
    )
    assert response.status_code == 200
    assert "Duplicate the activity and change the copy instead" in errors_on(response)["questions"]
    new_page = lead_client.get(f"{questions_url(activity)}/new?kind=free_text")
    assert page(new_page).find("textarea") is None
    assert "already answered" in text_of(new_page)

    url = f"{questions_url(activity)}/{question.id}"
    response = send_form(
        lead_client, lead_client.get(url), url, {"options": "Yes\nMaybe\nNo\nNot sure"}
    )
    assert response.status_code == 200
    assert "only fix its wording" in field_error(response, "options")

    response = send_form(
        lead_client, lead_client.get(url), url, {"prompt": "What is your favourite food?"}
    )
    assert "reads like a different question" in field_error(response, "prompt")

    response = send_form(
        lead_client, lead_client.get(url), url, {"prompt": "Would you come again next time?"}
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert question.prompt == "Would you come again next time?"
    assert [o["code"] for o in question.options] == [1, 2, 3]
    assert len(activity.questions) == 8
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "question_changed")
    ).one()
    assert event.detail["wording_fix_after_answers"] is True


def test_questions_of_another_activity_are_not_found(lead_client, make, spoke):
    mine = make.activity(spoke, status=DRAFT)
    theirs = make.activity(spoke, status=DRAFT)
    other = theirs.questions[0]
    assert lead_client.get(f"{questions_url(mine)}/{other.id}").status_code == 404
    token = page(lead_client.get("/studio/")).find("input", attrs={"name": "csrf_token"})["value"]
    response = lead_client.post(
        f"{questions_url(mine)}/{other.id}/remove", data={"csrf_token": token}
    )
    assert response.status_code == 404


def test_drag_and_drop_sends_the_whole_new_order(lead_client, make, spoke, db_session):
    activity = make.activity(
        spoke,
        status=DRAFT,
        questions=[
            question_spec(QuestionKind.FREE_TEXT, prompt)
            for prompt in ("First?", "Second?", "Third?")
        ],
    )
    edit = lead_client.get(f"/studio/activities/{activity.id}")
    soup = page(edit)
    assert soup.find("script", src="/static/studio.js")
    reorder_url = soup.find(class_="question-list")["data-reorder-url"]
    token = soup.find("input", attrs={"name": "csrf_token"})["value"]
    first, second, third = (q.id for q in activity.questions)
    response = lead_client.post(
        reorder_url, data={"csrf_token": token, "order": f"{third},{first},{second}"}
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert [q.prompt for q in activity.questions] == ["Third?", "First?", "Second?"]
    # An out-of-date list (a question missing) changes nothing and says why.
    response = lead_client.post(reorder_url, data={"csrf_token": token, "order": f"{first}"})
    assert errors_on(response) == {
        "questions": "The page was out of date. Reload it and try again."
    }
    assert (
        lead_client.post(reorder_url, data={"csrf_token": token, "order": "x"}).status_code == 400
    )
