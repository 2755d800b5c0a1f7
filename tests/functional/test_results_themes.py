"""Themes, quotes and "you said, we did" actions, as staff use them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.activities.kinds import question_spec
from participation.follow_up.actions import public_actions
from participation.models import Action, AnswerTheme, AuditEvent, Theme
from participation.models.activities import CLOSED
from participation.models.enums import QuestionKind
from tests.helpers import page, submit_form, text_of


@pytest.fixture
def activity(make):
    hub = make.service("Riverside Test Hub", kind="hub")
    spoke = make.service("Millbrook Test Spoke", hub=hub)
    return make.activity(
        spoke, title="Group feedback", questions=[question_spec(QuestionKind.FREE_TEXT, "Hard?")]
    )


@pytest.fixture
def lead(make, activity):
    return make.staff("lead", activity.service)


def texts(make, activity, *words):
    return [make.submission(activity, {0: [{"text": w}]}).answers[0] for w in words]


def error_summary(response) -> str:
    return page(response).select_one(".error-summary").get_text(" ", strip=True)


def test_create_rename_and_clashing_names(make, sign_in, activity, lead, db_session):
    client = sign_in(lead)
    response = submit_form(
        client,
        "/results/themes",
        {"name": " Transport ", "service_id": activity.service_id},
        follow_redirects=True,
    )
    assert "Added the theme “Transport”." in text_of(response)
    clash = submit_form(
        client, "/results/themes", {"name": "transport", "service_id": activity.service_id}
    )
    assert "There is already a theme called “Transport” for this service." in error_summary(clash)
    theme = db_session.scalars(select(Theme).where(Theme.name == "Transport")).one()
    other = Theme(service_id=activity.service_id, name="Food")
    db_session.add(other)
    db_session.flush()
    renamed = submit_form(
        client, f"/results/themes/{theme.id}", {"name": "Getting here"}, follow_redirects=True
    )
    assert "Renamed the theme to “Getting here”." in text_of(renamed)
    clash = submit_form(client, f"/results/themes/{theme.id}", {"name": "FOOD"})
    assert "There is already a theme called “Food”" in error_summary(clash)
    db_session.refresh(theme)
    assert theme.name == "Getting here"
    actions = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.target_type == "theme")
    ).all()
    assert actions == ["theme_created", "theme_renamed"]


def test_code_answers_count_them_and_pick_quotes(make, sign_in, activity, lead, db_session):
    answers = texts(
        make, activity, *[f"The bus is late {i}, call 07700 900123" for i in range(6)], "Food"
    )
    client = sign_in(lead)
    url = f"/results/activities/{activity.id}/answers/{answers[0].id}"
    response = submit_form(
        client,
        f"{url}/themes",
        {"theme_id": 0, "new_name": "Transport"},
        form_url=url,
        follow_redirects=True,
    )
    assert "Added the theme “Transport”." in text_of(response)
    doc = page(response)
    assert [li.contents[0].strip() for li in doc.select("#answer-themes li")] == ["Transport"]
    assert doc.find(id="answer-redacted").get_text() == "The bus is late 0, call [phone]"
    theme = db_session.scalars(select(Theme).where(Theme.name == "Transport")).one()
    for answer in answers[1:6]:
        answer_url = f"/results/activities/{activity.id}/answers/{answer.id}"
        submit_form(client, f"{answer_url}/themes", {"theme_id": theme.id}, form_url=answer_url)
    twice = submit_form(client, f"{url}/themes", {"theme_id": theme.id}, form_url=url)
    assert "already has the theme “Transport”" in error_summary(twice)
    neither = submit_form(client, f"{url}/themes", {"theme_id": 0, "new_name": ""}, form_url=url)
    assert "Select a theme or type a new one." in error_summary(neither)
    submit_form(client, f"{url}/quote", {"is_quote": "1"}, form_url=url)
    db_session.refresh(answers[0])
    assert answers[0].is_quote

    results = page(client.get(f"/results/activities/{activity.id}"))
    row = results.select_one("#themes-table tbody tr")
    assert [c.get_text(strip=True) for c in row.find_all(["th", "td"])] == ["Transport", "6"]
    detail = page(client.get(f"/results/themes/{theme.id}"))
    by_activity = detail.select_one("#theme-by-activity tbody tr").find_all(["th", "td"])
    assert [c.get_text(strip=True) for c in by_activity] == ["Group feedback", "6"]
    by_type = detail.select_one("#theme-by-type tbody tr").find_all(["th", "td"])
    assert [c.get_text(strip=True) for c in by_type] == ["Group work", "6"]
    assert [q.get_text() for q in detail.select("#theme-quotes blockquote")] == [
        "The bus is late 0, call [phone]"
    ]

    # Small counts are hidden like every other breakdown.
    small = Theme(service_id=activity.service_id, name="Food")
    db_session.add(small)
    db_session.flush()
    db_session.add(AnswerTheme(answer_id=answers[6].id, theme_id=small.id))
    db_session.flush()
    rows = page(client.get(f"/results/activities/{activity.id}")).select("#themes-table tbody tr")
    assert [r.find("td").get_text(strip=True) for r in rows] == ["6", "fewer than 5"]


def test_merge_moves_answers_and_actions(make, sign_in, activity, lead, db_session):
    a, b = texts(make, activity, "bus", "train")
    source = Theme(service_id=activity.service_id, name="Buses")
    target = Theme(service_id=activity.service_id, name="Transport")
    db_session.add_all([source, target])
    db_session.flush()
    db_session.add_all(
        [
            AnswerTheme(answer_id=a.id, theme_id=source.id),
            AnswerTheme(answer_id=b.id, theme_id=source.id),
            AnswerTheme(answer_id=b.id, theme_id=target.id),
        ]
    )
    action = Action(
        activity_id=activity.id, theme_id=source.id, you_said="Buses late", we_did="Moved the time"
    )
    db_session.add(action)
    db_session.flush()
    source_id = source.id
    client = sign_in(lead)
    response = submit_form(
        client,
        f"/results/themes/{source_id}/merge",
        {"target_id": target.id},
        form_url=f"/results/themes/{source_id}",
        follow_redirects=True,
    )
    assert "Merged “Buses” into “Transport” (1 answer moved)." in text_of(response)
    db_session.expire_all()
    assert db_session.get(Theme, source_id) is None
    links = db_session.scalars(
        select(AnswerTheme.answer_id).where(AnswerTheme.theme_id == target.id)
    ).all()
    assert sorted(links) == sorted([a.id, b.id])
    assert db_session.get(Action, action.id).theme_id == target.id
    empty = submit_form(
        client,
        f"/results/themes/{target.id}/merge",
        {"target_id": 0},
        form_url=f"/results/themes/{target.id}",
    )
    assert "Select the theme to merge into." in error_summary(empty)


def test_researchers_cannot_code_answers(make, sign_in, activity):
    client = sign_in(make.staff("researcher", activity.service))
    assert client.get("/results/themes").status_code == 403
    assert client.get(f"/results/activities/{activity.id}/actions").status_code == 403


def test_you_said_we_did_reaches_young_people_once_the_activity_closes(
    make, sign_in, activity, lead, db_session
):
    client = sign_in(lead)
    url = f"/results/activities/{activity.id}/actions"
    missing = submit_form(client, url, {"you_said": "", "we_did": ""})
    summary = error_summary(missing)
    assert "Enter what young people said." in summary and "Enter what was done about it." in summary
    response = submit_form(
        client,
        url,
        {"you_said": "The room was too small", "we_did": "We moved to the big hall", "theme_id": 0},
        follow_redirects=True,
    )
    assert "Added the action." in text_of(response)
    assert "once the activity is closed" in text_of(response)
    assert public_actions(db_session, activity) == []

    activity.status = CLOSED
    db_session.flush()
    shown = public_actions(db_session, activity)
    assert [(a.you_said, a.we_did) for a in shown] == [
        ("The room was too small", "We moved to the big hall")
    ]

    action = db_session.scalars(select(Action)).one()
    edit_url = f"{url}/{action.id}"
    submit_form(
        client,
        edit_url,
        {
            "you_said": "The room was too small",
            "we_did": "We moved to the hall on Fridays",
            "theme_id": 0,
        },
    )
    db_session.expire_all()
    assert public_actions(db_session, activity)[0].we_did == "We moved to the hall on Fridays"
    submit_form(client, f"{edit_url}/delete", {}, form_url=edit_url)
    assert public_actions(db_session, activity) == []
    events = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.target_type == "action")
    ).all()
    assert events == ["action_created", "action_changed", "action_deleted"]


def test_an_action_cannot_use_another_services_theme(make, sign_in, activity, lead, db_session):
    other = Theme(service_id=make.service("Elsewhere").id, name="Secret")
    db_session.add(other)
    db_session.flush()
    client = sign_in(lead)
    response = submit_form(
        client,
        f"/results/activities/{activity.id}/actions",
        {"you_said": "x", "we_did": "y", "theme_id": other.id},
    )
    assert "Not a valid choice" in error_summary(response)
    assert db_session.scalars(select(Action)).all() == []


def test_a_closed_activity_page_shows_its_actions_to_young_people(client, activity, db_session):
    db_session.add(
        Action(activity_id=activity.id, you_said="More trips", we_did="We booked two trips")
    )
    activity.status = CLOSED
    db_session.flush()
    page_text = text_of(client.get(f"/j/{activity.join_code}"))  # public: no sign-in
    assert "More trips" in page_text and "We booked two trips" in page_text
