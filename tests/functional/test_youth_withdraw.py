"""Withdrawing answers with the code from the thanks page."""

from __future__ import annotations

from datetime import timedelta

from participation import throttle
from participation.models import Submission
from tests.functional.youth_journey import Journey, answer_count, field_name, submissions_of
from tests.helpers import page, submit_form, text_of

WITHDRAW_LIMIT = int(throttle.WITHDRAW_PER_CLIENT.split()[0])


def send_answers(client, activity) -> str:
    """Answer the first question, pass the rest, send; return the withdrawal code."""
    journey = Journey(client, activity)
    journey.consent()
    journey.press("next", {field_name(activity.questions[0]): "3"})
    while journey.soup.find(class_="progress"):
        journey.press("pass")
    journey.send()
    return journey.soup.find(id="withdrawal-code").get_text(strip=True)


def test_withdrawing_within_the_window_deletes_the_answers(client, make, db_session):
    activity = make.activity()
    code = send_answers(client, activity)
    other_code = send_answers(client, activity)
    assert answer_count(db_session, activity) == 2
    response = submit_form(client, "/withdraw", {"code": "  " + code.upper().replace("-", " ")})
    assert response.status_code == 200
    assert page(response).find("h1").get_text() == "Your answers have been deleted"
    [left] = submissions_of(db_session, activity)
    assert answer_count(db_session, activity) == 1
    again = submit_form(client, "/withdraw", {"code": code})
    assert again.status_code == 400
    assert "We could not find answers with that code" in text_of(again)
    assert other_code != code and left is not None


def test_withdrawing_after_the_window_is_refused_kindly(client, make, db_session):
    activity = make.activity(withdrawal_days=28)
    code = send_answers(client, activity)
    [submission] = submissions_of(db_session, activity)
    submission.submitted_hour -= timedelta(days=29)
    db_session.flush()
    response = submit_form(client, "/withdraw", {"code": code})
    assert response.status_code == 400
    message = page(response).find(class_="error-message").get_text()
    assert "too late" in message
    assert db_session.get(Submission, submission.id) is not None


def test_wrong_or_empty_codes_get_a_clear_message_next_to_the_field(client):
    response = submit_form(client, "/withdraw", {"code": "otter-maple-kite-river"})
    soup = page(response)
    assert soup.find(class_="error-summary").find("a")["href"] == "#code"
    assert "We could not find answers" in soup.find(class_="error-message").get_text()
    assert soup.find("input", attrs={"name": "code"})["value"] == "otter-maple-kite-river"
    empty = submit_form(client, "/withdraw", {"code": ""})
    assert "Enter the code you were given" in text_of(empty)


def test_withdraw_attempts_are_rate_limited(client):
    client.environ_base["REMOTE_ADDR"] = "198.51.100.60"
    token = page(client.get("/withdraw")).find("input", attrs={"name": "csrf_token"})["value"]
    for _ in range(WITHDRAW_LIMIT):
        response = client.post("/withdraw", data={"code": "a-b-c-d", "csrf_token": token})
        assert response.status_code == 400
    response = client.post("/withdraw", data={"code": "a-b-c-d", "csrf_token": token})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "600"
    assert "Too many tries" in text_of(response)
    kept = page(response).find("form", attrs={"action": "/withdraw"})
    assert kept.find("input", attrs={"name": "code"})["value"] == "a-b-c-d"


def test_withdraw_form_recovers_from_a_missing_csrf_token(client):
    response = client.post("/withdraw", data={"code": "otter-maple-kite-river"})
    assert response.status_code == 200
    assert page(response).find("input", attrs={"name": "code"})["value"] == (
        "otter-maple-kite-river"
    )
    assert "press the button again" in text_of(response)


def test_the_thanks_page_links_to_withdrawing(client, make):
    activity = make.activity(withdrawal_days=14)
    journey = Journey(client, activity)
    journey.consent()
    while journey.soup.find(class_="progress"):
        journey.press("pass")
    journey.send()
    assert "within 14 days" in text_of(journey.last)
    assert journey.soup.find("a", string="the delete page")["href"] == "/withdraw"
