"""Journey 6: a possible disclosure reaches the safeguarding lead, who records what was done."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from participation.activities.kinds import question_spec
from participation.models import AuditEvent, Flag, Staff
from participation.models.enums import QuestionKind
from tests.browser import journeys
from tests.browser.conftest import LEAD, SAFEGUARDING_LEAD, sign_in
from tests.browser.journeys import heading, press

pytestmark = pytest.mark.browser

WORRYING = "Sometimes I want to run away from everything"
NOTE = "Talked it through with the group's worker; plan agreed for next session."

# The queue's menu link ("Safeguarding", with its badge), not "Safeguarding phrases".
QUEUE_LINK = re.compile("^Safeguarding(?! phrases)")


def test_flagged_answer_reaches_the_queue_and_is_recorded(visit, live_server):
    activity = live_server.add_activity(
        questions=[
            question_spec(QuestionKind.EMOJI_SCALE, "How was today?"),
            question_spec(
                QuestionKind.FREE_TEXT, "Anything else you want to tell us?", max_length=500
            ),
        ],
        title="Drop-in session (browser test)",
    )

    # The young person writes something worrying and is pointed to help, gently.
    phone = visit("phone")
    journeys.answer_anything(phone, activity.code, WORRYING)
    note = phone.page.get_by_role("note")
    assert "talk to a worker today" in note.inner_text()
    assert note.get_by_role("link", name="0800 1111").is_visible()
    phone.check("thanks, after a flagged answer", youth=True)

    # The safeguarding lead sees it at once, in a private queue with a badge.
    lead = visit("desktop")
    page = lead.page
    sign_in(lead, SAFEGUARDING_LEAD)
    nav_link = page.get_by_role("navigation", name="Main").get_by_role("link", name=QUEUE_LINK)
    assert re.search(r"^\d+$", nav_link.locator(".badge").inner_text())
    # Screen readers hear the count and its breakdown by category, not a bare number.
    assert re.search(r": \d+ new \(\d+ ", nav_link.text_content() or "")
    nav_link.click()
    page.wait_for_load_state("load")
    assert heading(page) == "Safeguarding"
    row = page.locator("#flag-queue tbody tr").filter(has_text=activity.title)
    assert row.count() == 1
    assert "going missing" in row.inner_text().lower()
    lead.check("safeguarding queue")

    row.get_by_role("link").click()
    page.wait_for_load_state("load")
    assert heading(page) == "Flagged answer"
    assert page.locator("#flag-text").inner_text().strip() == WORRYING
    lead.check("flagged answer")

    page.get_by_label("Discussed with the group's worker").check()
    page.get_by_label("Note").fill(NOTE)
    press(page, "Save")
    assert heading(page) == "Safeguarding"
    assert page.get_by_text("Saved what you did").is_visible()
    assert page.locator("#flag-queue tbody tr").filter(has_text=activity.title).count() == 0
    page.get_by_role("link", name="Dealt with").click()
    page.wait_for_load_state("load")
    done = page.locator("#flag-queue tbody tr").filter(has_text=activity.title)
    assert "Discussed" in (done.text_content() or "")
    lead.check("safeguarding queue: dealt with")

    with live_server.session() as session:
        flag = session.scalars(select(Flag).where(Flag.activity_id == activity.id)).one()
        reviewer = session.get(Staff, flag.reviewed_by_id)
        assert (flag.status, flag.outcome_note) == ("discussed", NOTE)
        assert reviewer is not None and reviewer.email == SAFEGUARDING_LEAD
        actions = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.target_type == "flag", AuditEvent.target_id == flag.id
            )
        ).all()
        assert "flag_reviewed" in actions, actions

    # A lead who is not a safeguarding lead sees neither the link nor the queue.
    other = visit("desktop")
    sign_in(other, LEAD)
    nav = other.page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name=QUEUE_LINK).count() == 0
    response = other.goto("/results/safeguarding")
    assert response is not None and response.status in (403, 404)
