"""Journey 3: quick exit by the button and by Shift pressed 3 times; Back shows no answers."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser import journeys
from tests.browser.journeys import BOXES, FREE_TEXT, heading
from tests.browser.wsgi import NEUTRAL_PATH, NEUTRAL_TITLE

pytestmark = pytest.mark.browser

UNSENT = "A sentence typed but never sent"


def reach_the_check_page(visitor, live_server) -> None:
    """Answer everything, so the page now shown lists every answer."""
    activity = live_server.add_activity()
    journeys.say_yes(visitor, activity.code, research=False, check=False)
    journeys.answer_every_kind(visitor, check=False)
    assert heading(visitor.page) == "Check your answers"
    assert FREE_TEXT in visitor.page.content()


def assert_left(visitor) -> None:
    """The neutral page is showing, with its own title."""
    page = visitor.page
    page.wait_for_url(f"**{NEUTRAL_PATH}")
    assert page.title() == NEUTRAL_TITLE
    assert heading(page) == NEUTRAL_TITLE


def assert_back_shows_nothing(visitor) -> None:
    """Going Back (twice) shows none of the answers, even if the browser re-posts a form."""
    page = visitor.page
    for _ in range(2):
        # The browser may refuse to show a page that must not be stored: that is fine too.
        with contextlib.suppress(PlaywrightError):
            page.go_back(wait_until="load")
        if page.url.endswith(("/answers", "/answers/send")):
            # Chromium under test re-posts the form without asking: the app must refuse it.
            assert heading(page) == "This page has ended"
        shown = page.content()
        for answer in [FREE_TEXT, *BOXES, UNSENT]:
            assert answer not in shown, f"Back showed {answer!r} at {page.url}"
        assert page.locator("input:checked").count() == 0


@pytest.mark.parametrize(
    ("device", "javascript"),
    [("phone", True), ("phone", False)],
    ids=["phone", "phone-without-javascript"],
)
def test_leave_this_site_button(visit, live_server, device, javascript):
    visitor = visit(device, javascript=javascript)
    reach_the_check_page(visitor, live_server)
    visitor.screenshot("before leaving")
    visitor.page.get_by_role("link", name="Leave this site").click()
    assert_left(visitor)
    visitor.screenshot("after leaving")
    assert_back_shows_nothing(visitor)
    visitor.traffic.assert_clean()


def test_shift_three_times(visit, live_server):
    visitor = visit("desktop")
    reach_the_check_page(visitor, live_server)
    page = visitor.page
    page.get_by_role(
        "button", name="Change your answer to: What is hard about taking part?"
    ).click()
    page.get_by_label("What is hard about taking part?").fill(UNSENT)
    # exit.js is deferred: the keys count only once it has run, as for a person reading.
    page.wait_for_load_state("load")
    for _ in range(3):
        page.keyboard.press("Shift")
    assert_left(visitor)
    assert_back_shows_nothing(visitor)
    visitor.traffic.assert_clean()


def test_young_peoples_pages_have_a_neutral_title_and_no_cached_copy(visit, live_server):
    activity = live_server.add_activity()
    visitor = visit("phone")
    response = visitor.goto(f"/j/{activity.code}")
    assert response is not None
    assert "no-store" in response.headers["cache-control"]
    assert visitor.page.title() == "Feedback"
    assert visitor.page.locator("link[rel=icon]").get_attribute("href") == "data:,"
