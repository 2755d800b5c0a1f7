"""Young people's pages keep each activity per content version, and never show an old one.

Each test opens a young person's page first (so the process keeps the activity), changes
something the way staff do, and checks that the very next young person's page shows it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from participation.activities.kinds import question_spec
from participation.models import Activity, Submission
from participation.models.activities import DRAFT
from participation.models.enums import QuestionKind
from tests.functional.studio_forms import errors_on, press, send_form
from tests.functional.youth_journey import Journey, field_name
from tests.helpers import page


@pytest.fixture
def spoke(make):
    return make.service("Riverbend Spoke", hub=make.service("Riverbend Hub", kind="hub"))


@pytest.fixture
def activity(make, spoke):
    return make.activity(
        spoke,
        title="Summer trip",
        questions=[
            question_spec(QuestionKind.SINGLE_CHOICE, "Would you go again?", options=["Yes", "No"]),
            question_spec(QuestionKind.FREE_TEXT, "Anything else?"),
        ],
    )


@pytest.fixture
def lead_client(sign_in, make, spoke):
    return sign_in(make.staff("lead", spoke))


@pytest.fixture
def youth(app):
    """A young person's phone (a client of its own, apart from the signed-in lead's)."""
    return app.test_client()


def edit_url(activity: Activity) -> str:
    return f"/studio/activities/{activity.id}"


def text_of(response) -> str:
    return page(response).get_text(" ", strip=True)


def first_page(youth, activity: Activity) -> str:
    """What a young person sees after saying yes."""
    return text_of(Journey(youth, activity).consent())


def consent_page(youth, activity: Activity) -> str:
    return text_of(youth.get(f"/j/{activity.join_code}"))


def save_settings(lead_client, activity: Activity, changes: dict) -> None:
    settings_url = f"{edit_url(activity)}/settings"
    response = send_form(lead_client, lead_client.get(settings_url), settings_url, changes)
    assert response.status_code == 302, errors_on(response)


def test_a_new_title_intro_and_consent_wording_show_at_once(lead_client, youth, activity):
    before = consent_page(youth, activity)
    assert "Summer trip" in before
    save_settings(
        lead_client,
        activity,
        {
            "title": "Winter trip",
            "intro": "Tell us about the snow.",
            "consent_statement": "Brand new wording: skip anything you like.",
        },
    )
    after = consent_page(youth, activity)
    assert "Winter trip" in after and "Summer trip" not in after
    assert "Tell us about the snow." in after
    assert "Brand new wording: skip anything you like." in after


def test_research_choice_and_one_page_settings_show_at_once(lead_client, youth, activity):
    assert "researchers" not in consent_page(youth, activity).lower()
    assert "1 of 2" in first_page(youth, activity)
    save_settings(lead_client, activity, {"research_sharing": "ask", "one_page": "1"})
    consent = page(youth.get(f"/j/{activity.join_code}"))
    assert consent.find("input", attrs={"name": "research"}) is not None
    answering = text_of(Journey(youth, activity).consent())
    assert "Would you go again?" in answering and "Anything else?" in answering


def test_questions_added_changed_and_removed_show_at_once(lead_client, youth, activity, db_session):
    assert "Would you go again?" in first_page(youth, activity)
    first = activity.questions[0]
    url = f"{edit_url(activity)}/questions/{first.id}"
    response = send_form(
        lead_client,
        lead_client.get(url),
        url,
        {"prompt": "Would you go on this trip again?", "options": "Yes\nMaybe\nNo"},
    )
    assert response.status_code == 302, errors_on(response)
    shown = page(Journey(youth, activity).consent())
    assert "Would you go on this trip again?" in shown.get_text()
    labels = [label.get_text(strip=True) for label in shown.find_all("label")]
    assert "Maybe" in labels

    press(lead_client, edit_url(activity), f"{edit_url(activity)}/questions/{first.id}/remove")
    assert "Anything else?" in first_page(youth, activity)
    assert "1 of 1" in first_page(youth, activity)

    new_url = f"{edit_url(activity)}/questions/new?kind=free_text"
    response = send_form(
        lead_client, lead_client.get(new_url), new_url, {"prompt": "What should we change?"}
    )
    assert response.status_code == 302, errors_on(response)
    journey = Journey(youth, activity)
    journey.consent()
    journey.press("pass")
    assert "What should we change?" in text_of(journey.last)


def test_help_links_of_the_activity_and_of_its_service_show_at_once(
    lead_client, youth, activity, make, sign_in, spoke
):
    assert "Childline" in consent_page(youth, activity)
    admin = youth.application.test_client()
    sign_in(make.staff("admin"), into=admin)
    url = f"/admin/services/{spoke.id}"
    response = send_form(
        admin,
        admin.get(url),
        url,
        {"signposting": "Riverbend helpline | Talk to us | | 01632960123"},
    )
    assert response.status_code == 302, errors_on(response)
    assert "Riverbend helpline" in consent_page(youth, activity)

    save_settings(
        lead_client,
        activity,
        {"own_help_links": "y", "help_links": "Trip buddy line | Any worries | | 01632960999"},
    )
    after = consent_page(youth, activity)
    assert "Trip buddy line" in after and "Riverbend helpline" not in after


def test_a_new_code_and_a_lock_show_at_once(lead_client, youth, activity):
    old_code = activity.join_code
    assert "Summer trip" in consent_page(youth, activity)
    response = send_form(
        lead_client,
        lead_client.get(f"{edit_url(activity)}/share"),
        f"{edit_url(activity)}/code",
        {"code": "pqrs23"},
    )
    assert response.status_code == 302, errors_on(response)
    assert youth.get(f"/j/{old_code}").status_code == 404
    assert "Summer trip" in text_of(youth.get("/j/PQRS23"))

    press(lead_client, edit_url(activity), f"{edit_url(activity)}/lock")
    assert "stopped new people joining" in text_of(youth.get("/j/PQRS23"))


def test_closing_stops_the_next_send(lead_client, youth, activity, db_session):
    journey = Journey(youth, activity)
    journey.consent()
    journey.press("next", {field_name(activity.questions[0]): "1"})
    journey.press("pass")
    assert "Send" in text_of(journey.last)  # the check page, ready to send
    press(lead_client, edit_url(activity), f"{edit_url(activity)}/close")
    response = journey.send()
    assert response.status_code == 409
    assert "Your answers have not been saved" in text_of(response)
    stored = (
        select(func.count()).select_from(Submission).where(Submission.activity_id == activity.id)
    )
    assert db_session.scalar(stored) == 0
    assert "closed" in consent_page(youth, activity)


def test_a_change_saved_by_another_process_is_seen_on_the_next_request(youth, activity, db_session):
    # Another worker's change reaches this process only through the database.
    assert "Summer trip" in consent_page(youth, activity)
    activity.questions[0].hint = "Think about the whole day."
    activity.status = DRAFT
    db_session.flush()
    assert "not open yet" in consent_page(youth, activity)
    activity.status = "open"
    db_session.flush()
    assert "Think about the whole day." in first_page(youth, activity)


def test_an_unchanged_activity_is_read_once(youth, activity, app):
    from participation.activities import snapshot

    loads = []
    real = snapshot.from_model
    snapshot.forget()
    try:
        snapshot.from_model = lambda model: loads.append(model.id) or real(model)  # type: ignore[assignment]
        consent_page(youth, activity)
        first_page(youth, activity)
        first_page(youth, activity)
    finally:
        snapshot.from_model = real  # type: ignore[assignment]
    assert loads == [activity.id]
