"""Journey 4: kiosk mode on a shared tablet; the next young person sees nothing of the last."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import Error as PlaywrightError

from participation.commands.demo import DEMO_PASSWORD
from tests.browser import journeys
from tests.browser.conftest import LEAD, sign_in
from tests.browser.journeys import BOXES, FREE_TEXT, heading

pytestmark = pytest.mark.browser


def start_kiosk(visitor, activity_id: int) -> None:
    """From the activity's Share part, a signed-in lead turns this device into a kiosk."""
    page = visitor.page
    visitor.goto(f"/studio/activities/{activity_id}/share")
    start = page.get_by_role("button", name="Start kiosk mode on this device")
    assert "one shared tablet" in start.evaluate(
        "button => document.getElementById(button.getAttribute('aria-describedby')).textContent"
    )
    start.click()
    page.wait_for_load_state("load")


def assert_nothing_of(visitor, code: str) -> None:
    """Neither the last person's code nor any of their answers is on the page."""
    shown = visitor.page.content()
    for secret in [code, FREE_TEXT, *BOXES]:
        assert secret not in shown, f"{secret!r} still visible at {visitor.page.url}"


def test_two_young_people_one_after_another(visit, live_server):
    activity = live_server.add_activity()
    tablet = visit("tablet")
    page = tablet.page
    sign_in(tablet, LEAD)
    start_kiosk(tablet, activity.id)
    assert heading(page) == activity.title
    assert page.get_by_role("link", name="Staff: end kiosk mode").is_visible()
    tablet.check("kiosk: consent", youth=True)

    # The first young person answers and sends.
    journeys.say_yes(tablet, activity.code, research=False, check=False)
    journeys.answer_every_kind(tablet, check=False)
    first = journeys.check_and_send(tablet, check=False)
    tablet.check("kiosk: thanks", youth=True)
    page.get_by_role("link", name="I'm done – next person").click()
    page.wait_for_load_state("load")

    # The second sees the start again, and nothing of the first, even going Back.
    assert heading(page) == activity.title
    tablet.check("kiosk: back to the start", youth=True)
    assert_nothing_of(tablet, first.withdrawal_code)
    for _ in range(3):
        with contextlib.suppress(PlaywrightError):
            page.go_back(wait_until="load")
        assert_nothing_of(tablet, first.withdrawal_code)
    tablet.goto("/")
    assert heading(page) == activity.title, "the kiosk's start page leads to its activity"
    tablet.goto("/results/")
    assert "/staff/sign-in" in page.url, "a kiosk must not stay signed in to staff pages"

    tablet.goto(f"/j/{activity.code}")
    journeys.say_yes(tablet, activity.code, research=False, check=False)
    journeys.answer_every_kind(tablet, check=False)
    second = journeys.check_and_send(tablet, check=False)
    assert second.withdrawal_code != first.withdrawal_code
    assert len(live_server.stored(activity.id)) == 2

    # Staff end kiosk mode (signing in again first).
    page.get_by_role("link", name="I'm done – next person").click()
    page.get_by_role("link", name="Staff: end kiosk mode").click()
    page.wait_for_load_state("load")
    if "/staff/sign-in" in page.url:
        page.get_by_label("Email address").fill(LEAD)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        journeys.press(page, "Sign in")
    end = page.get_by_role("button", name="End kiosk mode")
    if end.count():
        end.click()
        page.wait_for_load_state("load")
    assert heading(page) == "Kiosk mode is off"
    tablet.check("kiosk: ended")
