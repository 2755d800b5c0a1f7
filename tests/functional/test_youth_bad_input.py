"""Bad input on the young people's forms: clear messages, answers kept, nothing half-saved."""

from __future__ import annotations

import pytest

from participation.activities.kinds import question_spec
from participation.models.enums import QuestionKind
from tests.functional.youth_journey import (
    Journey,
    answers_by_question,
    field_name,
    hidden_fields,
    submissions_of,
)
from tests.helpers import page, text_of

RTL_AND_EMOJI = "مرحبا بكم 👋🏽 שלום — the group was 🔥👩‍👩‍👧"


def at_question(client, activity, position: int) -> Journey:
    journey = Journey(client, activity)
    journey.consent()
    for _ in range(position):
        journey.press("pass")
    return journey


def finish(journey: Journey) -> None:
    while journey.soup.find(class_="progress"):
        journey.press("pass")
    journey.send()
    assert journey.heading() == "Thank you", text_of(journey.last)


def test_an_oversized_body_gets_a_friendly_413_with_quick_exit(client, make):
    journey = at_question(client, make.activity(), 4)
    response = client.post(
        "/answers", data={**hidden_fields(journey.last), "q1": "x" * (70 * 1024)}
    )
    assert response.status_code == 413
    text = text_of(response)
    assert "too much to send" in text
    assert "Leave this site" in text and "Childline" in text


@pytest.mark.parametrize(
    ("position", "value"),
    [(0, "6"), (0, "0"), (0, "happy"), (1, "-1"), (2, "4"), (7, "5"), (0, "1" * 40)],
)
def test_a_choice_that_is_not_offered_is_refused_next_to_the_field(
    client, make, db_session, position, value
):
    activity = make.activity()
    question = activity.questions[position]
    journey = at_question(client, activity, position)
    response = journey.press("next", {field_name(question): value})
    assert response.status_code == 400
    soup = page(response)
    assert soup.find(class_="error-summary").find("a")["href"] == f"#{field_name(question)}"
    assert "Choose one of the answers shown" in soup.find(class_="error-message").get_text()
    assert soup.find("fieldset")["aria-describedby"].endswith(f"{field_name(question)}-error")
    assert journey.progress() == f"{position + 1} of 8"


def test_choices_from_another_activity_are_refused(client, make, db_session):
    activity = make.activity()
    other = make.activity(
        questions=[question_spec("multiple_choice", "Other", options=[str(i) for i in range(9)])]
    )
    journey = at_question(client, activity, 3)
    response = journey.press("next", {field_name(activity.questions[3]): ["1", "9"]})
    assert response.status_code == 400
    assert "Choose from the answers shown" in text_of(response)
    # Only "1" is still ticked; the other activity's question is not part of this form.
    journey.press("next", {field_name(other.questions[0]): "3"})
    assert journey.progress() == "5 of 8"
    finish(journey)
    [submission] = submissions_of(db_session, activity)
    assert answers_by_question(db_session, submission) == {3: [(0, 1, None)]}
    assert submissions_of(db_session, other) == []


def test_too_many_picks_are_refused(client, make):
    activity = make.activity()
    journey = at_question(client, activity, 3)
    response = journey.press("next", {field_name(activity.questions[3]): ["1", "2", "3"]})
    assert response.status_code == 400
    assert "Choose up to 2. You chose 3." in text_of(response)
    assert len(journey.soup.find_all("input", checked=True)) == 3


@pytest.mark.parametrize(
    ("places", "message"),
    [
        ({"_r1": "1", "_r2": "1", "_r3": "2"}, "Give each one a different place."),
        ({"_r1": "1", "_r2": "4", "_r3": "2"}, "Give each one a place from the list"),
        ({"_r1": "1"}, "Give every one a place, or pass this question."),
    ],
)
def test_ranking_places_out_of_range_or_repeated(client, make, places, message):
    activity = make.activity()
    ranking = activity.questions[6]
    journey = at_question(client, activity, 6)
    response = journey.press("next", {field_name(ranking, k): v for k, v in places.items()})
    assert response.status_code == 400
    assert message in text_of(response)


def test_ranking_works_with_selects_and_fills_the_last_place(client, make, db_session):
    activity = make.activity()
    ranking = activity.questions[6]
    journey = at_question(client, activity, 6)
    selects = journey.soup.find_all("select")
    assert [s["name"] for s in selects] == [field_name(ranking, f"_r{c}") for c in (1, 2, 3)]
    for select in selects:
        label = journey.soup.find("label", attrs={"for": select["id"]})
        assert label is not None
    journey.press("next", {field_name(ranking, "_r3"): "1", field_name(ranking, "_r1"): "2"})
    finish(journey)
    [submission] = submissions_of(db_session, activity)
    assert answers_by_question(db_session, submission)[6] == [
        (0, 3, None),
        (1, 1, None),
        (2, 2, None),
    ]


