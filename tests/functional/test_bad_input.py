"""Bad input gets a clear 400 (or 404, or a message by the field), never a 500.

Runs on SQLite and, with PARTICIPATION_TEST_DATABASE_URL, on PostgreSQL, which refuses NUL
in text and whose ids are 32-bit.
"""

from __future__ import annotations

import pytest
from flask import request
from werkzeug.exceptions import BadRequest

from participation.clock import YEARS_MESSAGE
from participation.db import get_session, writes_database
from participation.errors import OUT_OF_RANGE
from participation.models import Service, Theme
from participation.security import CONTROL_ADVICE, MAX_ID, refuse_control_characters
from tests.functional.studio_forms import field_error, send_form
from tests.helpers import csrf_token, page, submit_form, text_of


def test_a_nul_in_the_sign_in_email_gets_a_clear_400(client):
    response = submit_form(
        client, "/staff/sign-in", {"email": "lead\x00@example.org", "password": "x" * 12}
    )
    assert response.status_code == 400
    assert (
        page(response).find("h1").get_text(strip=True) == "Something went wrong with that request"
    )
    assert CONTROL_ADVICE in text_of(response)


@pytest.mark.parametrize("junk", ["\x00", "a\x01b", "\x1b[2J", "\x7f", "\x0b"])
def test_control_characters_in_any_staff_field_are_refused(sign_in, make, junk, db_session):
    lead = make.staff()
    activity = make.activity(lead.service, title="Before")
    client = sign_in(lead)
    url = f"/studio/activities/{activity.id}/settings"
    response = send_form(client, client.get(url), url, {"title": f"After{junk}"})
    assert response.status_code == 400
    assert CONTROL_ADVICE in text_of(response)
    db_session.expire_all()
    assert activity.title == "Before"


def test_a_control_character_in_a_youth_address_gets_a_400_with_quick_exit_and_help(client):
    response = client.get("/j/AB%00CD")
    assert response.status_code == 400
    soup = page(response)
    assert soup.find("a", class_="exit-button") is not None
    assert "0800 1111" in soup.find(class_="help").get_text()
    assert CONTROL_ADVICE in text_of(response)


def test_tab_and_new_lines_are_welcome_and_other_controls_refused_from_staff(app):
    fine = {"answer": "line one\r\nline two\n\tindented"}
    with app.test_request_context("/staff/sign-in?note=a%09b", method="POST", data=fine):
        refuse_control_characters()  # nothing raised
    for junk in ("\x00", "\x08", "\x0c", "\x1f", "\x7f"):
        form = {f"field{junk}": "fine"}
        with (
            app.test_request_context("/studio/activities/new", method="POST", data=form),
            pytest.raises(BadRequest),
        ):
            refuse_control_characters()
    with app.test_request_context("/results/?q=a%00b"), pytest.raises(BadRequest):
        refuse_control_characters()


def test_young_peoples_control_characters_are_dropped_so_no_answer_is_lost(app):
    sent = {"q1": "hel\x00lo\x0b there\r\nfriend", "q2\x00": "5"}
    with app.test_request_context("/answers?step=\x001", method="POST", data=sent):
        refuse_control_characters()
        assert request.form.to_dict() == {"q1": "hello there\r\nfriend", "q2": "5"}
        assert request.args.to_dict() == {"step": "1"}


@pytest.mark.parametrize("number", [10**22, 2**63, MAX_ID + 1, MAX_ID, 0])
def test_ids_no_row_can_have_are_not_found(sign_in, make, number):
    lead = make.staff()
    client = sign_in(lead)
    for url in (
        f"/studio/activities/{number}",
        f"/results/activities/{number}",
        f"/research/activities/{number}/responses.csv",
        f"/admin/staff/{number}",
    ):
        response = client.get(url)
        assert response.status_code in (403, 404), url
    posted = client.post(
        f"/studio/activities/{number}/close",
        data={"csrf_token": csrf_token(client.get("/studio/"))},
    )
    assert posted.status_code == 404


def test_a_huge_number_in_a_form_is_no_500(sign_in, make):
    lead = make.staff()
    activity = make.activity(lead.service)
    client = sign_in(lead)
    url = f"/studio/activities/{activity.id}/settings"
    for field in ("k_threshold", "retention_days", "participation_type_id", "service_id"):
        response = send_form(client, client.get(url), url, {field: "9" * 23})
        assert response.status_code in (200, 400), field
    search = client.get(
        f"/results/activities/{activity.id}/answers", query_string={"question_id": "9" * 23}
    )
    assert search.status_code in (200, 400)


def test_a_date_filter_in_year_9999_is_explained(sign_in, make):
    lead = make.staff()
    client = sign_in(lead)
    response = client.get(
        "/results/", query_string={"date_from": "2026-01-01", "date_to": "9999-12-31"}
    )
    assert response.status_code == 200
    assert field_error(response, "date_to") == YEARS_MESSAGE
    early = client.get("/results/", query_string={"date_from": "0001-01-01"})
    assert field_error(early, "date_from") == YEARS_MESSAGE
    report = client.get(
        "/research/reports",
        query_string={"scope": "service", "service_id": lead.service_id, "date_to": "9999-12-31"},
    )
    assert field_error(report, "date_to") == YEARS_MESSAGE
    summary = client.get(f"/research/services/{lead.service_id}/summary.csv?to=9999-12-31")
    assert summary.status_code == 400


def test_an_opening_time_in_year_9999_is_explained(sign_in, make):
    lead = make.staff()
    activity = make.activity(lead.service)
    client = sign_in(lead)
    url = f"/studio/activities/{activity.id}/settings"
    response = send_form(client, client.get(url), url, {"closes_at": "9999-12-31T23:59"})
    assert response.status_code == 200
    assert field_error(response, "closes_at") == YEARS_MESSAGE


def _add_failing_view(app, path: str, failure) -> None:
    @writes_database
    def view():
        failure(get_session())
        return "not reached"

    app.add_url_rule(path, path.strip("/").replace("/", "_"), view)


def test_the_error_page_renders_after_a_failed_flush(app, sign_in, make):
    def fail(db):
        db.add(Service(name=None, kind="hub"))  # NOT NULL: the flush fails
        db.flush()

    _add_failing_view(app, "/staff/failing-flush", fail)
    lead = make.staff(safeguarding=True)
    client = sign_in(lead)
    response = client.get("/staff/failing-flush")
    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in text_of(response)
    # The page could still ask who is signed in: the session was rolled back first.
    assert lead.email in text_of(response)


def test_a_value_the_database_cannot_hold_is_a_400(app, sign_in, make):
    def overflow(db):
        # SQLite can't bind it (OverflowError); PostgreSQL's integer is out of range (DataError).
        db.add(Theme(service_id=10**22, name="Too big"))
        db.flush()

    _add_failing_view(app, "/staff/overflow", overflow)
    lead = make.staff()
    client = sign_in(lead)
    response = client.get("/staff/overflow")
    assert response.status_code == 400
    assert OUT_OF_RANGE in text_of(response)
    assert lead.email in text_of(response)
