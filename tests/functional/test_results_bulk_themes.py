"""Bulk analysis: one theme on many written answers, counts with suppression, quotes to paste."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from participation.models import Answer, AnswerTheme, AuditEvent, Flag, Theme
from tests.functional.studio_forms import find_form
from tests.helpers import csrf_token, page, text_of


@pytest.fixture
def spoke(make):
    return make.service("Millbrook Spoke", hub=make.service("Riverside Hub", kind="hub"))


@pytest.fixture
def activity(make, spoke):
    activity = make.activity(spoke, title="Summer group")
    for number in range(24):
        words = "the room is too small" if number < 20 else "more trips please"
        make.submission(activity, {4: [{"text": f"{words}, call Sam on 07700 900{number:03d}"}]})
    return activity


def answers_url(activity) -> str:
    return f"/results/activities/{activity.id}/answers"


def themed(db_session, name: str) -> int:
    return db_session.scalar(
        select(func.count())
        .select_from(AnswerTheme)
        .join(Theme, Theme.id == AnswerTheme.theme_id)
        .where(Theme.name == name)
    )


def test_ticked_answers_get_a_new_theme_in_one_step(make, spoke, activity, sign_in, db_session):
    client = sign_in(make.staff("lead", spoke))
    listing = client.get(answers_url(activity))
    ticks = [i["value"] for i in page(listing).select("input[name=answer_id]")][:3]
    response = client.post(
        f"{answers_url(activity)}/themes",
        data={
            "csrf_token": csrf_token(listing),
            "answer_id": ticks,
            "operation": "apply",
            "theme_id": "0",
            "new_theme": "Space",
        },
    )
    assert response.status_code == 302
    assert themed(db_session, "Space") == 3
    assert "Gave “Space” to 3 answers." in text_of(client.get(response.headers["Location"]))


def test_all_answers_matching_a_search_are_themed_and_untheme_in_one_step(
    make, spoke, activity, sign_in, db_session
):
    theme = Theme(service_id=spoke.id, name="The room")
    db_session.add(theme)
    db_session.flush()
    client = sign_in(make.staff("lead", spoke))
    listing = client.get(f"{answers_url(activity)}?q=too+small")
    form = find_form(listing, f"{answers_url(activity)}/themes")
    assert form.find("input", attrs={"name": "search"})["value"] == "too small"
    data = {
        "csrf_token": csrf_token(listing),
        "search": "too small",
        "question_id": "",
        "everything_matching": "y",
        "operation": "apply",
        "theme_id": str(theme.id),
    }
    client.post(f"{answers_url(activity)}/themes", data=data)
    assert themed(db_session, "The room") == 20  # all 20 matching, across pages
    counts = page(client.get(answers_url(activity))).select_one(".theme-counts").get_text(" ")
    assert "The room" in counts and "20" in counts
    client.post(f"{answers_url(activity)}/themes", data={**data, "operation": "remove"})
    assert themed(db_session, "The room") == 0
    actions = db_session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == theme.id))
    assert {"answers_themed", "answers_unthemed"} <= set(actions)


def test_small_theme_counts_are_suppressed_and_quotes_are_redacted(
    make, spoke, activity, sign_in, db_session
):
    theme = Theme(service_id=spoke.id, name="Trips")
    db_session.add(theme)
    db_session.flush()
    client = sign_in(make.staff("lead", spoke))
    listing = client.get(f"{answers_url(activity)}?q=trips")
    client.post(
        f"{answers_url(activity)}/themes",
        data={
            "csrf_token": csrf_token(listing),
            "search": "trips",
            "everything_matching": "y",
            "operation": "apply",
            "theme_id": str(theme.id),
        },
    )
    counts = page(client.get(answers_url(activity))).select_one(".theme-counts").get_text(" ")
    assert "fewer than 5" in counts
    quotes = page(client.get(f"/results/activities/{activity.id}/themes/{theme.id}/quotes"))
    text = quotes.find("textarea").get_text()
    assert text.count("“more trips please") == 4
    assert "07700" not in text and "[phone]" in text


def test_answers_with_the_safeguarding_lead_are_never_bulk_themed(
    make, spoke, activity, sign_in, db_session
):
    question = activity.questions[4]
    held = db_session.scalars(select(Answer).where(Answer.question_id == question.id)).first()
    db_session.add(
        Flag(answer_id=held.id, activity_id=activity.id, service_id=spoke.id, categories="risk")
    )
    db_session.flush()
    client = sign_in(make.staff("lead", spoke))
    listing = client.get(answers_url(activity))
    assert not page(listing).find("input", attrs={"name": "answer_id", "value": str(held.id)})
    client.post(
        f"{answers_url(activity)}/themes",
        data={
            "csrf_token": csrf_token(listing),
            "everything_matching": "y",
            "operation": "apply",
            "new_theme": "Everything",
        },
    )
    assert themed(db_session, "Everything") == 23  # all but the withheld one
    themes_of_held = db_session.scalars(
        select(AnswerTheme.theme_id).where(AnswerTheme.answer_id == held.id)
    ).all()
    assert themes_of_held == []
