"""Limits on anonymous joins and sends: a real class gets through, a script mostly does not.

Runs on the in-memory limiter and, when PARTICIPATION_TEST_REDIS_URL is set, on real Redis.
"""

from __future__ import annotations

import os
import secrets

import pytest
import redis
from sqlalchemy import select

from participation import throttle
from participation.activities.kinds import question_spec
from participation.models import AuditEvent, Submission
from participation.models.activities import RESEARCH_ASK
from participation.models.enums import QuestionKind
from tests.functional.studio_forms import find_form, send_form
from tests.functional.test_ratelimit import app_with_storage
from tests.functional.youth_crowds import (
    SCHOOL,
    Clock,
    answers_for,
    phone,
    run_class,
    run_script,
    say_yes,
    send,
    try_again,
)
from tests.helpers import PASSWORD, page, submit_form, text_of

REDIS_URL = os.environ.get("PARTICIPATION_TEST_REDIS_URL")


@pytest.fixture(
    params=[
        "memory",
        pytest.param(
            "redis",
            marks=[
                pytest.mark.redis,
                pytest.mark.skipif(not REDIS_URL, reason="set PARTICIPATION_TEST_REDIS_URL"),
            ],
        ),
    ]
)
def limited_app(request, app):
    """The app on the in-memory limiter, or on real Redis (its keys removed afterwards)."""
    if request.param == "memory":
        yield app
        return
    prefix = f"participation-test-{secrets.token_hex(4)}"
    yield app_with_storage(app, REDIS_URL, prefix)
    store = redis.Redis.from_url(REDIS_URL)
    try:
        keys = [key.decode() for key in store.scan_iter(f"*{prefix}*")]
        assert not any(SCHOOL["REMOTE_ADDR"] in key for key in keys)
        for key in keys:
            store.delete(key)
    finally:
        store.close()


@pytest.fixture
def clock(monkeypatch):
    """The limiter's clock, moved by the test."""
    fake = Clock()
    monkeypatch.setattr(throttle, "now", fake)
    return fake


def two_questions(make, **fields):
    """An open one-page activity: an emoji scale and a written answer."""
    return make.activity(
        questions=[
            question_spec(QuestionKind.EMOJI_SCALE, "How was today?"),
            question_spec(QuestionKind.FREE_TEXT, "What should change?", max_length=200),
        ],
        one_page=True,
        **fields,
    )


def stored(db_session, activity) -> int:
    return len(
        db_session.scalars(select(Submission.id).where(Submission.activity_id == activity.id)).all()
    )


