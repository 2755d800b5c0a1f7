"""The safeguarding queue: only the service's (and its Hub's) safeguarding leads, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.activities.kinds import question_spec
from participation.models import AuditEvent, Flag
from participation.models.enums import QuestionKind
from tests.helpers import page, submit_form, text_of


@pytest.fixture
def network(make):
    hub = make.service("Riverside Test Hub", kind="hub")
    north = make.service("Millbrook Test Spoke", hub=hub)
    east = make.service("Eastgate Test Spoke", hub=hub)
    return hub, north, east


@pytest.fixture
def flag(make, network, db_session):
    _, north, _ = network
    activity = make.activity(
        north, title="Tuesday group", questions=[question_spec(QuestionKind.FREE_TEXT, "Hi?")]
    )
    answer = make.submission(
        activity, {0: [{"text": "Sometimes I want to run away from everything"}]}
    )
    flag = Flag(
        answer_id=answer.answers[0].id,
        activity_id=activity.id,
        service_id=north.id,
        categories="going_missing",
    )
    db_session.add(flag)
    db_session.flush()
    return flag


def queue_ids(client, **query) -> list[int]:
    doc = page(client.get("/results/safeguarding", query_string=query))
    return [int(tr["data-flag-id"]) for tr in doc.select("#flag-queue tbody tr")]


def test_the_spoke_lead_sees_the_flag_and_records_what_they_did(
    make, sign_in, network, flag, db_session
):
    _, north, _ = network
    lead = make.staff("lead", north, safeguarding=True)
    client = sign_in(lead)
    home = page(client.get("/results/"))
    badge = home.select_one(".staff-nav .badge")
    assert badge.get_text() == "1"
    assert queue_ids(client) == [flag.id]
    response = client.get(f"/results/safeguarding/{flag.id}")
    doc = page(response)
    assert doc.find(id="flag-text").get_text() == "Sometimes I want to run away from everything"
    assert doc.find(id="flag-categories").get_text() == "Going missing and trafficking"
    assert "run away" in doc.find(id="flag-matches").get_text()

    response = submit_form(
        client,
        f"/results/safeguarding/{flag.id}",
        {"outcome": "discussed", "note": "Talked to the group worker; followed up."},
        follow_redirects=True,
    )
    assert "Saved what you did" in text_of(response)
    db_session.refresh(flag)
    assert (flag.status, flag.reviewed_by_id) == ("discussed", lead.id)
    assert flag.outcome_note == "Talked to the group worker; followed up."
    assert queue_ids(client) == [] and queue_ids(client, show="done") == [flag.id]
    assert not page(client.get("/results/")).select_one(".staff-nav .badge")
    actions = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.target_type == "flag").order_by(AuditEvent.id)
    ).all()
    assert actions == ["flag_viewed", "flag_viewed", "flag_reviewed"]  # two reads, one record
    reviewed = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "flag_reviewed")
    ).one()
    assert reviewed.detail == {"outcome": "discussed", "previous": "new"}
    assert reviewed.service_id == north.id


def test_an_outcome_needs_a_choice_and_a_note(make, sign_in, network, flag, db_session):
    _, north, _ = network
    client = sign_in(make.staff("lead", north, safeguarding=True))
    response = submit_form(client, f"/results/safeguarding/{flag.id}", {"note": ""})
    summary = page(response).select_one(".error-summary").get_text()
    assert "Select what you did about this answer." in summary
    assert "Enter a note of what you did" in summary
    db_session.refresh(flag)
    assert flag.status == "new"


def test_the_hub_safeguarding_lead_sees_its_spokes_flags(make, sign_in, network, flag):
    hub, _, _ = network
    client = sign_in(make.staff("lead", hub, safeguarding=True))
    assert queue_ids(client) == [flag.id]
    assert client.get(f"/results/safeguarding/{flag.id}").status_code == 200


def test_another_spokes_safeguarding_lead_cannot_see_it(make, sign_in, network, flag):
    _, _, east = network
    client = sign_in(make.staff("lead", east, safeguarding=True))
    assert queue_ids(client) == []
    assert client.get(f"/results/safeguarding/{flag.id}").status_code == 404
    assert page(client.get("/results/")).select_one(".staff-nav .badge") is None


@pytest.mark.parametrize(
    ("role", "safeguarding"), [("lead", False), ("researcher", True), ("researcher", False)]
)
def test_staff_who_are_not_safeguarding_leads_get_403(
    make, sign_in, network, flag, role, safeguarding
):
    _, north, _ = network
    client = sign_in(make.staff(role, north, safeguarding=safeguarding))
    assert client.get("/results/safeguarding").status_code == 403
    assert client.get(f"/results/safeguarding/{flag.id}").status_code == 403
    doc = page(client.get("/results/"))
    assert not doc.find("a", href="/results/safeguarding")
    assert "run away" not in doc.get_text()
