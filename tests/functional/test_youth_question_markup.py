"""Unanswered questions' kept markup is byte-for-byte what the component draws, and never stale."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string

from participation.activities import snapshot
from participation.youth import markup
from tests.functional.youth_journey import Journey, field_name
from tests.helpers import drawn_then_kept

# The draft token and CSRF token differ on every page; nothing else may.
TOKENS = re.compile(r'(name="(?:draft|csrf_token)" value=")[^"]*"')


@pytest.fixture(autouse=True)
def nothing_kept():
    markup.forget_all()
    yield
    markup.forget_all()


def first_page(app, activity, query: str = "") -> str:
    """The first answering page a new young person sees, without its per-visit tokens."""
    journey = Journey(app.test_client(), activity)
    if query:
        journey.client.get(f"/j/{activity.join_code}?{query}")
    body = journey.consent().get_data(as_text=True)
    return TOKENS.sub(r"\1\"", body)


@pytest.mark.parametrize("query", ["", "lang=cy", "easy=on", "lang=cy&easy=on"])
@pytest.mark.parametrize("one_page", [True, False])
def test_kept_markup_is_byte_identical_to_drawing_it(app, make, query, one_page):
    """Every kind of question, in both languages and easy read, one page or one at a time."""
    activity = make.activity(one_page=one_page)
    drawn, first_kept, again_kept = drawn_then_kept(app, lambda: first_page(app, activity, query))
    assert drawn == first_kept == again_kept
    assert "<fieldset" in drawn or "<textarea" in drawn
    assert ('<html lang="cy"' in drawn) == ("lang=cy" in query)
    assert ('class="symbol"' in drawn) == ("easy=on" in query and one_page)


def test_a_page_with_an_answer_shows_the_answer_not_the_kept_blank(app, make):
    activity = make.activity(one_page=False)
    face = activity.questions[0]
    journey = Journey(app.test_client(), activity)
    journey.consent()
    journey.press("next", {field_name(face): "4"})
    journey.press("back")
    checked = journey.soup.find("input", attrs={"name": field_name(face), "checked": True})
    assert checked is not None and checked["value"] == "4"
    # The next young person still sees nothing chosen.
    other = Journey(app.test_client(), activity)
    other.consent()
    assert other.soup.find("input", attrs={"checked": True}) is None


def test_a_changed_question_is_drawn_afresh(app, make, db_session):
    activity = make.activity(one_page=True)
    before = first_page(app, activity)
    question = activity.questions[0]
    question.prompt = "How was the trip to the coast?"
    db_session.commit()
    after = first_page(app, activity)
    assert "How was the trip to the coast?" in after
    assert "How was the trip to the coast?" not in before


@pytest.mark.parametrize("easy", [False, True])
def test_the_kept_one_page_blocks_are_the_blocks_drawn_with_nothing_entered(app, make, easy):
    activity = make.activity(one_page=True)
    data = snapshot.from_model(activity)
    both = (
        '{% from "youth/components/question_blocks.html" import question_blocks, blank_blocks %}'
        "{{ blank_blocks(activity, easy) }}|{{ question_blocks(items, {}, easy, total) }}"
    )
    with app.test_request_context("/answers"):
        kept, drawn = render_template_string(
            both,
            activity=data,
            easy=easy,
            items=[(question, None) for question in data.questions],
            total=len(data.questions),
        ).split("|")
    assert kept == drawn
    assert kept.count('class="question-block"') == len(data.questions)
