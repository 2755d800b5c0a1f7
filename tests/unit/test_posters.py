"""Posters and handouts: self-contained PDFs that never reach for the network."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pypdf
import pytest

from participation.activities import posters

URL = "https://participation.example.org/j/KT4M9Q"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def activity():
    return SimpleNamespace(title="Youth board: having a say", join_code="KT4M9Q")


def text_of(pdf: bytes) -> tuple[int, str]:
    reader = pypdf.PdfReader(BytesIO(pdf))
    return len(reader.pages), " ".join(" ".join(p.extract_text() for p in reader.pages).split())


@pytest.mark.parametrize(
    "url",
    [
        "https://fonts.example.org/font.woff2",
        "http://127.0.0.1/tracker.png",
        "file:///etc/passwd",
        "ftp://example.org/x.css",
    ],
)
def test_the_fetcher_refuses_anything_but_inline_data(url):
    with pytest.raises(ValueError, match="only inline data"):
        posters.local_only_fetcher().fetch(url)


def test_weasyprint_is_not_loaded_until_a_pdf_is_asked_for():
    # Importing it takes seconds; app start-up (and so every new worker) must not pay that.
    code = "import sys, participation.activities.posters; print('weasyprint' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_the_fetcher_opens_inline_data():
    response = posters.local_only_fetcher().fetch("data:text/plain;base64,aGk=")
    assert response.read() == b"hi"


def test_rendering_never_opens_a_connection(monkeypatch):
    opened = []

    def no_network(self, request, *args, **kwargs):
        opened.append(request)
        raise AssertionError("a PDF tried to reach the network")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    html = (
        '<html><head><link rel="stylesheet" href="https://cdn.example.org/x.css"></head>'
        '<body><img src="http://example.org/x.png" alt="">Hello</body></html>'
    )
    assert posters.render_pdf(html).startswith(b"%PDF")
    assert opened == []


def test_the_poster_has_everything_a_young_person_needs(app_context, activity):
    started = time.perf_counter()
    pdf = posters.poster_pdf(activity, URL)
    assert time.perf_counter() - started < 3
    pages, text = text_of(pdf)
    assert pages == 1
    for expected in (activity.title, "KT4M9Q", URL, posters.PRIVACY_PROMISE):
        assert expected in text
    assert "https://participation.example.org/join" in text


def test_the_handout_has_eight_cards_on_one_sheet(app_context, activity):
    pages, text = text_of(posters.handout_pdf(activity, URL))
    assert pages == 1
    assert text.count(URL) == 8
    assert text.count(posters.PRIVACY_PROMISE) == 8
    assert text.count(activity.title) == 8


def test_titles_are_escaped_not_interpreted(app_context):
    tricky = SimpleNamespace(title='<b>Art</b> & "music"', join_code="AB2CDE")
    _, text = text_of(posters.poster_pdf(tricky, "https://p.example.org/j/AB2CDE"))
    assert '<b>Art</b> & "music"' in text