def lead_client(app, make, activity):
    staff = make.staff("lead", activity.service)
    client = app.test_client()
    response = submit_form(client, "/staff/sign-in", {"email": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    return staff, client


def test_forty_young_people_behind_one_address_all_take_part(limited_app, make, db_session, clock):
    activity = two_questions(make, expected_group_size=40)
    crowd = run_class(limited_app, activity, clock, people=40)
    print(
        f"\nclass of 40, one address, group size 40: {len(crowd.sent)}/40 sent, "
        f"{len(crowd.asked_to_wait)} asked to wait, last sent after {crowd.minutes:.1f} min"
    )
    assert len(crowd.sent) == 40
    assert crowd.refusals == 0
    assert stored(db_session, activity) == 40


def test_forty_sending_at_the_same_moment_wait_seconds_and_lose_nothing(
    limited_app, make, db_session, clock
):
    activity = two_questions(make, expected_group_size=40)
    crowd = run_class(limited_app, activity, clock, people=40, send_together=5.0)
    print(
        f"\nclass of 40 sending within 5 s: {len(crowd.sent)}/40 sent, "
        f"{len(crowd.asked_to_wait)} asked to wait a few seconds, all done after "
        f"{crowd.minutes:.1f} min"
    )
    assert len(crowd.sent) == 40
    assert 0 < len(crowd.asked_to_wait) <= 40 - throttle.BURST
    assert stored(db_session, activity) == 40


def test_a_class_bigger_than_expected_takes_part_once_the_lead_lets_more_join(
    limited_app, make, db_session, clock
):
    activity = two_questions(make)  # the default: 30 expected, so 38 may join
    _staff, lead = lead_client(limited_app, make, activity)

    def let_more_join():
        response = lead.post(
            f"/results/activities/{activity.id}/let-more-join",
            data={"csrf_token": csrf_from(lead, f"/results/activities/{activity.id}/present")},
        )
        assert response.status_code == 302

    crowd = run_class(limited_app, activity, clock, people=40, lead=let_more_join)
    print(
        f"\nclass of 40, one address, group size left at 30: {len(crowd.sent)}/40 sent, "
        f"{len(crowd.asked_to_wait)} asked to wait for the lead, last sent after "
        f"{crowd.minutes:.1f} min"
    )
    assert len(crowd.sent) == 40
    assert len(crowd.asked_to_wait) == 2
    assert stored(db_session, activity) == 40
    db_session.refresh(activity)
    assert activity.expected_group_size == 45


def csrf_from(client, url):
    field = page(client.get(url)).find("input", attrs={"name": "csrf_token"})
    return field["value"]


def test_a_script_sending_300_from_one_address_is_mostly_refused(
    limited_app, make, db_session, clock
):
    activity = two_questions(make)
    script = run_script(limited_app, activity, clock, attempts=300)
    print(
        f"\nscript of 300 from one address: {script.stored}/300 stored, "
        f"{script.refused} refused with a 429"
    )
    assert script.stored == stored(db_session, activity)
    assert script.stored <= 38
    assert script.refused >= 300 - 38


def test_a_refused_send_is_a_kind_page_that_keeps_the_answers(limited_app, make, db_session, clock):
    activity = two_questions(make, expected_group_size=100)
    phones = [phone(limited_app) for _ in range(throttle.BURST + 1)]
    forms = []
    for client in phones:
        clock.at += 1  # joining over half a minute, inside every limit
        forms.append(say_yes(client, activity))
    clock.at += throttle.BURST_SECONDS  # then the sends, all in one burst window
    for number, client in enumerate(phones[:-1]):
        assert send(client, forms[number], answers_for(activity, number)).status_code == 200
    last = phones[-1]
    written = "I want more trips and less waiting around"
    scale, text = activity.questions
    refused = send(last, forms[-1], {f"q{scale.id}": "2", f"q{text.id}": written})

    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= throttle.BURST_SECONDS
    soup = page(refused)
    assert (
        soup.find("h1").get_text(strip=True) == "Lots of people are taking part from here right now"
    )
    assert "Your answers have not been sent yet, but they are still here." in text_of(refused)
    assert soup.find("a", string="Leave this site") is not None
    assert "Childline" in soup.find("footer").get_text()
    carried = {i["name"]: i["value"] for i in soup.find_all("input", attrs={"type": "hidden"})}
    assert carried[f"q{text.id}"] == written
    assert stored(db_session, activity) == throttle.BURST

    clock.at += wait
    thanks = try_again(last, refused)
    assert thanks.status_code == 200
    assert page(thanks).find("h1").get_text(strip=True) == "Thank you"
    newest = db_session.scalars(
        select(Submission).where(Submission.activity_id == activity.id).order_by(Submission.id)
    ).all()[-1]
    assert sorted(a.text or "" for a in newest.answers) == ["", written]


def test_past_the_group_size_joiners_are_asked_to_wait_and_the_lead_can_let_them_in(
    limited_app, make, db_session, clock
):
    activity = two_questions(make, expected_group_size=4, research_sharing=RESEARCH_ASK)
    staff, lead = lead_client(limited_app, make, activity)
    for _ in range(9):  # 4 expected and a margin of 5
        assert say_yes(phone(limited_app), activity).status_code == 200
    newcomer = phone(limited_app)
    waiting = say_yes(newcomer, activity, research=True)

    assert waiting.status_code == 429
    assert waiting.headers["Retry-After"] == "30"
    soup = page(waiting)
    assert soup.find("h1").get_text(strip=True) == "Your group leader needs to let more people join"
    assert "Ask them, then press Try again." in text_of(waiting)
    assert soup.find("a", string="Leave this site") is not None
    carried = {i["name"]: i["value"] for i in soup.find_all("input", attrs={"type": "hidden"})}
    assert carried["choice"] == "yes" and carried["research"] == "yes"

    edit = lead.get(f"/studio/activities/{activity.id}")
    notice = page(edit).find(id="joining-full")
    assert notice is not None and "9 joined this session (you expected 4)" in notice.get_text()
    present = lead.get(f"/results/activities/{activity.id}/present")
    assert not page(present).find(id="live-full").has_attr("hidden")
    live = lead.get(f"/results/activities/{activity.id}/live.json").get_json()
    assert live["joining_full"] is True and live["joined_this_session"] == 9

    button = notice.find("form")
    assert button.find("button").get_text(strip=True) == "Let more people join"
    data = {i["name"]: i["value"] for i in button.find_all("input")}
    response = lead.post(button["action"], data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/studio/activities/{activity.id}")
    db_session.refresh(activity)
    assert activity.expected_group_size == 14
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "group_size_raised")
    ).one()
    assert event.staff_id == staff.id
    assert page(lead.get(f"/studio/activities/{activity.id}")).find(id="joining-full") is None
    live = lead.get(f"/results/activities/{activity.id}/live.json").get_json()
    assert live["joining_full"] is False

    answering = try_again(newcomer, waiting)
    assert answering.status_code == 200
    assert page(answering).find("input", attrs={"name": "draft"}) is not None
    assert page(answering).find("h1").get_text(strip=True) == activity.title


def test_young_people_still_join_and_send_when_the_limiter_storage_is_down(app, make, db_session):
    activity = two_questions(make, expected_group_size=1)
    down = app_with_storage(app, "redis://127.0.0.1:1/0", "down")
    for number in range(8):
        client = phone(down)
        form_page = say_yes(client, activity)
        assert form_page.status_code == 200
        assert send(client, form_page, answers_for(activity, number)).status_code == 200
    assert stored(db_session, activity) == 8


def test_the_lead_sets_the_expected_group_size_on_the_settings_form(make, sign_in, db_session):
    activity = two_questions(make)
    client = sign_in(make.staff("lead", activity.service))
    url = f"/studio/activities/{activity.id}/settings"
    form = find_form(client.get(url), url)
    assert form.find("input", attrs={"name": "expected_group_size"})["value"] == "30"

    refused = send_form(client, client.get(url), url, {"expected_group_size": "0"})
    assert "The group size must be between 1 and 100000." in text_of(refused)
    send_form(client, client.get(url), url, {"expected_group_size": "60"})
    db_session.refresh(activity)
    assert activity.expected_group_size == 60


def test_a_busy_address_does_not_hold_up_young_people_elsewhere(limited_app, make, clock):
    activity = two_questions(make, expected_group_size=100)
    for _ in range(throttle.BURST):
        assert say_yes(phone(limited_app), activity).status_code == 200
    assert say_yes(phone(limited_app), activity).status_code == 429
    at_home = limited_app.test_client()
    at_home.environ_base["REMOTE_ADDR"] = "198.51.100.99"
    assert say_yes(at_home, activity).status_code == 200