def test_text_over_the_limit_is_kept_and_flagged_next_to_the_field(client, make):
    activity = make.activity()
    free_text = activity.questions[4]
    journey = at_question(client, activity, 4)
    too_long = "a" * 150 + " " + "b" * 60
    response = journey.press("next", {field_name(free_text): too_long})
    assert response.status_code == 400
    soup = page(response)
    textarea = soup.find("textarea", attrs={"name": field_name(free_text)})
    assert textarea.get_text() == too_long
    assert textarea["aria-invalid"] == "true"
    assert f"{field_name(free_text)}-error" in textarea["aria-describedby"]
    assert "Your answer has 211 characters. Make it 200 characters or fewer." in text_of(response)
    assert soup.find(class_="error-summary").find("a")["href"] == f"#{field_name(free_text)}"


def test_a_box_over_the_limit_points_at_that_box(client, make):
    activity = make.activity(questions=[question_spec(QuestionKind.THREE_BOXES, "About the group")])
    boxes = activity.questions[0]
    journey = at_question(client, activity, 0)
    response = journey.press(
        "next", {field_name(boxes, "_0"): "fine", field_name(boxes, "_2"): "z" * 1001}
    )
    assert response.status_code == 400
    soup = page(response)
    assert soup.find(class_="error-summary").find("a")["href"] == f"#{field_name(boxes, '_2')}"
    assert soup.find(id=field_name(boxes, "_0")).get_text() == "fine"
    assert soup.find(id=f"{field_name(boxes, '_2')}-error") is not None
    assert soup.find(id=f"{field_name(boxes, '_0')}-error") is None


def test_null_bytes_are_stripped_and_right_to_left_and_emoji_are_kept(client, make, db_session):
    activity = make.activity(
        questions=[
            question_spec(QuestionKind.FREE_TEXT, "Anything else?"),
            question_spec(QuestionKind.FREE_TEXT, "And?"),
        ]
    )
    first, second = activity.questions
    journey = at_question(client, activity, 0)
    journey.press("next", {field_name(first): "hel\x00lo the\x00re"})
    journey.press("next", {field_name(second): RTL_AND_EMOJI})
    assert RTL_AND_EMOJI in text_of(journey.last)
    assert "hello there" in text_of(journey.last)
    journey.send()
    [submission] = submissions_of(db_session, activity)
    assert answers_by_question(db_session, submission) == {
        0: [(0, None, "hello there")],
        1: [(0, None, RTL_AND_EMOJI)],
    }


def test_unknown_question_ids_in_the_form_are_ignored(client, make, db_session):
    activity = make.activity()
    journey = at_question(client, activity, 0)
    journey.press("next", {"q999999": "1", "q0": "2", field_name(activity.questions[0]): "5"})
    finish(journey)
    [submission] = submissions_of(db_session, activity)
    assert answers_by_question(db_session, submission) == {0: [(0, 5, None)]}


@pytest.mark.parametrize("draft", ["", "nonsense", ".eJyrVkpUsjI0.tampered"])
def test_a_missing_or_tampered_draft_starts_again_without_storing(client, make, db_session, draft):
    activity = make.activity()
    journey = at_question(client, activity, 1)
    fields = {**hidden_fields(journey.last), "draft": draft}
    for url in ("/answers", "/answers/send"):
        response = client.post(url, data=fields)
        assert response.status_code == 400
        assert "Nothing has been saved" in text_of(response)
    assert submissions_of(db_session, activity) == []


def test_a_step_out_of_range_goes_to_the_check_page(client, make):
    journey = at_question(client, make.activity(), 0)
    journey.press("next", step="9999")
    assert journey.heading() == "Check your answers"
    journey.press("next", step="-1")
    assert journey.heading() == "Check your answers"


def test_a_question_removed_while_answering_does_not_block_sending(client, make, db_session):
    activity = make.activity()
    journey = at_question(client, activity, 0)
    journey.press("next", {field_name(activity.questions[0]): "2"})
    journey.press("next", {field_name(activity.questions[1]): "3"})
    removed = activity.questions.pop(0)
    db_session.flush()
    assert removed.id not in {q.id for q in activity.questions}
    while journey.soup.find(class_="progress"):
        journey.press("pass")
    journey.send()
    assert journey.heading() == "Thank you"
    [submission] = submissions_of(db_session, activity)
    assert [a.choice for a in submission.answers] == [3]
