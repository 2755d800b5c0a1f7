"""Staff sign-in: generic errors, throttling, fresh sessions, timeouts, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.models import AuditEvent
from tests.helpers import PASSWORD, csrf_token, submit_form, text_of


def test_sign_in_page_has_labelled_fields(client):
    response = client.get("/staff/sign-in")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'for="email"' in html and 'for="password"' in html


def test_staff_can_sign_in_and_reach_dashboard(client, make, db_session):
    staff = make.staff("lead")
    response = submit_form(
        client, "/staff/sign-in", {"email": staff.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/results/")
    assert client.get("/results/").status_code == 200
    actions = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.staff_id == staff.id)
    ).all()
    assert "sign_in" in actions


@pytest.mark.parametrize("email", ["nobody@example.org", None])
def test_wrong_details_get_one_generic_message(client, make, email):
    staff = make.staff("lead")
    response = submit_form(
        client,
        "/staff/sign-in",
        {"email": email or staff.email, "password": "not-the-password-at-all"},
    )
    assert response.status_code == 200
    assert "The email address or password is not right." in text_of(response)
    assert "There is a problem" in text_of(response)


def test_deactivated_staff_cannot_sign_in(client, make):
    staff = make.staff("lead", is_active=False)
    response = submit_form(client, "/staff/sign-in", {"email": staff.email, "password": PASSWORD})
    assert "The email address or password is not right." in text_of(response)


def test_post_without_csrf_token_is_refused(client, make):
    staff = make.staff("lead")
    response = client.post("/staff/sign-in", data={"email": staff.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "expired" in text_of(response)


def test_ten_wrong_passwords_are_throttled_even_with_the_right_one_next(client, make):
    staff = make.staff("lead")
    for _ in range(10):
        submit_form(
            client, "/staff/sign-in", {"email": staff.email, "password": "wrong-password-123"}
        )
    response = submit_form(client, "/staff/sign-in", {"email": staff.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in text_of(response)


def test_sign_in_starts_a_new_session(client, make):
    staff = make.staff("lead")
    client.get("/staff/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "from before sign-in"
    submit_form(client, "/staff/sign-in", {"email": staff.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == staff.session_token


def test_sign_out_ends_the_session(sign_in, make):
    staff = make.staff("lead")
    client = sign_in(staff)
    token = csrf_token(client.get("/results/"))
    response = client.post("/staff/sign-out", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/results/").status_code == 302


@pytest.mark.parametrize(
    ("key", "age_seconds"), [("last_seen", 31 * 60), ("signed_in_at", 13 * 3600)]
)
def test_idle_and_absolute_timeouts_sign_staff_out(sign_in, make, key, age_seconds):
    staff = make.staff("lead")
    client = sign_in(staff)
    with client.session_transaction() as session:
        session[key] = session[key] - age_seconds
    response = client.get("/results/")
    assert response.status_code == 302
    assert "/staff/sign-in" in response.headers["Location"]


def test_deactivating_ends_existing_sessions(sign_in, make, db_session):
    from participation.accounts.staff import deactivate

    staff = make.staff("lead")
    client = sign_in(staff)
    deactivate(staff)
    db_session.flush()
    assert client.get("/results/").status_code == 302


def test_open_redirect_is_refused(client, make):
    staff = make.staff("lead")
    token = csrf_token(client.get("/staff/sign-in"))
    response = client.post(
        "/staff/sign-in?next=//evil.example/",
        data={"email": staff.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"].endswith("/results/")
