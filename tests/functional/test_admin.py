"""Administrators manage services, staff and participation types; staff change passwords."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.models import AuditEvent, ParticipationType, Service, Staff
from tests.helpers import PASSWORD, page, submit_form, text_of


def test_admin_adds_a_spoke_with_its_own_help_links(make, sign_in, db_session):
    hub = make.service("Lakeside Hub", kind="hub")
    client = sign_in(make.staff("admin"))
    response = submit_form(
        client,
        "/admin/services/new",
        {
            "name": "Hillview Spoke",
            "parent_id": hub.id,
            "signposting": "Hillview drop-in | Talk to a worker on Tuesdays | 01632 960123\n"
            "Childline | Call free, any time | https://www.childline.org.uk/ | 0800 1111",
        },
    )
    assert response.status_code == 302
    spoke = db_session.scalar(select(Service).where(Service.name == "Hillview Spoke"))
    assert spoke.parent_id == hub.id
    assert spoke.kind == "spoke"
    assert spoke.signposting[0] == {
        "name": "Hillview drop-in",
        "detail": "Talk to a worker on Tuesdays",
        "tel": "01632960123",
    }
    assert "Hillview Spoke" in text_of(client.get("/admin/services"))


def test_service_errors_are_shown_next_to_the_field(make, sign_in):
    make.service("Taken Name", kind="hub")
    client = sign_in(make.staff("admin"))
    response = submit_form(
        client,
        "/admin/services/new",
        {"name": "Taken Name", "parent_id": 0, "signposting": "just one part"},
    )
    assert response.status_code == 200
    summary = page(response).select(".error-summary a")
    assert [a.get_text() for a in summary] == ["There is already a service with that name."]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Name only", "needs a web address or a phone number"),
        ("A | b | http://insecure.example", "https://"),
    ],
)
def test_bad_help_links_are_refused_with_a_reason(make, sign_in, line, message):
    client = sign_in(make.staff("admin"))
    response = submit_form(
        client, "/admin/services/new", {"name": "Help Spoke", "parent_id": 0, "signposting": line}
    )
    assert message in " ".join(a.get_text() for a in page(response).select(".error-summary a"))


def test_admin_invites_staff_and_the_password_is_shown_once(make, sign_in, db_session):
    service = make.service("Invite Spoke")
    client = sign_in(make.staff("admin"))
    response = submit_form(
        client,
        "/admin/staff/new",
        {
            "email": "new.lead@example.org",
            "role": "lead",
            "service_id": service.id,
            "is_safeguarding_lead": "y",
        },
    )
    assert response.status_code == 200
    password = page(response).select_one(".code-display").get_text()
    staff = db_session.scalar(select(Staff).where(Staff.email == "new.lead@example.org"))
    assert staff.is_safeguarding_lead
    assert len(password) >= 16
    assert "staff_invited" in db_session.scalars(select(AuditEvent.action)).all()


def test_a_new_account_has_no_role_until_the_admin_chooses_one(make, sign_in, db_session):
    service = make.service("Invite Spoke")
    client = sign_in(make.staff("admin"))
    form = page(client.get("/admin/staff/new"))
    chosen = form.select_one("select[name=role] option[selected]") or form.select_one(
        "select[name=role] option"
    )
    assert chosen.get_text() == "Choose a role"
    response = submit_form(
        client, "/admin/staff/new", {"email": "no.role@example.org", "service_id": service.id}
    )
    errors = [a.get_text() for a in page(response).select(".error-summary a")]
    assert errors == ["Choose a role."]
    assert db_session.scalar(select(Staff).where(Staff.email == "no.role@example.org")) is None


def test_admin_changes_role_and_deactivates(make, sign_in, db_session):
    target = make.staff("lead")
    client = sign_in(make.staff("admin"))
    submit_form(client, f"/admin/staff/{target.id}", {"role": "researcher"})
    submit_form(
        client, f"/admin/staff/{target.id}/deactivate", {}, form_url=f"/admin/staff/{target.id}"
    )
    db_session.expire_all()
    target = db_session.get(Staff, target.id)
    assert target.role == "researcher"
    assert not target.is_active


def test_admin_renames_a_participation_type(make, sign_in, db_session):
    kind = make.participation_type("Peer-led")
    client = sign_in(make.staff("admin"))
    response = submit_form(
        client,
        f"/admin/participation-types/{kind.id}",
        {"name": "Peer-led work", "description": "", "is_active": "y"},
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(ParticipationType, kind.id).name == "Peer-led work"


def test_staff_change_their_password_and_other_sessions_end(make, sign_in, app):
    staff = make.staff("lead")
    other_device = app.test_client()
    submit_form(other_device, "/staff/sign-in", {"email": staff.email, "password": PASSWORD})
    assert other_device.get("/results/").status_code == 200
    client = sign_in(staff)
    weak = submit_form(
        client, "/staff/password", {"current_password": PASSWORD, "new_password": "short"}
    )
    assert "at least 12" in text_of(weak)
    response = submit_form(
        client,
        "/staff/password",
        {"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert response.status_code == 302
    assert client.get("/results/").status_code == 200
    assert other_device.get("/results/").status_code == 302


def test_change_password_needs_sign_in(client):
    assert client.get("/staff/password").status_code == 302
