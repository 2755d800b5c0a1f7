"""A lead's everyday work: template, gallery, move, open, present, bulk themes, three reports.

The lead makes an activity from a template, adds a question from the gallery's bank and moves
it, opens the activity and finds the live screen, gives a theme to 20 written answers in one
step, and downloads the PDF, PowerPoint and Word reports from the results page. The files
open with python-pptx and python-docx and hold the charts and the numbers.
"""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from pptx import Presentation
from pypdf import PdfReader

from participation.models import Activity
from tests.browser.conftest import LEAD, sign_in
from tests.browser.journeys import heading, press
from tests.factories import Factory

pytestmark = pytest.mark.browser

TEMPLATE = "Group work review"
BANK_PROMPT = "Do you feel safer than when you first came here?"


def download(page, link_name: str) -> bytes:
    """Click a download link and return the file's bytes."""
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).first.click()
    path = info.value.path()
    with open(path, "rb") as handle:
        return handle.read()


def add_answers(live_server, activity_id: int) -> None:
    """24 young people answer: 20 write about the room, 4 about trips."""
    with live_server.session() as session:
        activity = session.get(Activity, activity_id)
        make = Factory(session)
        for number in range(24):
            words = "The room is too small" if number < 20 else "More trips please"
            make.submission(
                activity,
                {
                    0: [{"choice": 4 if number % 3 else 5}],
                    1: [{"choice": 1 + number % 3}],
                    4: [{"choice": 1 + number % 3}],
                    5: [{"text": f"{words} ({number})"}],
                },
            )


def test_a_lead_builds_runs_themes_and_reports(visit, live_server):
    lead = visit("desktop")
    page = lead.page
    sign_in(lead, LEAD)

    # From a template.
    lead.goto("/studio/templates")
    page.get_by_role("button", name=f"Use this template – {TEMPLATE}", exact=True).click()
    page.wait_for_load_state("load")
    assert heading(page) == TEMPLATE
    activity_id = int(re.search(r"/studio/activities/(\d+)", page.url).group(1))
    lead.check("studio: questions part of a new draft")

    # Add a question from the gallery: the bank's "feel safer" outcome question.
    page.get_by_role("link", name="Add a question", exact=True).click()
    page.wait_for_load_state("load")
    assert page.locator(".kind-gallery .kind-card svg").count() == 8
    lead.check("studio: add a question gallery")
    page.get_by_role("button", name=f"Add “{BANK_PROMPT}”", exact=True).click()
    page.wait_for_load_state("load")
    prompts = page.locator(".question-item__prompt").all_inner_texts()
    assert prompts[-1].strip() == BANK_PROMPT and len(prompts) == 6
    added = page.locator(".question-item").last
    added_id = added.get_attribute("id")
    assert page.url.endswith(f"#{added_id}")

    # Move it up by keyboard: the page comes back to the question, focused.
    added.get_by_role("button", name=re.compile(r"^Move up")).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    assert page.url.endswith(f"#{added_id}")
    assert page.evaluate("document.activeElement.id") == added_id
    prompts = page.locator(".question-item__prompt").all_inner_texts()
    assert prompts[4].strip() == BANK_PROMPT
    lead.check("studio: moved question keeps its place")

    # Open it: the page now offers Present, Moderate and Results.
    press(page, "Open to young people")
    room = page.locator("#room-buttons")
    assert room.get_by_role("link", name=re.compile("^Present")).is_visible()
    assert room.get_by_role("link", name=re.compile("^Moderate")).is_visible()
    lead.check("studio: open with room buttons")
    room.get_by_role("link", name=re.compile("^Present")).click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/results/activities/{activity_id}/present")

    # Young people answer (stored straight in the database: their journey has its own tests).
    add_answers(live_server, activity_id)

    # Bulk-theme the 20 answers about the room in one step.
    lead.goto(f"/results/activities/{activity_id}/answers")
    page.get_by_role("searchbox", name="Search the answers").fill("room")
    press(page, "Search")
    assert "20 answers" in page.locator("#answer-count").inner_text()
    page.get_by_label("Or a new theme").fill("Space to meet")
    page.get_by_label(re.compile(r"^All 20 answers")).check()
    lead.check("results: bulk theming")
    press(page, "Apply to the answers")
    assert page.get_by_text("Gave “Space to meet” to 20 answers.").is_visible()
    assert "20" in page.locator(".theme-counts").inner_text()

    # Reports from the results page.
    lead.goto(f"/results/activities/{activity_id}")
    reports = page.locator("#reports")
    assert reports.is_visible()
    lead.check("results: reports to hand over")
    pdf = download(page, "PDF")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "24 young people took part" in text and "Space to meet" in text

    deck = Presentation(io.BytesIO(download(page, "PowerPoint")))
    pictures = [s for slide in deck.slides for s in slide.shapes if s.shape_type == 13]
    notes = " ".join(
        slide.notes_slide.notes_text_frame.text for slide in deck.slides if slide.has_notes_slide
    )
    assert len(pictures) >= 5
    assert "Happy: 16 (67%)" in notes and "Really happy: 8 (33%)" in notes
    cells = [
        [cell.text for cell in row.cells]
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
    ]
    assert ["Space to meet", "20"] in cells

    document = Document(io.BytesIO(download(page, "Word")))
    assert len(document.inline_shapes) >= 5
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["Happy", "16 (67%)"] in rows and ["Space to meet", "20"] in rows


def test_you_said_we_did_reaches_young_people_at_the_code(visit, live_server):
    activity = live_server.add_activity(title="Friday club (browser test)")
    lead = visit("desktop")
    page = lead.page
    sign_in(lead, LEAD)
    lead.goto(f"/results/activities/{activity.id}/actions")
    page.get_by_label("You said").fill("The room is too small")
    page.get_by_label("We did").fill("We moved the club to the big hall")
    press(page, "Add action")
    page.get_by_label(re.compile("^Show these to young people")).check()
    press(page, "Save")
    assert page.get_by_text("Young people now see these").is_visible()
    lead.check("results: you said, we did published")

    phone = visit("phone")
    phone.goto(f"/j/{activity.code}")
    assert heading(phone.page) == "You said, we did"
    assert phone.page.get_by_text("We moved the club to the big hall").is_visible()
    phone.check("youth: you said, we did at the code", youth=True)
    phone.page.get_by_role("link", name="Take part").click()
    phone.page.wait_for_load_state("load")
    assert phone.page.get_by_role("button", name="Yes, I'll take part").is_visible()
