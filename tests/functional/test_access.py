"""Every staff page refuses anonymous users and staff of other services.

This walks app.url_map, so a new staff endpoint is checked the moment it exists. An
endpoint whose URL takes an argument this test does not know fails the test: add the
argument to `ids_for_other_service` so it points at another service's record.
"""

from __future__ import annotations

import pytest
from flask import Flask

from participation.models import Action, Flag, SafeguardingPhrase, Theme

PUBLIC_PREFIXES = ("youth.", "auth.", "static")


def staff_rules(app: Flask):
    """(rule, method) for every endpoint that is not public."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(PUBLIC_PREFIXES):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def ids_for_other_service(make, db_session) -> dict[str, object]:
    """Ids of records that belong to a service the test's staff member cannot see."""
    hub = make.service("Other Hub", kind="hub")
    spoke = make.service("Other Spoke", hub=hub)
    activity = make.activity(spoke)
    submission = make.submission(activity, {4: [{"text": "The art was fun"}]})
    answer = submission.answers[0]
    flag = Flag(
        answer_id=answer.id,
        activity_id=activity.id,
        service_id=spoke.id,
        categories="going_missing",
    )
    theme = Theme(service_id=spoke.id, name="Transport")
    phrase = SafeguardingPhrase(category="neglect", phrase="purple giraffe")
    db_session.add_all([flag, theme, phrase])
    db_session.flush()
    action = Action(
        activity_id=activity.id, theme_id=theme.id, you_said="More trips", we_did="Booked two"
    )
    db_session.add(action)
    db_session.flush()
    other_staff = make.staff("lead", spoke)
    return {
        "activity_id": activity.id,
        "question_id": activity.questions[0].id,
        "answer_id": answer.id,
        "submission_id": submission.id,
        "flag_id": flag.id,
        "group_key": flag.group_key,
        "theme_id": theme.id,
        "action_id": action.id,
        "staff_id": other_staff.id,
        "type_id": activity.participation_type_id,
        "service_id": spoke.id,
        "code": activity.join_code,
        "template_key": "workshop-day",
        "filename": "app.css",
        "fmt": "csv",
        "format": "csv",
        "position": 0,
        "number": 1,  # a research release
        "phrase_id": phrase.id,
    }


def build_url(app: Flask, rule, ids: dict[str, object]) -> str:
    missing = [arg for arg in rule.arguments if arg not in ids]
    assert not missing, f"{rule.endpoint}: teach test_access about {missing}"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{arg: ids[arg] for arg in rule.arguments})


def test_anonymous_users_are_sent_to_sign_in(app, client, make, db_session):
    ids = ids_for_other_service(make, db_session)
    checked = 0
    for rule, method in staff_rules(app):
        url = build_url(app, rule, ids)
        response = client.open(url, method=method)
        # POSTs may be refused by CSRF (400) before the login check; neither runs the view.
        assert response.status_code in (302, 400, 401, 403), (
            f"{method} {url}: {response.status_code}"
        )
        if response.status_code == 302:
            assert "/staff/sign-in" in response.headers["Location"], f"{method} {url}"
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize("role", ["lead", "researcher"])
def test_staff_of_another_service_cannot_reach_its_records(app, make, db_session, sign_in, role):
    ids = ids_for_other_service(make, db_session)
    outsider = make.staff(
        role,
        make.service("Unrelated Spoke", hub=make.service("Unrelated Hub", kind="hub")),
        safeguarding=True,
    )
    client = sign_in(outsider)
    with client.session_transaction():
        pass
    token = None
    from tests.helpers import csrf_token

    token = csrf_token(client.get("/results/"))
    for rule, method in staff_rules(app):
        if not (
            {
                "activity_id",
                "flag_id",
                "theme_id",
                "action_id",
                "answer_id",
                "question_id",
                "staff_id",
                "submission_id",
                "service_id",
            }
            & set(rule.arguments)
        ):
            continue
        url = build_url(app, rule, ids)
        data = {"csrf_token": token} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        assert response.status_code in (403, 404), f"{role} {method} {url}: {response.status_code}"


def test_hub_staff_see_their_spokes_but_spoke_staff_do_not_see_the_hub(app, make, db_session):
    from participation.accounts.scoping import can_see_service

    hub = make.service("A Hub", kind="hub")
    north = make.service("North", hub=hub)
    south = make.service("South", hub=hub)
    hub_lead = make.staff("lead", hub)
    north_lead = make.staff("lead", north)
    admin = make.staff("admin")
    assert all(can_see_service(db_session, hub_lead, s.id) for s in (hub, north, south))
    assert can_see_service(db_session, north_lead, north.id)
    assert not can_see_service(db_session, north_lead, south.id)
    assert not can_see_service(db_session, north_lead, hub.id)
    assert can_see_service(db_session, admin, south.id)


def test_admin_pages_refuse_leads(make, sign_in):
    client = sign_in(make.staff("lead"))
    assert client.get("/admin/staff").status_code == 403
