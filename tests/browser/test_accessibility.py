"""Accessibility beyond each page's axe check: keyboard only, 320 px wide, 200% zoom.

Reflow is checked by `Visitor.check` on every page (the page must not scroll sideways), so
running journeys on the "narrow" (320 CSS px, WCAG 1.4.10) and "zoom200" (a 1280 x 800
screen at 200% zoom: 640 x 400 CSS px at two device pixels each) devices covers them.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from participation.commands.demo import DEMO_CODE
from participation.models import Activity, Answer, Flag, Submission
from participation.models.activities import RESEARCH_ASK
from tests.browser import journeys
from tests.browser.conftest import sign_in
from tests.browser.journeys import AGE, BOXES, EXPECTED_ROWS, FACE, FREE_TEXT, PICKS, SINGLE
from tests.browser.journeys import heading as main_heading
from tests.browser.support import arrow_to, tab_to

pytestmark = pytest.mark.browser

HUB_LEAD = "lead@hub.example.org"  # a Hub lead who is also a safeguarding lead
ADMIN = "admin@example.org"


@pytest.mark.parametrize("device", ["narrow", "zoom200"])
def test_young_persons_journey_fits_narrow_screens_and_zoom(visit, live_server, device):
    activity = live_server.add_activity(research_sharing=RESEARCH_ASK)
    visitor = visit(device)
    journeys.say_yes(visitor, activity.code, research=True)
    journeys.answer_every_kind(visitor)
    sent = journeys.check_and_send(visitor)
    journeys.withdraw(visitor, sent.withdrawal_code)


def staff_pages(live_server) -> list[tuple[str, str]]:
    """The main staff pages, as (name, path), for a Hub lead."""
    with live_server.session() as session:
        demo = session.scalars(select(Activity).where(Activity.join_code == DEMO_CODE)).one()
        demo_id = demo.id
        written = select(Answer.id).join(Submission).where(Submission.activity_id == demo_id)
        answer_id = session.scalar(written.where(Answer.text.is_not(None)).limit(1))
        flag_id = session.scalar(select(Flag.id).limit(1))
    return [
        ("dashboard", "/results/"),
        ("results: activities", "/results/activities"),
        ("outcomes over time", "/results/outcomes"),
        ("outcomes report", "/results/outcomes/report"),
        ("results: one activity", f"/results/activities/{demo_id}"),
        ("results: written answers", f"/results/activities/{demo_id}/answers"),
        ("live screen", f"/results/activities/{demo_id}/present"),
        ("moderation", f"/results/activities/{demo_id}/moderation"),
        ("you said, we did", f"/results/activities/{demo_id}/actions"),
        ("themes", "/results/themes"),
        ("safeguarding queue", "/results/safeguarding"),
        ("raise a concern", f"/results/activities/{demo_id}/answers/{answer_id}/concern"),
        ("written answer", f"/results/activities/{demo_id}/answers/{answer_id}"),
        *([("flagged answer", f"/results/safeguarding/{flag_id}")] if flag_id else []),
        ("safeguarding phrases", "/results/safeguarding/phrases"),
        ("studio: activities", "/studio/"),
        ("studio: templates", "/studio/templates"),
        ("studio: outcomes bank", "/studio/outcomes"),
        ("studio: activity", f"/studio/activities/{demo_id}"),
        ("studio: activity share", f"/studio/activities/{demo_id}/share"),
        ("studio: activity settings", f"/studio/activities/{demo_id}/settings"),
        ("studio: add a question", f"/studio/activities/{demo_id}/questions/new"),
        ("studio: new activity", "/studio/activities/new"),
        ("studio: preview", f"/studio/activities/{demo_id}/preview"),
        ("research", "/research/"),
        ("research: outcomes pack", "/research/outcomes"),
    ]


def tour(visitor, pages: list[tuple[str, str]]) -> None:
    """Check every page, then fail once listing every page with a problem."""
    problems = []
    for name, path in pages:
        response = visitor.goto(path)
        assert response is not None and response.status == 200, (path, response)
        try:
            visitor.check(name)
        except AssertionError as problem:
            problems.append(str(problem))
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("device", ["desktop", "zoom200", "narrow"])
def test_main_staff_pages(visit, live_server, device):
    visitor = visit(device)
    sign_in(visitor, HUB_LEAD)
    tour(visitor, staff_pages(live_server))


@pytest.mark.parametrize("device", ["desktop", "narrow"])
def test_admin_pages(visit, device):
    visitor = visit(device)
    sign_in(visitor, ADMIN)
    tour(
        visitor,
        [
            ("admin: staff", "/admin/staff"),
            ("admin: new staff", "/admin/staff/new"),
            ("admin: services", "/admin/services"),
            ("admin: participation types", "/admin/participation-types"),
            ("admin: audit log", "/admin/audit"),
        ],
    )


def test_young_persons_journey_by_keyboard_alone(visit, live_server):
    """Journey 1 with only Tab, arrows, Space, Enter and typing; focus always visible."""
    activity = live_server.add_activity(research_sharing=RESEARCH_ASK)
    visitor = visit("desktop")
    page = visitor.page
    keys = page.keyboard

    def activate(target) -> None:
        tab_to(page, target)
        with page.expect_navigation():
            keys.press("Enter")

    def radio(label: str) -> None:
        group = page.get_by_role("radio")
        tab_to(page, group.first)
        arrow_to(page, page.get_by_role("radio", name=label, exact=True))

    def tick(label: str) -> None:
        box = page.get_by_role("checkbox", name=label, exact=True)
        tab_to(page, box)
        keys.press("Space")
        assert box.is_checked()

    def write(label: str, text: str) -> None:
        tab_to(page, page.get_by_label(label, exact=True))
        keys.type(text)

    def next_page(name: str = "Next") -> None:
        activate(page.get_by_role("button", name=name, exact=True))

    visitor.goto(f"/j/{activity.code}")
    tick("You can also let researchers use your answers (without your name)")
    activate(page.get_by_role("button", name="Yes, I'll take part"))

    radio(FACE)
    next_page()
    next_page("Pass")
    radio(SINGLE)
    next_page()
    for label in PICKS:
        tick(label)
    next_page()
    write("What is hard about taking part?", FREE_TEXT)
    next_page()
    for label, text in zip(
        ["What's working well?", "What's not working?", "What would you change?"],
        BOXES,
        strict=True,
    ):
        write(label, text)
    next_page()
    for label, place in journeys.RANKING.items():
        select = page.get_by_label(label, exact=True)
        tab_to(page, select)
        keys.type(place[0])  # typing "1" picks "1st"
        assert select.evaluate("element => element.selectedOptions[0].text") == place
    next_page()
    radio(AGE)
    next_page("Check my answers")

    assert main_heading(page) == "Check your answers"
    activate(page.get_by_role("button", name="Send my answers"))
    assert main_heading(page) == "Thank you"
    code = page.locator("#withdrawal-code").inner_text().strip()
    [stored] = live_server.stored(activity.id)
    assert stored == {"research_consent": True, "rows": EXPECTED_ROWS}

    activate(page.get_by_role("link", name="the delete page"))
    write("Your code", code)
    with page.expect_navigation():
        keys.press("Enter")  # Enter in a text box sends its form
    assert main_heading(page) == "Your answers have been deleted"
    assert live_server.stored(activity.id) == []


def test_skip_link_and_quick_exit_come_first(visit):
    visitor = visit("desktop")
    page = visitor.page
    visitor.goto(f"/j/{DEMO_CODE}")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Tab")
    assert page.get_by_role("link", name="Leave this site").evaluate(
        "element => element === document.activeElement"
    )
    assert re.search(r"Shift", page.locator(".exit-hint").inner_text())
