"""The activity studio as a participation lead uses it: templates, settings, status, codes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from participation.activities.library import TEMPLATES
from participation.models import Activity, AuditEvent, RetiredJoinCode
from participation.models.activities import ARCHIVED, CLOSED, DRAFT, OPEN
from tests.functional.studio_forms import errors_on, field_error, find_form, press, send_form
from tests.helpers import page, text_of


@pytest.fixture
def hub(make):
    return make.service("Riverbend Hub", kind="hub")


@pytest.fixture
def spoke(make, hub):
    return make.service("Riverbend Spoke", hub=hub)


@pytest.fixture
def lead(make, spoke):
    return make.staff("lead", spoke)


@pytest.fixture
def lead_client(sign_in, lead):
    return sign_in(lead)


def edit_url(activity) -> str:
    return f"/studio/activities/{activity.id}"


def settings_url(activity) -> str:
    return f"/studio/activities/{activity.id}/settings"


def count_activities(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(Activity))


def test_the_list_groups_my_activities_by_status(lead_client, make, spoke, db_session):
    draft = make.activity(spoke, status=DRAFT, title="Planning the summer")
    live = make.activity(spoke, status=OPEN, title="Group work check-in")
    make.submission(live, {0: [{"choice": 4}]})
    hidden = make.activity(make.service("Faraway Hub", kind="hub"), title="Not for your eyes")
    response = lead_client.get("/studio/")
    assert response.status_code == 200
    soup = page(response)
    sections = {s["data-status"]: s for s in soup.find_all("section", attrs={"data-status": True})}
    assert set(sections) == {"draft", "open"}
    assert draft.title in sections["draft"].get_text()
    row = sections["open"].find("tr", attrs={"data-activity-id": str(live.id)})
    assert live.join_code in row.get_text() and row.find(class_="num").get_text() == "1"
    assert hidden.title not in text_of(response)
    assert soup.find("a", string="New activity")["href"] == "/studio/activities/new"
    # The template library sits on the same page, one button per template.
    buttons = soup.select("form[action^='/studio/templates/'] button")
    assert len(buttons) == len(TEMPLATES) >= 6
    # Each button's name says which template, with no stray space before any punctuation.
    assert [b.get_text() for b in buttons] == [
        f"Use this template – {template['title']}" for template in TEMPLATES.values()
    ]


def test_one_click_on_a_template_makes_a_draft_to_edit(lead_client, lead, db_session):
    response = lead_client.get("/studio/templates")
    assert response.status_code == 200
    assert "What's working, what's not, what would you change" in text_of(response)
    response = press(lead_client, "/studio/templates", "/studio/templates/taking-part")
    assert response.status_code == 302
    activity = db_session.scalars(select(Activity).where(Activity.created_by_id == lead.id)).one()
    assert response.headers["Location"] == edit_url(activity)
    assert activity.status == DRAFT
    assert activity.service_id == lead.service_id
    assert len(activity.questions) == len(TEMPLATES["taking-part"]["questions"])
    edit = lead_client.get(edit_url(activity))
    prompts = [p.get_text(strip=True) for p in page(edit).select(".question-item__prompt")]
    assert prompts[0] == "How do you feel about how you take part in this service?"
    assert "Created “Taking part in this service” from the template" in text_of(edit)


def test_a_blank_activity_starts_with_sensible_defaults(lead_client, lead, db_session, make):
    response = lead_client.get("/studio/activities/new")
    soup = page(response)
    assert soup.find(id="k_threshold")["value"] == "5"
    assert soup.find(id="retention_days")["value"] == "365"
    assert soup.find(id="withdrawal_days")["value"] == "28"
    consent = soup.find(id="consent_statement").get_text()
    assert "Riverbend Spoke" in consent and "pass any question" in consent
    assert soup.find(id="consent_mode-0").has_attr("checked")
    services = [o.get_text() for o in soup.find(id="service_id").find_all("option")]
    assert services == ["Riverbend Spoke"]
    rungs = [o.get_text() for o in soup.find(id="hart_rung").find_all("option")]
    assert "5. Consulted and informed" in rungs and len(rungs) == 9
    lundy = [o["value"] for o in soup.find(id="lundy_focus").find_all("option")]
    assert lundy == ["", "space", "voice", "audience", "influence"]
    assert {i["value"] for i in soup.find_all("input", attrs={"name": "one_page"})} == {"0", "1"}

    response = send_form(
        lead_client,
        response,
        "/studio/activities/new",
        {
            "title": "Peer mentors feedback",
            "participation_type_id": str(make.participation_type("Peer-led").id),
            "consent_mode": "facilitated",
            "lundy_focus": "voice",
            "hart_rung": "6",
        },
    )
    assert response.status_code == 302, errors_on(response)
    activity = db_session.scalars(
        select(Activity).where(Activity.title == "Peer mentors feedback")
    ).one()
    assert response.headers["Location"] == edit_url(activity) + "#questions"
    assert (activity.status, activity.lundy_focus, activity.hart_rung) == (DRAFT, "voice", 6)
    assert activity.consent_mode == "facilitated"
    # The untouched default wording followed the consent mode.
    assert "parent or carer" in activity.current_consent.statement


def test_bad_settings_get_messages_next_to_the_fields_and_nothing_is_saved(
    lead_client, db_session, make
):
    before = count_activities(db_session)
    response = send_form(
        lead_client,
        lead_client.get("/studio/activities/new"),
        "/studio/activities/new",
        {
            "title": "",
            "intro": "x" * 1001,
            "opens_at": "2030-05-02T10:00",
            "closes_at": "2030-05-01T10:00",
            "k_threshold": "2",
            "retention_days": "a year",
        },
    )
    assert response.status_code == 200
    errors = errors_on(response)
    assert errors["title"] == "Enter a title."
    assert errors["participation_type_id"] == "Choose a participation type."
    assert errors["retention_days"] == "Enter a whole number, like 5."
    assert field_error(response, "title") == "Enter a title."
    assert field_error(response, "retention_days") == "Enter a whole number, like 5."
    assert count_activities(db_session) == before

    response = send_form(
        lead_client,
        response,
        "/studio/activities/new",
        {
            "title": "Summer plans",
            "participation_type_id": str(make.participation_type("Group work").id),
            "retention_days": "365",
        },
    )
    errors = errors_on(response)
    assert errors["closes_at"] == "The closing time must be after the opening time."
    assert errors["k_threshold"] == "The smallest group shown must be between 3 and 100."
    assert errors["intro"] == "Use 1000 characters or fewer for the introduction."
    assert "title" not in errors
    assert field_error(response, "closes_at") == "The closing time must be after the opening time."
    assert page(response).find(id="title")["value"] == "Summer plans"  # what was typed stays
    assert count_activities(db_session) == before


def test_a_service_outside_my_scope_cannot_be_chosen(lead_client, make, db_session):
    outsider = make.service("Other Side Hub", kind="hub")
    before = count_activities(db_session)
    response = send_form(
        lead_client,
        lead_client.get("/studio/activities/new"),
        "/studio/activities/new",
        {
            "title": "Sneaky",
            "participation_type_id": str(make.participation_type("Group work").id),
            "service_id": str(outsider.id),
        },
    )
    assert errors_on(response)["service_id"] == "Choose one of your services."
    assert count_activities(db_session) == before


def test_hub_leads_can_put_activities_in_their_spokes(sign_in, make, hub, spoke, db_session):
    client = sign_in(make.staff("lead", hub))
    response = client.get("/studio/activities/new")
    names = [o.get_text() for o in page(response).find(id="service_id").find_all("option")]
    assert names == ["Riverbend Hub", "Riverbend Spoke"]
    response = send_form(
        client,
        response,
        "/studio/activities/new",
        {
            "title": "Spoke session",
            "participation_type_id": str(make.participation_type("Group work").id),
            "service_id": str(spoke.id),
        },
    )
    assert response.status_code == 302
    activity = db_session.scalars(select(Activity).where(Activity.title == "Spoke session")).one()
    assert activity.service_id == spoke.id
    assert "Riverbend Spoke" in activity.current_consent.statement


def test_editing_the_consent_statement_makes_a_new_version(lead_client, make, spoke, db_session):
    activity = make.activity(spoke, consent="Old wording.")
    make.submission(activity, {0: [{"choice": 5}]})
    response = send_form(
        lead_client,
        lead_client.get(settings_url(activity)),
        settings_url(activity),
        {"consent_statement": "New wording: you can skip anything."},
    )
    assert response.status_code == 302
    db_session.expire_all()
    versions = [(v.version, v.statement) for v in activity.consent_versions]
    assert versions == [(1, "Old wording."), (2, "New wording: you can skip anything.")]
    edit = lead_client.get(settings_url(activity))
    assert page(edit).find(id="consent_statement").get_text().strip() == (
        "New wording: you can skip anything."
    )
    assert "Saved your changes." in text_of(edit)


def test_every_setting_saves(lead_client, make, spoke, db_session):
    activity = make.activity(spoke, status=DRAFT)
    response = send_form(
        lead_client,
        lead_client.get(settings_url(activity)),
        settings_url(activity),
        {
            "title": "Renamed",
            "intro": "Quick questions about the trip.",
            "participation_type_id": str(make.participation_type("Creative and informal").id),
            "opens_at": "2030-07-01T09:30",
            "closes_at": "2030-07-31T17:00",
            "research_sharing": "ask",
            "k_threshold": "6",
            "retention_days": "730",
            "withdrawal_days": "14",
            "lundy_focus": "influence",
            "hart_rung": "8",
            "one_page": "1",
            "own_help_links": "y",
            "help_links": "Youth line | Talk to someone | https://youth.example.org | 0800 000 000",
        },
    )
    assert response.status_code == 302, errors_on(response)
    db_session.expire_all()
    assert activity.title == "Renamed"
    assert activity.participation_type.name == "Creative and informal"
    # Typed in UK summer time (BST), stored as UTC.
    assert activity.opens_at.isoformat() == "2030-07-01T08:30:00"
    assert activity.closes_at.isoformat() == "2030-07-31T16:00:00"
    assert (activity.research_sharing, activity.k_threshold) == ("ask", 6)
    assert (activity.retention_days, activity.withdrawal_days) == (730, 14)
    assert (activity.lundy_focus, activity.hart_rung, activity.one_page) == ("influence", 8, True)
    assert activity.signposting == [
        {
            "name": "Youth line",
            "detail": "Talk to someone",
            "href": "https://youth.example.org",
            "tel": "0800000000",
        }
    ]
    # The form shows the saved values back, in UK time.
    soup = page(lead_client.get(settings_url(activity)))
    assert soup.find(id="opens_at")["value"] == "2030-07-01T09:30"
    assert soup.find(id="own_help_links").has_attr("checked")


def test_open_close_and_archive_with_buttons(lead_client, make, spoke, db_session):
    activity = make.activity(spoke, status=DRAFT)
    url = edit_url(activity)
    response = press(lead_client, url, f"{url}/open", follow_redirects=True)
    assert f"Young people can join with the code {activity.join_code}" in text_of(response)
    db_session.expire_all()
    assert activity.status == OPEN and activity.opened_at is not None
    assert page(response).find(class_="tag--open")

    response = press(lead_client, url, f"{url}/close", follow_redirects=True)
    db_session.expire_all()
    assert activity.status == CLOSED and activity.closed_at is not None
    assert "Nobody new can start it" in text_of(response)

    press(lead_client, url, f"{url}/archive")
    db_session.expire_all()
    assert activity.status == ARCHIVED
    response = lead_client.get(url)
    assert "This activity is archived" in text_of(response)
    assert page(response).find(id="settings") is None
    actions = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.target_id == activity.id)
    ).all()
    assert [a for a in actions if a.startswith("activity_")] == [
        "activity_opened",
        "activity_closed",
        "activity_archived",
    ]


def test_opening_without_questions_explains_what_is_missing(lead_client, make, spoke, db_session):
    activity = make.activity(spoke, status=DRAFT, questions=[])
    url = edit_url(activity)
    response = press(lead_client, url, f"{url}/open")
    assert response.status_code == 200
    assert errors_on(response) == {"questions": "Add at least one question before opening."}
    assert page(response).find(id="questions") is not None
    db_session.expire_all()
    assert activity.status == DRAFT


def test_duplicate_copies_the_questions_with_a_new_code(lead_client, make, spoke, db_session):
    activity = make.activity(spoke, title="Autumn group")
    make.submission(activity, {0: [{"choice": 2}]})
    url = edit_url(activity)
    response = press(lead_client, url, f"{url}/duplicate")
    copy = db_session.scalars(
        select(Activity).where(Activity.title == "Copy of Autumn group")
    ).one()
    assert response.headers["Location"] == edit_url(copy)
    assert copy.status == DRAFT and copy.join_code != activity.join_code
    assert [q.prompt for q in copy.questions] == [q.prompt for q in activity.questions]
    edit = lead_client.get(edit_url(copy))
    assert "Responses 0" in text_of(edit)
    assert page(edit).find("a", string="Add a question")  # the copy can be changed


def test_a_new_code_retires_the_old_one(lead_client, make, spoke, db_session):
    activity = make.activity(spoke)
    old = activity.join_code
    url = edit_url(activity)
    response = press(lead_client, f"{url}/share", f"{url}/code", follow_redirects=True)
    db_session.expire_all()
    assert activity.join_code != old
    assert f"The new code is {activity.join_code}" in text_of(response)
    assert page(response).find(attrs={"data-join-code": True}).get_text() == activity.join_code
    assert db_session.scalars(
        select(RetiredJoinCode.activity_id).where(RetiredJoinCode.code == old)
    ).all() == [activity.id]
    # A photographed QR code of the old code now says so.
    assert "no longer in use" in text_of(lead_client.get(f"/j/{old}"))


def test_a_chosen_code_that_is_taken_is_refused_next_to_the_field(
    lead_client, make, spoke, db_session
):
    make.activity(make.service("Another Hub", kind="hub"), join_code="PQRS23")
    activity = make.activity(spoke)
    old = activity.join_code
    url = edit_url(activity)
    response = send_form(
        lead_client, lead_client.get(f"{url}/share"), f"{url}/code", {"code": "pqrs23"}
    )
    assert response.status_code == 200
    message = "That code is already in use. Choose another, or leave it blank for a random code."
    assert errors_on(response) == {"code": message}
    assert field_error(response, "code") == message
    db_session.expire_all()
    assert activity.join_code == old
    assert not db_session.scalar(
        select(func.count())
        .select_from(RetiredJoinCode)
        .where(RetiredJoinCode.activity_id == activity.id)
    )
    response = send_form(
        lead_client, lead_client.get(f"{url}/share"), f"{url}/code", {"code": "wxyz45"}
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert activity.join_code == "WXYZ45"


def test_lock_and_unlock_joining(lead_client, make, spoke, db_session):
    activity = make.activity(spoke)
    url = edit_url(activity)
    response = press(lead_client, url, f"{url}/lock", follow_redirects=True)
    db_session.expire_all()
    assert activity.joining_locked
    assert "can still finish" in text_of(response)
    find_form(response, f"{url}/unlock")
    press(lead_client, url, f"{url}/unlock")
    db_session.expire_all()
    assert not activity.joining_locked


def test_activities_of_other_services_are_not_found(lead_client, make, hub, db_session):
    elsewhere = make.activity(make.service("Distant Hub", kind="hub"))
    at_hub = make.activity(hub)  # a Spoke lead cannot see their Hub's activities
    for activity in (elsewhere, at_hub):
        url = edit_url(activity)
        for path in ("", "/preview", "/qr.png", "/qr.svg", "/poster.pdf", "/handout.pdf"):
            assert lead_client.get(url + path).status_code == 404, path
        token = page(lead_client.get("/studio/")).find("input", attrs={"name": "csrf_token"})[
            "value"
        ]
        for path in ("/open", "/close", "/duplicate", "/code", "/lock", "/archive"):
            response = lead_client.post(url + path, data={"csrf_token": token})
            assert response.status_code == 404, path
        question = activity.questions[0]
        assert lead_client.get(f"{url}/questions/{question.id}").status_code == 404
    db_session.expire_all()
    assert elsewhere.status == OPEN and not elsewhere.joining_locked


def test_researchers_cannot_use_the_studio(sign_in, make, spoke):
    client = sign_in(make.staff("researcher", spoke))
    assert client.get("/studio/").status_code == 403
    assert client.get("/studio/templates").status_code == 403


def test_studio_pages_need_signing_in(app):
    client = app.test_client()
    response = client.get("/studio/")
    assert response.status_code == 302 and "/staff/sign-in" in response.headers["Location"]
