"""Journey 5: a lead makes an activity from a template, opens it and runs the live screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import journeys
from tests.browser.conftest import LEAD, sign_in
from tests.browser.journeys import heading, press

pytestmark = pytest.mark.browser

TEMPLATE = "One-to-one check-in"
TITLE = "Tuesday check-in (browser test)"
WRITTEN = ["More trips to the seaside please", "The new room is better", "Games night again"]
POLL_SECONDS = 20  # the screen polls every 5 seconds


def test_template_edit_open_present_and_moderate(visit, live_server):
    lead = visit("desktop")
    page = lead.page
    sign_in(lead, LEAD)

    # A draft from a template.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Templates").click()
    assert heading(page) == "Templates"
    lead.check("studio: templates")
    page.get_by_role("button", name=f"Use this template – {TEMPLATE}", exact=True).click()
    page.wait_for_load_state("load")
    assert heading(page) == TEMPLATE
    lead.check("studio: new draft from a template")

    # Edit: a new title and the smallest group shown, so three answers are enough.
    page.get_by_role("navigation", name="Parts of this activity").get_by_role(
        "link", name="Settings"
    ).click()
    page.wait_for_load_state("load")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Smallest group shown (k)").fill("3")
    press(page, "Save settings")
    assert heading(page) == TITLE
    assert page.get_by_role("status").get_by_text("Saved your changes.").is_visible()

    # Open it.
    press(page, "Open to young people")
    assert page.locator("#status").get_by_text("Open", exact=True).is_visible()
    code = page.locator("[data-join-code]").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{6}", code)
    lead.check("studio: activity open")
    activity_id = int(re.search(r"/studio/activities/(\d+)", page.url).group(1))

    # The live screen, found through the results pages.
    lead.goto("/results/activities")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("navigation", name="This activity").get_by_role(
        "link", name="Live screen"
    ).click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/results/activities/{activity_id}/present")
    assert page.locator("#join-code").inner_text().strip() == code
    expect(page.locator("#live-submitted")).to_have_text("0")
    lead.check("live screen: waiting")

    # Young people answer on their phones; the screen counts them without a reload.
    for number, text in enumerate(WRITTEN, start=1):
        phone = visit("phone")
        journeys.answer_anything(phone, code, text)
        expect(page.locator("#live-submitted")).to_have_text(
            str(number), timeout=POLL_SECONDS * 1000
        )
        if number < len(WRITTEN):
            expect(page.locator("#live-waiting")).to_be_visible()
    expect(page.locator("#live-waiting")).to_be_hidden(timeout=POLL_SECONDS * 1000)
    assert page.locator("#live-results .pchart").count() > 0, "charts appear once k answered"
    assert page.locator("#live-texts").count() == 0, "no written answer before approval"
    for text in WRITTEN:
        assert text not in page.locator("#live-results").inner_text()
    lead.check("live screen: results")

    # Moderation in a second tab: approve one answer, and the screen shows it.
    moderation = lead.another_page()
    moderation.goto(f"/results/activities/{activity_id}/moderation")
    assert heading(moderation.page) == "Approve written answers"
    moderation.check("moderation")
    item = moderation.page.locator("#moderation-list li").filter(has_text=WRITTEN[0])
    item.get_by_role("button", name="Approve").click()
    moderation.page.wait_for_load_state("load")
    expect(moderation.page.locator("#moderation-list")).not_to_contain_text(WRITTEN[0])
    moderation.check("moderation after approving")

    # The template marks this written question sensitive: even approved, it stays off the
    # big screen.
    page.keyboard.press("End")
    expect(page.locator("#pq-private")).to_be_visible()
    assert WRITTEN[0] not in page.locator("#present-stage").inner_text()
    lead.check("live screen: a private question")
