"""An activity stays with its service once young people have answered it."""

from __future__ import annotations

import pytest

from participation.activities.design import update_settings
from participation.activities.settings import ActivityError, settings_of
from tests.functional.studio_forms import field_error, send_form
from tests.helpers import page


@pytest.fixture
def hub(make):
    return make.service("Riverbend Hub", kind="hub")


@pytest.fixture
def spoke(make, hub):
    return make.service("Riverbend Spoke", hub=hub)


@pytest.fixture
def hub_lead(make, hub):
    return make.staff("lead", hub)


def edit_url(activity) -> str:
    return f"/studio/activities/{activity.id}/settings"


def test_the_service_field_is_fixed_and_says_why_once_answered(
    sign_in, hub_lead, make, spoke, db_session
):
    activity = make.activity(spoke, title="Summer group")
    make.submission(activity, {0: [{"choice": 4}]})
    client = sign_in(hub_lead)
    edit = client.get(edit_url(activity))
    select = page(edit).find(id="service_id")
    assert select.has_attr("disabled")
    assert select.find("option", selected=True).get_text() == "Riverbend Spoke"
    hint = page(edit).find(id="service_id-hint").get_text(" ", strip=True)
    assert "already answered" in hint and "stays with Riverbend Spoke" in hint
    assert "duplicate it" in hint
    assert "service_id-hint" in select["aria-describedby"]

    # The rest of the form still saves, and the service stays as it was.
    saved = send_form(client, edit, edit_url(activity), {"title": "Summer group (July)"})
    assert saved.status_code == 302
    db_session.expire_all()
    assert (activity.title, activity.service_id) == ("Summer group (July)", spoke.id)


def test_a_sent_service_change_is_refused_next_to_the_field(
    sign_in, hub_lead, make, hub, spoke, db_session
):
    activity = make.activity(spoke)
    make.submission(activity, {0: [{"choice": 4}]})
    client = sign_in(hub_lead)
    response = send_form(
        client, client.get(edit_url(activity)), edit_url(activity), {"service_id": str(hub.id)}
    )
    assert response.status_code == 200
    assert "stays with Riverbend Spoke" in field_error(response, "service_id")
    db_session.expire_all()
    assert activity.service_id == spoke.id


def test_before_anyone_answers_the_service_can_change(
    sign_in, hub_lead, make, hub, spoke, db_session
):
    activity = make.activity(spoke)
    client = sign_in(hub_lead)
    edit = client.get(edit_url(activity))
    select = page(edit).find(id="service_id")
    assert not select.has_attr("disabled")
    assert page(edit).find(id="service_id-hint").get_text(strip=True) == (
        "Staff of this service (and its Hub) can see the results."
    )
    response = send_form(client, edit, edit_url(activity), {"service_id": str(hub.id)})
    assert response.status_code == 302
    db_session.expire_all()
    assert activity.service_id == hub.id


def test_the_domain_refuses_to_move_an_answered_activity(hub_lead, make, hub, spoke, db_session):
    activity = make.activity(spoke)
    moved = settings_of(activity)
    moved.service_id = hub.id
    make.submission(activity)
    with pytest.raises(ActivityError) as refused:
        update_settings(db_session, hub_lead, activity, moved)
    assert [name for name, _ in refused.value.problems] == ["service_id"]
    assert activity.service_id == spoke.id
    # Other changes to the same activity are still fine.
    renamed = settings_of(activity)
    renamed.title = "Renamed"
    assert update_settings(db_session, hub_lead, activity, renamed) == ["title"]
