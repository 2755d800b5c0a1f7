"""Second factors: required for admins and safeguarding leads, offered to everyone."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import func, select

from participation.accounts.factors import new_totp_secret
from participation.models import AuditEvent, RecoveryCode, Staff
from tests.conftest import enrol_totp
from tests.helpers import PASSWORD, page, submit_form, text_of, totp_code


def password_step(client, staff, password=PASSWORD):
    """Submit the password form; the response."""
    return submit_form(client, "/staff/sign-in", {"email": staff.email, "password": password})


@pytest.mark.parametrize(("role", "safeguarding"), [("admin", False), ("lead", True)])
@pytest.mark.parametrize("path", ["/results/", "/studio/", "/results/safeguarding"])
def test_roles_that_read_disclosures_must_set_up_a_second_factor_first(
    client, make, role, safeguarding, path
):
    staff = make.staff(role, safeguarding=safeguarding)
    assert password_step(client, staff).status_code == 302
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/account")
    security = client.get("/staff/account", follow_redirects=True)
    assert "need a second way to sign in" in text_of(security)


def test_other_staff_are_offered_a_second_factor_but_not_made_to(client, make):
    staff = make.staff("lead")
    password_step(client, staff)
    assert client.get("/results/").status_code == 200
    security = page(client.get("/staff/account"))
    assert security.find("a", string="Set up an authenticator app")
    # Passkeys need JavaScript: without it the form stays hidden and says why.
    assert security.select_one("[data-passkey-register]").has_attr("hidden")
    assert "needs a browser with JavaScript" in security.get_text()


def test_setup_shows_the_key_as_text_and_qr_then_recovery_codes_once(client, make, db_session):
    staff = make.staff("admin")
    password_step(client, staff)
    setup = page(client.get("/staff/account/totp"))
    secret = "".join(setup.select_one("[data-totp-secret]").get_text().split())
    assert len(secret) == 32
    qr = setup.select_one(".qr-wrap svg")
    assert qr is not None and qr["role"] == "img"

    wrong = submit_form(client, "/staff/account/totp", {"code": "000000"})
    assert wrong.status_code == 400 and "That code is not right" in text_of(wrong)
    right = submit_form(client, "/staff/account/totp", {"code": pyotp.TOTP(secret).now()})
    assert right.status_code == 302
    codes_page = page(client.get(right.headers["Location"]))
    codes = [li.get_text(strip=True) for li in codes_page.select(".code-list li")]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "only time they are shown" in codes_page.get_text()
    # Shown once: the page now goes back to account security, and only hashes are stored.
    again = client.get("/staff/account/recovery-codes")
    assert again.status_code == 302
    stored = db_session.scalars(
        select(RecoveryCode.code_hash).where(RecoveryCode.staff_id == staff.id)
    ).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    # Set up, the admin reaches every page.
    assert client.get("/results/").status_code == 200
    assert "10 unused recovery codes" in text_of(client.get("/staff/account"))


def test_sign_in_asks_for_the_code_after_the_password_and_a_code_works_once(
    client, app, make, db_session
):
    secret = new_totp_secret()
    staff = make.staff("lead", safeguarding=True, totp_secret=secret)
    response = password_step(client, staff)
    assert response.headers["Location"].endswith("/staff/sign-in/code")
    assert client.get("/results/").status_code == 302, "the password alone signs nobody in"

    wrong = submit_form(client, "/staff/sign-in/code", {"code": "123456"})
    assert "That code is not right" in text_of(wrong)
    code = totp_code(secret)
    right = submit_form(client, "/staff/sign-in/code", {"code": code})
    assert right.status_code == 302 and right.headers["Location"].endswith("/results/")
    assert client.get("/results/safeguarding").status_code == 200

    # The same code, seen over a shoulder, does not sign anyone in again.
    other = app.test_client()
    password_step(other, staff)
    replay = submit_form(other, "/staff/sign-in/code", {"code": code})
    assert "That code is not right" in text_of(replay)
    assert other.get("/results/").status_code == 302
    actions = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.staff_id == staff.id)
    ).all()
    assert actions.count("second_factor_failed") == 2 and "sign_in" in actions


def test_a_recovery_code_signs_in_once(client, app, make, sign_in, db_session):
    staff = make.staff("admin")
    sign_in(staff)
    codes_page = submit_form(client, "/staff/account/recovery-codes", {}, form_url="/staff/account")
    codes = [
        li.get_text(strip=True)
        for li in page(client.get(codes_page.headers["Location"])).select(".code-list li")
    ]
    assert len(codes) == 10

    phone_lost = app.test_client()
    password_step(phone_lost, staff)
    used = submit_form(phone_lost, "/staff/sign-in/code", {"code": codes[0].upper()})
    assert used.status_code == 302
    assert "You have 9 left" in text_of(phone_lost.get("/results/"))

    again = app.test_client()
    password_step(again, staff)
    refused = submit_form(again, "/staff/sign-in/code", {"code": codes[0]})
    assert "That code is not right" in text_of(refused)


def test_guessing_codes_is_stopped_after_five_tries(client, make):
    secret = new_totp_secret()
    staff = make.staff("admin", totp_secret=secret)
    password_step(client, staff)
    for guess in range(5):
        submit_form(client, "/staff/sign-in/code", {"code": f"{guess:06d}"})
    response = submit_form(client, "/staff/sign-in/code", {"code": totp_code(secret)})
    assert response.status_code == 429 and "Too many wrong codes" in text_of(response)
    assert client.get("/results/").status_code == 302


def test_the_code_step_needs_a_password_first(client):
    response = client.get("/staff/sign-in/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/sign-in")
    options = client.post("/staff/sign-in/passkey/options", headers={"X-CSRFToken": "x"})
    assert options.status_code == 400


def test_the_only_factor_of_an_admin_cannot_be_removed(sign_in, make, db_session):
    staff = make.staff("admin")
    client = sign_in(staff)
    response = submit_form(
        client, "/staff/account/totp/remove", {}, form_url="/staff/account", follow_redirects=True
    )
    assert "Add a passkey first" in text_of(response)
    assert db_session.scalar(select(Staff.totp_secret).where(Staff.id == staff.id))


def test_a_lead_can_turn_an_authenticator_app_on_and_off(sign_in, make, db_session):
    staff = make.staff("lead")
    client = sign_in(staff)
    enrol_totp(client)
    assert db_session.scalar(select(Staff.totp_secret).where(Staff.id == staff.id))
    submit_form(client, "/staff/account/totp/remove", {}, form_url="/staff/account")
    assert db_session.scalar(select(Staff.totp_secret).where(Staff.id == staff.id)) is None
    assert (
        db_session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.staff_id == staff.id,
                AuditEvent.action.in_(["totp_enrolled", "totp_removed"]),
            )
        )
        == 2
    )


def test_passkey_options_name_the_base_urls_host_as_relying_party(sign_in, make):
    client = sign_in(make.staff("lead"))
    token = page(client.get("/staff/account")).find("input", attrs={"name": "csrf_token"})["value"]
    response = client.post("/staff/account/passkeys/options", headers={"X-CSRFToken": token})
    options = response.get_json()
    assert options["rp"]["id"] == "participation.test"
    assert options["user"]["name"].endswith("@example.org")
    junk = client.post(
        "/staff/account/passkeys", json={"credential": {"id": "x"}}, headers={"X-CSRFToken": token}
    )
    assert junk.status_code == 400 and "could not be checked" in junk.get_json()["error"]
