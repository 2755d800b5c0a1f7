"""A young person's way through an activity with one question of every kind, step by step.

Tests reuse these steps (on a phone, without JavaScript, on a kiosk, from a second browser
while staff watch the live screen). Controls are found by role and label, as a screen
reader user would find them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Page

from tests.browser.support import Visitor

# The answers given to tests.factories.every_kind_of_question(), in question order.
FACE = "Happy"  # emoji scale, code 4
PASSED_PROMPT = "Do you get a say in what we do?"  # traffic light: passed
SINGLE = "Maybe"  # code 2
PICKS = ["Art", "Food"]  # codes 1 and 3
FREE_TEXT = "Getting here on the bus takes ages"
BOXES = ["Making posters together", "The room is too small", "Meet in the evening"]
RANKING = {"Having fun": "1st", "Feeling safe": "2nd", "Learning": "3rd"}
AGE = "14 or 15"  # code 2

EXPECTED_ROWS = {
    # question position: sorted (part, choice, text) rows stored for it
    0: [(0, 4, None)],
    2: [(0, 2, None)],
    3: [(0, 1, None), (0, 3, None)],
    4: [(0, None, FREE_TEXT)],
    5: [(index, None, text) for index, text in enumerate(BOXES)],
    6: [(0, 2, None), (1, 1, None), (2, 3, None)],
    7: [(0, 2, None)],
}


@dataclass
class Sent:
    """What a young person saw at the end."""

    withdrawal_code: str


def heading(page: Page) -> str:
    """The page's main heading."""
    return page.get_by_role("heading", level=1).first.inner_text().strip()


def press(page: Page, name: str) -> None:
    """Press the button called `name` and wait for the page it leads to."""
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state("load")


def choose(page: Page, label: str) -> None:
    """Pick the radio button or tick box whose accessible name is `label`."""
    radio = page.get_by_role("radio", name=label, exact=True)
    page_box = page.get_by_role("checkbox", name=label, exact=True)
    radio.or_(page_box).check()


def say_yes(visitor: Visitor, code: str, *, research: bool, check: bool = True) -> None:
    """Open the join link, read the consent page and say yes."""
    page = visitor.page
    visitor.goto(f"/j/{code}")
    assert page.get_by_role("button", name="Yes, I'll take part").is_visible()
    # Said first in the short layer (and again in the full statement behind "Read everything").
    assert page.get_by_text(
        re.compile("nobody can tell which answers are yours", re.I)
    ).first.is_visible()
    if check:
        visitor.check("consent", youth=True)
    if research:
        page.get_by_label("You can also let researchers use your answers", exact=False).check()
    press(page, "Yes, I'll take part")


def answer_every_kind(visitor: Visitor, *, check: bool = True) -> None:
    """Answer the eight questions, passing the traffic light, and reach the check page."""
    page = visitor.page

    def at(number: int, kind: str) -> None:
        assert page.locator(".progress__words").inner_text().strip() == f"Question {number} of 8"
        if check:
            visitor.check(f"question: {kind}", youth=True)

    at(1, "faces scale")
    assert heading(page) == "How do you feel about the group?"
    choose(page, FACE)
    press(page, "Next")

    at(2, "traffic light")
    assert heading(page) == PASSED_PROMPT
    choose(page, "Green: good, keep it going")  # chosen, then passed: passing must clear it
    press(page, "Pass")

    at(3, "pick one")
    choose(page, SINGLE)
    press(page, "Next")

    at(4, "pick any")
    for label in PICKS:
        choose(page, label)
    press(page, "Next")

    at(5, "free text")
    page.get_by_label("What is hard about taking part?").fill(FREE_TEXT)
    press(page, "Next")

    at(6, "three boxes")
    for label, text in zip(
        ["What's working well?", "What's not working?", "What would you change?"],
        BOXES,
        strict=True,
    ):
        page.get_by_label(label).fill(text)
    press(page, "Next")

    at(7, "ranking")
    for label, place in RANKING.items():
        page.get_by_label(label, exact=True).select_option(label=place)
    press(page, "Next")

    at(8, "reach question")
    assert heading(page) == "How old are you?"
    choose(page, AGE)
    press(page, "Check my answers")


def check_and_send(visitor: Visitor, *, check: bool = True) -> Sent:
    """Look over the answers (the passed one says so) and send them."""
    page = visitor.page
    assert heading(page) == "Check your answers"
    passed_row = page.locator(".check-list__row").filter(has_text=PASSED_PROMPT)
    assert "You passed this one" in passed_row.inner_text()
    summary = page.locator(".check-list").inner_text()
    for shown in [FACE, SINGLE, *PICKS, FREE_TEXT, *BOXES, AGE]:
        assert shown in summary, f"{shown!r} missing from the check page"
    if check:
        visitor.check("check your answers", youth=True)
    press(page, "Send my answers")
    assert heading(page) == "Thank you"
    code = page.locator("#withdrawal-code").inner_text().strip()
    assert re.fullmatch(r"[a-z]+(-[a-z]+){3}", code), code
    if check:
        visitor.check("thanks with withdrawal code", youth=True)
    return Sent(code)


def withdraw(visitor: Visitor, code: str, *, check: bool = True) -> None:
    """Follow the thanks page's link and delete the answers with the code."""
    page = visitor.page
    page.get_by_role("link", name="the delete page").click()
    page.wait_for_load_state("load")
    assert heading(page) == "Delete your answers"
    if check:
        visitor.check("withdraw", youth=True)
    page.get_by_label("Your code").fill(code.upper().replace("-", " "))
    press(page, "Delete my answers")
    assert heading(page) == "Your answers have been deleted"
    if check:
        visitor.check("withdrawn", youth=True)


def answer_anything(visitor: Visitor, code: str, text: str, *, pick: int = 0) -> None:
    """Join, say yes and answer whatever is asked (option `pick` of each, `text` in boxes), then send."""
    page = visitor.page
    say_yes(visitor, code, research=False, check=False)
    for _ in range(30):
        if heading(page) == "Check your answers":
            press(page, "Send my answers")
            assert heading(page) == "Thank you"
            return
        for role in ("radio", "checkbox"):
            options = page.get_by_role(role)
            if options.count():
                options.nth(min(pick, options.count() - 1)).check()
        boxes = page.locator("textarea")
        for index in range(boxes.count()):
            boxes.nth(index).fill(text)
        places = page.locator("select")
        for index in range(places.count()):
            places.nth(index).select_option(index=index + 1)
        next_button = page.get_by_role("button", name="Next", exact=True)
        press(page, "Next" if next_button.count() else "Check my answers")
    raise AssertionError("never reached the check page")
