"""Journeys 1 and 2: a young person joins, says yes, answers every kind, sends and withdraws."""

from __future__ import annotations

import pytest

from participation.models.activities import RESEARCH_ASK
from tests.browser import journeys
from tests.browser.journeys import EXPECTED_ROWS, heading

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("device", "javascript"),
    [("phone", True), ("desktop", True), ("phone", False)],
    ids=["phone", "desktop", "phone-without-javascript"],
)
def test_join_consent_answer_every_kind_send_and_withdraw(visit, live_server, device, javascript):
    activity = live_server.add_activity(research_sharing=RESEARCH_ASK)
    visitor = visit(device, javascript=javascript)

    journeys.say_yes(visitor, activity.code, research=True)
    journeys.answer_every_kind(visitor)
    sent = journeys.check_and_send(visitor)

    [stored] = live_server.stored(activity.id)
    assert stored["research_consent"] is True
    assert stored["rows"] == EXPECTED_ROWS  # the passed traffic light stored nothing

    journeys.withdraw(visitor, sent.withdrawal_code)
    assert live_server.stored(activity.id) == []


def test_demo_code_opens_the_consent_page(visit):
    visitor = visit("phone")
    visitor.goto("/j/DEMOYP")
    assert visitor.page.get_by_role("button", name="Yes, I'll take part").is_visible()
    visitor.check("consent (DEMOYP)", youth=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_typing_a_code_saying_no_and_a_wrong_code(visit, live_server, javascript):
    activity = live_server.add_activity()
    visitor = visit("phone", javascript=javascript)
    page = visitor.page

    visitor.goto("/")
    page.get_by_role("link", name="Enter a code").click()
    assert heading(page) == "Enter your code"
    visitor.check("enter a code", youth=True)

    page.get_by_label("Code").fill("zz zzzz")
    journeys.press(page, "Continue")
    assert page.get_by_role("alert").get_by_text("There is a problem").is_visible()
    assert page.get_by_label("Code").get_attribute("aria-invalid") == "true"
    visitor.check("enter a code: not found", youth=True)

    spaced = f"{activity.code[:3].lower()} {activity.code[3:].lower()}"
    page.get_by_label("Code").fill(spaced)
    journeys.press(page, "Continue")
    assert heading(page) == activity.title
    journeys.press(page, "No thanks")
    assert heading(page) == "That is fine"
    visitor.check("no thanks", youth=True)
    assert live_server.stored(activity.id) == []


def test_a_wrong_withdrawal_code_gets_a_clear_message(visit):
    visitor = visit("phone")
    page = visitor.page
    visitor.goto("/withdraw")
    page.get_by_label("Your code").fill("otter-maple-kite-river")
    journeys.press(page, "Delete my answers")
    assert page.get_by_role("alert").get_by_text("There is a problem").is_visible()
    assert "could not find answers with that code" in page.locator(".error-message").inner_text()
    visitor.check("withdraw: code not found", youth=True)
