"""Sessions end on the server, throttling never locks the owner out, passwords are strong."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import select

from participation import create_app, throttle
from participation.commands.migrate import upgrade
from participation.config import ConfigError
from participation.models import AuditEvent, Staff
from tests.helpers import PASSWORD, csrf_token, page, submit_form, text_of

STRANGER = {"REMOTE_ADDR": "198.51.100.7"}
OWNER = {"REMOTE_ADDR": "203.0.113.20"}


def copy_cookies(source, target) -> None:
    """Give `target` the cookies `source` holds, as someone copying them would."""
    for cookie in source._cookies.values():
        target.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


# --- sessions ----------------------------------------------------------------------------


def test_a_copied_cookie_is_dead_after_sign_out(sign_in, make, app, db_session):
    staff = make.staff("lead")
    client = sign_in(staff)
    thief = app.test_client()
    copy_cookies(client, thief)
    assert thief.get("/results/").status_code == 200, "the copy works while signed in"
    client.post("/staff/sign-out", data={"csrf_token": csrf_token(client.get("/results/"))})
    replay = thief.get("/results/")
    assert replay.status_code == 302 and "/staff/sign-in" in replay.headers["Location"]
    assert db_session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.staff_id == staff.id, AuditEvent.action == "sign_out"
        )
    )


def test_sign_out_everywhere_ends_every_device(sign_in, make, app, db_session):
    staff = make.staff("lead")
    laptop = sign_in(staff, into=app.test_client())
    phone = sign_in(staff)
    response = submit_form(phone, "/staff/sign-out-everywhere", {}, form_url="/staff/account")
    assert response.status_code == 302
    assert laptop.get("/results/").status_code == 302
    assert phone.get("/results/").status_code == 302
    event = db_session.scalar(
        select(AuditEvent).where(AuditEvent.action == "signed_out_everywhere")
    )
    assert event.staff_id == staff.id and event.target_id == staff.id


def test_an_admin_can_end_someone_elses_sessions(sign_in, make, app, db_session):
    member = make.staff("lead")
    member_client = sign_in(member, into=app.test_client())
    admin = make.staff("admin")
    client = sign_in(admin)
    edit = page(client.get(f"/admin/staff/{member.id}"))
    assert edit.find("button", string=f"End {member.email}’s sessions")
    response = submit_form(
        client, f"/admin/staff/{member.id}/end-sessions", {}, form_url=f"/admin/staff/{member.id}"
    )
    assert response.status_code == 302
    assert member_client.get("/results/").status_code == 302
    assert client.get("/admin/staff").status_code == 200, "the admin stays signed in"
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "staff_sessions_ended"))
    assert event.staff_id == admin.id and event.target_id == member.id


def test_only_admins_end_other_peoples_sessions(sign_in, make):
    member = make.staff("lead")
    client = sign_in(make.staff("lead"))
    token = csrf_token(client.get("/results/"))
    response = client.post(f"/admin/staff/{member.id}/end-sessions", data={"csrf_token": token})
    assert response.status_code == 403


# --- throttling ---------------------------------------------------------------------------


def attempt(client, staff, password, address):
    client.environ_base.update(address)
    return submit_form(client, "/staff/sign-in", {"email": staff.email, "password": password})


def test_a_strangers_wrong_passwords_do_not_stop_the_owner(app, make):
    staff = make.staff("lead")
    stranger = app.test_client()
    for _ in range(10):
        attempt(stranger, staff, "not-the-password-at-all", STRANGER)
    assert attempt(stranger, staff, PASSWORD, STRANGER).status_code == 429
    owner = app.test_client()
    response = attempt(owner, staff, PASSWORD, OWNER)
    assert response.status_code == 302
    assert owner.get("/results/").status_code == 200


def test_one_client_guessing_is_refused_after_five_tries(app, make):
    staff = make.staff("lead")
    guesser = app.test_client()
    for _ in range(5):
        assert attempt(guesser, staff, "not-the-password-at-all", STRANGER).status_code == 200
    refused = attempt(guesser, staff, PASSWORD, STRANGER)
    assert refused.status_code == 429 and "Too many attempts" in text_of(refused)


def test_an_account_under_attack_refuses_clients_that_failed_but_not_new_ones(
    app, make, monkeypatch
):
    monkeypatch.setattr(throttle, "SIGN_IN_PER_ACCOUNT", "3 per hour")
    staff = make.staff("lead")
    for number in range(3):
        attacker = app.test_client()
        attempt(attacker, staff, "not-the-password-at-all", {"REMOTE_ADDR": f"192.0.2.{number}"})
    again = attempt(attacker, staff, PASSWORD, {"REMOTE_ADDR": "192.0.2.2"})
    assert again.status_code == 429, "a client that failed waits while the account is attacked"
    assert attempt(app.test_client(), staff, PASSWORD, OWNER).status_code == 302


# --- passwords ----------------------------------------------------------------------------


def test_a_digit_run_is_refused_on_the_change_page_with_advice(sign_in, make):
    client = sign_in(make.staff("lead"))
    response = submit_form(
        client, "/staff/password", {"current_password": PASSWORD, "new_password": "123456789012"}
    )
    assert "too easy to guess" in text_of(response)
    assert "random words" in text_of(response)


def test_the_current_password_check_is_throttled(sign_in, make):
    client = sign_in(make.staff("lead"))
    for _ in range(5):
        submit_form(
            client,
            "/staff/password",
            {"current_password": "a-wrong-guess-here", "new_password": "some new long words"},
        )
    response = submit_form(
        client,
        "/staff/password",
        {"current_password": PASSWORD, "new_password": "some new long words"},
    )
    assert "Too many wrong passwords" in text_of(response)


def test_an_issued_password_must_be_changed_at_first_sign_in(sign_in, make, app, db_session):
    admin_client = sign_in(make.staff("admin"))
    service = make.service("Hillside Spoke")
    invited = submit_form(
        admin_client,
        "/admin/staff/new",
        {"email": "new.lead@example.org", "role": "lead", "service_id": service.id},
    )
    issued = page(invited).select_one(".code-display").get_text(strip=True)
    member = db_session.scalar(select(Staff).where(Staff.email == "new.lead@example.org"))
    assert member.must_change_password

    client = app.test_client()
    response = submit_form(client, "/staff/sign-in", {"email": member.email, "password": issued})
    assert response.status_code == 302
    for path in ("/results/", "/studio/"):
        sent = client.get(path)
        assert sent.headers["Location"].endswith("/staff/password"), path
    changed = submit_form(
        client, "/staff/password", {"current_password": issued, "new_password": "my own long words"}
    )
    assert changed.status_code == 302
    assert client.get("/results/").status_code == 200
    db_session.expire_all()
    assert not db_session.get(Staff, member.id).must_change_password


# --- production ---------------------------------------------------------------------------


@pytest.fixture
def production_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'production.sqlite3'}"
    upgrade(url)
    return url


def production_app(url):
    return create_app(
        {
            "ENV": "production",
            "DATABASE_URL": url,
            "SECRET_KEY": secrets.token_hex(32),
            "BASE_URL": "https://feedback.example.org",
        }
    )


def test_production_refuses_to_start_with_demo_accounts(production_database):
    from sqlalchemy.orm import Session

    from participation.commands.demo import load_demo
    from participation.db import make_engine

    assert production_app(production_database) is not None, "an empty database starts"
    engine = make_engine(production_database)
    with Session(engine) as session:
        load_demo(session, submissions=6)
        session.commit()
    engine.dispose()
    with pytest.raises(ConfigError, match=r"demo staff accounts exist: admin@example\.org"):
        production_app(production_database)


# --- demo -----------------------------------------------------------------------------------


def test_demo_prints_each_authenticator_key_beside_the_password(runner, sign_in, db_session):
    from participation.commands.demo import DEMO_PASSWORD, DEMO_TOTP_SECRETS

    output = runner.invoke(args=["demo"]).output
    assert DEMO_PASSWORD in output
    for email, secret in DEMO_TOTP_SECRETS.items():
        line = next(i for i, text in enumerate(output.splitlines()) if email in text)
        assert secret in output.splitlines()[line + 1], email
    admin = db_session.scalar(select(Staff).where(Staff.email == "admin@example.org"))
    assert admin.totp_secret == DEMO_TOTP_SECRETS["admin@example.org"]
    client = sign_in(admin, DEMO_PASSWORD)
    assert client.get("/admin/staff").status_code == 200
