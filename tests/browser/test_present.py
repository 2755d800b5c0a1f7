"""The present screen on a projector (1920x1080 and 1280x720) and moderation by keys."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from participation.activities.kinds import question_spec
from participation.activities.library import sensitive
from participation.models import Activity, Answer, Question
from participation.models.enums import QuestionKind
from participation.models.submissions import APPROVED, PENDING
from tests.browser.conftest import LEAD, sign_in
from tests.factories import Factory

pytestmark = pytest.mark.browser

QUESTIONS = [
    question_spec(QuestionKind.EMOJI_SCALE, "How was today overall?"),
    question_spec(QuestionKind.TRAFFIC_LIGHT, "Did you feel listened to today?"),
    question_spec(QuestionKind.THREE_BOXES, "About today"),
    sensitive(question_spec(QuestionKind.REACH, "", topic="age_band")),
    question_spec(QuestionKind.FREE_TEXT, "One word for today?"),
]
WORDS = ["Fun", "fun day", "Pizza", "fun and pizza", "Loud", "Friends", "fun"]
SIZES = [(1920, 1080), (1280, 720)]
FONT_SIZE = "el => parseFloat(getComputedStyle(el).fontSize)"


def _group_of_seven(live_server) -> int:
    """An activity (k = 5) that 7 young people answered; one written answer approved."""
    with live_server.session() as session:
        ref = live_server.add_activity(questions=QUESTIONS, title="Workshop on a projector")
        activity = session.get(Activity, ref.id)
        make = Factory(session)
        for person in range(7):
            make.submission(
                activity,
                {
                    0: [{"choice": 4 if person < 4 else 5}],
                    1: [{"choice": 1 + person % 3}],
                    2: [{"part": 2, "text": f"More food please {person}"}],
                    3: [{"choice": 1}],
                    4: [{"text": WORDS[person]}],
                },
            )
        session.execute(
            update(Answer)
            .where(Answer.question_id == activity.questions[4].id)
            .values(moderation=APPROVED)
        )
        first = session.scalars(
            select(Answer)
            .join(Question)
            .where(Question.activity_id == ref.id, Answer.text == "More food please 0")
        ).one()
        first.moderation = APPROVED
    return ref.id


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_present_screen_is_for_the_room(visit, live_server, width, height):
    activity_id = _group_of_seven(live_server)
    lead = visit("desktop")
    page = lead.page
    page.set_viewport_size({"width": width, "height": height})
    sign_in(lead, LEAD)
    lead.goto(f"/results/activities/{activity_id}/present")
    expect(page.locator("#pq")).to_have_attribute("data-number", "1")

    # Nothing that is not for the room.
    text = page.locator("body").inner_text()
    assert LEAD not in text
    assert (
        page.locator("nav[aria-label=Main], #nav-safeguarding, .badge, .staff-header").count() == 0
    )

    # A group of 7 (k = 5) sees its faces as shares, drawn as faces.
    rows = page.locator(".pchart__row")
    expect(rows).to_have_count(5)
    assert page.locator(".pchart__row[data-code='4'] .pchart__value").inner_text() == "57%"
    assert page.locator(".pchart .pface").count() == 5
    expect(page.locator("#join-code")).to_be_visible()
    expect(page.locator(".pcorner__qr svg")).to_be_visible()
    assert page.locator("#live-submitted").inner_text() == "7"

    # Type for the back of the room.
    prompt = page.locator(".pq__prompt").evaluate(FONT_SIZE)
    label = min(page.locator(".pchart__label").evaluate_all(f"els => els.map({FONT_SIZE})"))
    if width == 1920:
        assert prompt >= 48 and label >= 28, (prompt, label)
    lead.check(f"present {width}x{height}: faces")

    # The arrow keys move between questions; traffic lights have colour and pattern.
    page.wait_for_function("() => document.querySelector('#present') && window.history")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#pq")).to_have_attribute("data-number", "2")
    assert "q=2" in page.url
    fills = page.locator(".pchart__bar rect:nth-child(2)").evaluate_all(
        "els => els.map(e => e.getAttribute('fill'))"
    )
    assert "url(#pattern-red)" in fills and "url(#pattern-amber)" in fills
    lead.check(f"present {width}x{height}: traffic lights")

    # H hides the results for a reveal; T shows the numbers table.
    page.keyboard.press("h")
    expect(page.locator(".pq__results")).to_be_hidden()
    page.keyboard.press("h")
    expect(page.locator(".pchart")).to_be_visible()
    page.keyboard.press("t")
    expect(page.locator(".ptable")).to_be_visible()
    lead.check(f"present {width}x{height}: numbers shown")

    # The approved quote sits under its question and box; the others do not appear.
    page.keyboard.press("PageDown")
    expect(page.locator("#pq")).to_have_attribute("data-number", "3")
    boxes = page.locator(".pquotes__box")
    expect(boxes.nth(2)).to_contain_text("More food please 0")
    expect(boxes.nth(0)).not_to_contain_text("More food")
    assert "More food please 1" not in page.locator("body").inner_text()
    lead.check(f"present {width}x{height}: quotes")

    # About-you questions never show their results on the big screen.
    page.keyboard.press("ArrowRight")
    expect(page.locator("#pq-private")).to_be_visible()
    assert page.locator(".pchart").count() == 0

    # A word cloud of the approved short answers, with a text list for screen readers.
    page.keyboard.press("ArrowRight")
    expect(page.locator(".pcloud svg")).to_be_visible()
    words = page.locator("ul[aria-label='Words written most often'] li").all_inner_texts()
    assert words[0] == "fun: 4"
    lead.check(f"present {width}x{height}: word cloud")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#pq")).to_have_attribute("data-number", "4")


def test_the_present_screen_works_without_javascript(visit, live_server):
    activity_id = _group_of_seven(live_server)
    lead = visit("desktop", javascript=False)
    sign_in(lead, LEAD)
    lead.goto(f"/results/activities/{activity_id}/present")
    lead.page.locator("#next").click()
    expect(lead.page.locator("#pq")).to_have_attribute("data-number", "2")
    lead.page.locator("#toggle-numbers").click()
    expect(lead.page.locator(".ptable")).to_be_visible()
    lead.check("present without JavaScript")


def test_a_lead_approves_60_answers_in_under_a_minute_with_keys(visit, live_server):
    with live_server.session() as session:
        ref = live_server.add_activity(
            questions=[question_spec(QuestionKind.THREE_BOXES, "About the food")]
        )
        activity = session.get(Activity, ref.id)
        make = Factory(session)
        for person in range(20):
            make.submission(
                activity,
                {0: [{"part": box, "text": f"Answer {person} in box {box}"} for box in range(3)]},
            )
    lead = visit("desktop")
    page = lead.page
    sign_in(lead, LEAD)
    lead.goto(f"/results/activities/{ref.id}/moderation")
    expect(page.locator(".moderate-item")).to_have_count(60)
    assert page.locator(".moderate-group").count() == 3, "grouped by box"
    lead.check("moderation: 60 waiting")
    page.evaluate("() => { window.sameDocument = true; }")

    started = time.monotonic()
    page.locator(".moderate-item").first.focus()
    for _ in range(60):
        page.keyboard.press("a")
    expect(page.locator("[data-count=approved]")).to_have_text("60", timeout=30_000)
    took = time.monotonic() - started
    assert took < 60, took
    assert page.evaluate("() => window.sameDocument === true"), "the page never reloaded"
    with live_server.session() as session:
        states = session.scalars(
            select(Answer.moderation)
            .join(Answer.question)
            .where(Answer.question.has(activity_id=ref.id))
        ).all()
    assert states.count(APPROVED) == 60 and PENDING not in states
    lead.check("moderation: all approved")


def test_the_leads_view_and_the_projector_follow_each_other(visit, live_server):
    activity_id = _group_of_seven(live_server)
    projector = visit("desktop")
    sign_in(projector, LEAD)
    projector.goto(f"/results/activities/{activity_id}/present")
    laptop = projector.another_page()
    laptop.goto(f"/results/activities/{activity_id}/present/lead")
    expect(laptop.page.locator("#lead-moves")).to_be_visible()
    laptop.check("lead's view")

    laptop.page.get_by_role("button", name="Next question").click()
    expect(projector.page.locator("#pq")).to_have_attribute("data-number", "2")
    expect(laptop.page.locator("#lead-current")).to_have_text("2")
    expect(laptop.page.locator("#lead-next")).to_contain_text("About today")

    projector.page.keyboard.press("ArrowRight")
    expect(laptop.page.locator("#lead-current")).to_have_text("3")
    laptop.page.get_by_role("button", name="Hide or show results").click()
    expect(projector.page.locator(".pq__results")).to_be_hidden()
