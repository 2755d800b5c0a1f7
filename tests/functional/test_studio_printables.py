"""QR codes, posters, handouts and the phone preview, as a lead downloads and sees them."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from io import BytesIO

import pypdf
import pytest
import zxingcpp
from PIL import Image, ImageDraw
from sqlalchemy import select

from participation.activities.kinds import question_spec
from participation.models import AuditEvent
from participation.models.activities import ARCHIVED
from tests.helpers import page

BASE_URL = "http://participation.test"  # the test app's PARTICIPATION_BASE_URL


@pytest.fixture
def spoke(make):
    return make.service("Lakeside Spoke", hub=make.service("Lakeside Hub", kind="hub"))


@pytest.fixture
def lead_client(sign_in, make, spoke):
    return sign_in(make.staff("lead", spoke))


@pytest.fixture
def activity(make, spoke):
    return make.activity(spoke, title="Lakeside group: how was this term?")


def url_of(activity, name: str) -> str:
    return f"/studio/activities/{activity.id}/{name}"


def decode(image: Image.Image) -> list[str]:
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = pypdf.PdfReader(BytesIO(data))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


def assert_attachment(response, filename: str) -> None:
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_the_qr_png_scans_to_the_join_url(lead_client, activity, db_session):
    response = lead_client.get(url_of(activity, "qr.png"))
    assert_attachment(response, f"join-{activity.join_code}.png")
    assert response.mimetype == "image/png"
    image = Image.open(BytesIO(response.data))
    assert zxingcpp.read_barcodes(image)[0].text == f"{BASE_URL}/j/{activity.join_code}"
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "printable_downloaded")
    ).one()
    assert (event.target_id, event.detail) == (activity.id, {"kind": "qr_png"})


def test_the_qr_svg_scans_to_the_join_url(lead_client, activity):
    response = lead_client.get(url_of(activity, "qr.svg"))
    assert_attachment(response, f"join-{activity.join_code}.svg")
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    size = int(root.get("viewBox").split()[2])
    path = root.find("{http://www.w3.org/2000/svg}path").get("d")
    # Draw the path's one-module-high runs, the way a browser would, then scan the picture.
    scale = 8
    image = Image.new("L", (size * scale, size * scale), 255)
    pen = ImageDraw.Draw(image)
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)", path):
        x, y, width = int(x), int(y), int(width)
        pen.rectangle((x * scale, y * scale, (x + width) * scale - 1, (y + 1) * scale - 1), 0)
    assert decode(image) == [f"{BASE_URL}/j/{activity.join_code}"]


def test_the_poster_holds_the_title_code_and_address(lead_client, activity):
    started = time.perf_counter()
    response = lead_client.get(url_of(activity, "poster.pdf"))
    elapsed = time.perf_counter() - started
    assert_attachment(response, f"poster-{activity.join_code}.pdf")
    assert response.mimetype == "application/pdf"
    pages, text = pdf_text(response.data)
    assert pages == 1
    flat = " ".join(text.split())
    assert activity.title in flat
    assert activity.join_code in flat
    assert f"{BASE_URL}/j/{activity.join_code}" in flat
    assert "You don't give your name" in flat
    assert elapsed < 3


def test_the_handout_has_eight_cards(lead_client, activity):
    response = lead_client.get(url_of(activity, "handout.pdf"))
    assert_attachment(response, f"handout-{activity.join_code}.pdf")
    pages, text = pdf_text(response.data)
    assert pages == 1
    assert text.count(f"{BASE_URL}/j/{activity.join_code}") == 8
    assert text.count("Your code:") == 8
    assert text.count(activity.join_code) == 16  # the code itself and in the address, per card


def test_the_page_shows_the_qr_code_and_links_to_every_download(lead_client, activity):
    soup = page(lead_client.get(f"/studio/activities/{activity.id}/share"))
    section = soup.find(id="join-code")
    assert section.find("svg")["aria-label"] == f"QR code for {BASE_URL}/j/{activity.join_code}"
    links = {a["href"] for a in section.find_all("a", href=True)}
    assert {url_of(activity, n) for n in ("qr.png", "qr.svg", "poster.pdf", "handout.pdf")} <= links


def test_archived_activities_have_no_printables(lead_client, make, spoke):
    archived = make.activity(spoke, status=ARCHIVED)
    for name in ("qr.png", "qr.svg", "poster.pdf", "handout.pdf"):
        assert lead_client.get(url_of(archived, name)).status_code == 404


def test_the_preview_shows_consent_then_each_question_in_a_phone_frame(lead_client, activity):
    response = lead_client.get(url_of(activity, "preview"))
    assert response.status_code == 200
    soup = page(response)
    # Each screen in English, beside the same screen in Welsh.
    frames = soup.select(".preview-pair > div:first-child .phone-frame")
    welsh = soup.select(".preview-pair > div:last-child .phone-frame")
    assert len(frames) == len(welsh) == 1 + len(activity.questions)
    assert "Gadael y wefan hon" in welsh[0].get_text()
    consent = frames[0].get_text(" ", strip=True)
    assert activity.current_consent.statement in consent
    assert "Yes, I'll take part" in consent
    for frame, question in zip(frames[1:], activity.questions, strict=True):
        text = " ".join(frame.get_text(" ").split())
        assert question.prompt in text
        for option in question.options:
            assert option["label"] in text
    assert "Prefer not to say" in frames[-1].get_text()
    assert "1 of 8" in frames[1].get_text()
    # Nothing in the preview can be sent: every control is disabled and no form posts.
    for frame in frames:
        assert "Leave this site" in frame.get_text()
        assert frame.find(class_="help")
        for form in frame.find_all("form"):
            assert form.get("method") == "get" and form.get("action") == "#"
        for control in frame.find_all(["input", "select", "textarea", "button"]):
            assert control.find_parent("fieldset", attrs={"disabled": True}), control


def test_the_preview_of_a_one_page_activity_shows_every_question_together(lead_client, make, spoke):
    activity = make.activity(
        spoke,
        one_page=True,
        questions=[
            question_spec("emoji_scale", "How was the walk?"),
            question_spec("free_text", "What should we change?", max_length=250),
        ],
    )
    preview = page(lead_client.get(url_of(activity, "preview")))
    frames = preview.select(".preview-pair > div:first-child .phone-frame")
    assert len(frames) == 2
    text = frames[1].get_text(" ")
    assert "How was the walk?" in text and "What should we change?" in text
    assert "250 characters" in text
    assert "Send my answers" in text


def test_the_preview_of_another_services_activity_is_not_found(lead_client, make):
    elsewhere = make.activity(make.service("Hidden Hub", kind="hub"))
    assert lead_client.get(url_of(elsewhere, "preview")).status_code == 404
