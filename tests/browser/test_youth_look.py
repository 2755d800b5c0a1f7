"""The young people's look: every question kind at 320, 360 and 768 px, in light, dark and
high contrast, in English and Welsh (screenshots in artifacts/), with axe in every mode."""

from __future__ import annotations

import pytest

from tests.browser.journeys import heading, press

pytestmark = pytest.mark.browser

WIDTHS = (320, 360, 768)
# (name, emulated media): light, the phone's dark setting, the phone's "more contrast" setting.
MODES = (
    ("light", {"color_scheme": "light", "contrast": "no-preference"}),
    ("dark", {"color_scheme": "dark", "contrast": "no-preference"}),
    ("high-contrast", {"color_scheme": "light", "contrast": "more"}),
)
KINDS = (
    "faces",
    "traffic-light",
    "pick-one",
    "pick-any",
    "free-text",
    "three-boxes",
    "ranking",
    "reach",
)
# What to choose on each kind before the screenshots, so "chosen" shows (by input position).
CHOSEN = {"faces": [3], "traffic-light": [2], "pick-one": [1], "pick-any": [0, 2], "reach": [0]}

LABELS_FIT = """() => [...document.querySelectorAll('.choice label, .choice__text')]
    .filter(el => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)
    .map(el => el.textContent.trim())"""
FACE_TOPS = """() => [...document.querySelectorAll('.choices--emoji-scale .choice')]
    .map(el => Math.round(el.getBoundingClientRect().top))"""


def look_at_every_mode(visitor, name: str) -> None:
    """Screenshots at each width in each mode; axe (and the weight) in each mode at 360 px."""
    page = visitor.page
    for mode, media in MODES:
        page.emulate_media(**media)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            if width == 360:
                # The page's weight is measured once, as loaded (the first mode).
                visitor.check(f"{name} {mode} {width}", youth=mode == "light")
            else:
                visitor.screenshot(f"{name} {mode} {width}")
            assert page.evaluate(LABELS_FIT) == [], f"{name}: a label is clipped at {width}px"
    page.emulate_media(color_scheme="light", contrast="no-preference")
    page.set_viewport_size({"width": 360, "height": 800})


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_question_kind_in_every_mode(visit, live_server, language):
    activity = live_server.add_activity()
    visitor = visit("phone")
    page = visitor.page
    visitor.goto(f"/j/{activity.code}?lang={language}")
    assert page.locator("html").get_attribute("lang") == ("cy" if language == "cy" else "en-GB")
    look_at_every_mode(visitor, "consent")
    yes = "Ydw, dw i am gymryd rhan" if language == "cy" else "Yes, I'll take part"
    press(page, yes)
    pass_button = "Pasio" if language == "cy" else "Pass"
    for number, kind in enumerate(KINDS, start=1):
        words = page.locator(".progress__words").inner_text()
        assert words == (
            f"Cwestiwn {number} o 8" if language == "cy" else f"Question {number} of 8"
        )
        for position in CHOSEN.get(kind, []):
            page.locator(".choice input").nth(position).check()
        if kind == "faces":
            page.set_viewport_size({"width": 320, "height": 800})
            tops = page.evaluate(FACE_TOPS)
            assert len(tops) == 5 and len(set(tops)) == 1, "the five faces are one row at 320px"
        if kind == "traffic-light":
            lamp = page.locator(".lamp").first.bounding_box()
            assert lamp is not None and lamp["width"] >= 48 and lamp["height"] >= 48
        if kind == "pick-any":
            tick = page.locator(".choice input:checked + label .mark").first
            assert tick.evaluate("el => getComputedStyle(el, '::after').content") == '""'
        look_at_every_mode(visitor, f"{language} question {kind}")
        press(page, pass_button)
    assert heading(page) == ("Gwiria dy atebion" if language == "cy" else "Check your answers")


def test_the_short_consent_layer_fits_one_phone_screen(visit, live_server):
    activity = live_server.add_activity(research_sharing="ask")
    for language in ("en", "cy"):
        visitor = visit("phone")
        page = visitor.page
        page.set_viewport_size({"width": 360, "height": 640})
        visitor.goto(f"/j/{activity.code}?lang={language}")
        visitor.screenshot(f"consent short layer {language} 360x640")
        yes = page.locator("button[name=choice][value=yes]").bounding_box()
        assert yes is not None
        assert yes["y"] + yes["height"] <= 640, (
            f"{language}: Yes ends at {yes['y'] + yes['height']}"
        )
        full = page.locator("details.consent-full")
        assert not full.evaluate("el => el.open")
        full.locator("summary").click()
        assert page.locator(".consent__paragraph").first.is_visible()
        visitor.check(f"consent full statement open {language}", youth=True)


def test_switches_easy_read_and_high_contrast(visit, live_server):
    activity = live_server.add_activity(easy_read=True)
    visitor = visit("narrow", javascript=False)
    page = visitor.page
    visitor.goto(f"/j/{activity.code}")
    press(page, "Yes, I'll take part")
    press(page, "Pass")
    press(page, "Pass")
    assert page.locator(".choice svg.symbol").count() == 3
    visitor.check("easy read pick one", youth=True)
    page.locator("summary", has_text="Colours").click()
    press(page, "High contrast")
    assert "colours-high" in page.locator("body").get_attribute("class")
    assert page.locator(".progress__words").inner_text() == "Question 3 of 8"
    visitor.check("easy read high contrast", youth=True)
    press(page, "Cymraeg")
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.locator(".progress__words").inner_text() == "Cwestiwn 3 o 8"
    visitor.check("easy read high contrast welsh", youth=True)


def test_listen_button_only_where_the_browser_speaks(visit, live_server):
    activity = live_server.add_activity()
    visitor = visit("phone")
    visitor.goto(f"/j/{activity.code}")
    page = visitor.page
    speaks = page.evaluate("'speechSynthesis' in window")
    assert page.locator("button.listen").count() == (1 if speaks else 0)
    quiet = visit("phone", javascript=False)
    quiet.goto(f"/j/{activity.code}")
    assert quiet.page.locator("button.listen").count() == 0


def test_no_answers_come_back_through_history_after_quick_exit(visit, live_server):
    activity = live_server.add_activity()
    visitor = visit("phone")
    page = visitor.page
    visitor.goto(f"/j/{activity.code}")
    press(page, "Yes, I'll take part")
    page.locator(".choice input").nth(3).check()
    press(page, "Next")
    page.get_by_role("link", name="Leave this site").click()
    page.wait_for_url(live_server.exit_url)
    for _ in range(2):
        page.go_back()
        page.wait_for_load_state("load")
        assert page.locator("input:checked").count() == 0
    visitor.screenshot("after quick exit, back twice")
