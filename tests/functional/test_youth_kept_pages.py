"""Kept young people's pages are byte-for-byte the pages drawn, each with its visitor's own
tokens and code, and a page that can't be kept safely is always drawn."""

from __future__ import annotations

import re

import pytest
from flask import flash
from flask_wtf.csrf import generate_csrf
from jinja2 import ChoiceLoader, DictLoader

from participation.activities import snapshot
from participation.youth import draft as drafts
from participation.youth import markup
from tests.functional.youth_journey import Journey, hidden_fields, submissions_of
from tests.helpers import csrf_token, drawn_then_kept, page, text_of

# What every visit has of its own: the tokens and the withdrawal code. Nothing else may differ.
PER_VISIT = re.compile(
    r'(name="(?:draft|csrf_token)" value=")[^"]*"|(id="withdrawal-code" lang="en">)[^<]*<'
)


def without_visit(body: str) -> str:
    return PER_VISIT.sub(lambda m: (m.group(1) or m.group(2)) + "…", body)


def three_pages(app, activity, query: str) -> list[str]:
    """The consent, answering and thanks pages of one new visitor, without per-visit values."""
    journey = Journey(app.test_client(), activity)
    if query:
        journey.client.get(f"/j/{activity.join_code}?{query}")
    consent = journey.open().get_data(as_text=True)
    form = journey.consent().get_data(as_text=True)
    thanks = journey.send().get_data(as_text=True)
    assert "Your answers have been sent." in thanks or "Diolch" in thanks
    return [without_visit(body) for body in (consent, form, thanks)]


@pytest.mark.parametrize("query", ["", "lang=cy", "easy=on", "colours=high", "lang=cy&easy=on"])
@pytest.mark.parametrize("research", ["off", "ask"])
def test_kept_pages_are_byte_identical_to_drawing_them(app, make, query, research):
    activity = make.activity(one_page=True, research_sharing=research)
    drawn, first_kept, again_kept = drawn_then_kept(app, lambda: three_pages(app, activity, query))
    assert drawn == first_kept == again_kept
    kept = {key[0] for key in app.extensions["kept_pages"]}
    assert kept == {"youth/consent.html", "youth/one_page.html", "youth/thanks.html"}
    assert ('<html lang="cy"' in drawn[0]) == ("lang=cy" in query)
    assert ('name="research"' in drawn[0]) == (research == "ask")


def test_each_visitor_gets_their_own_tokens_and_code_and_every_send_is_stored(
    app, make, db_session
):
    activity = make.activity(one_page=True)
    visitors = [Journey(app.test_client(), activity) for _ in range(3)]
    tokens = [csrf_token(visitor.open()) for visitor in visitors]
    assert len(set(tokens)) == 3
    drafts_on_form = [hidden_fields(visitor.consent())["draft"] for visitor in visitors]
    assert len(set(drafts_on_form)) == 3
    codes = []
    for visitor in visitors:
        thanks = visitor.send()
        assert "Your answers have been sent." in text_of(thanks)
        shown = page(thanks).find(id="withdrawal-code").get_text(strip=True)
        with app.app_context():
            carried = drafts.decode(hidden_fields(thanks)["draft"])
        assert carried is not None and carried.withdrawal_code == shown
        codes.append(shown)
    assert len(set(codes)) == 3
    assert len(submissions_of(db_session, activity)) == 3
    # The kept pages were used: one of each, whoever asked.
    assert len(app.extensions["kept_pages"]) == 3


def test_a_token_from_another_visitors_page_is_refused(app, make):
    activity = make.activity(one_page=True)
    first, second = Journey(app.test_client(), activity), Journey(app.test_client(), activity)
    first_token = csrf_token(first.open())
    second.open()
    response = second.client.post(
        f"/j/{activity.join_code}", data={"csrf_token": first_token, "choice": "yes"}
    )
    assert "Sorry, that did not go through" in text_of(response)


def test_a_page_with_a_waiting_message_is_drawn_and_shows_it(app, make):
    activity = make.activity(one_page=True)
    data = snapshot.from_model(activity)
    with app.test_request_context(f"/j/{activity.join_code}"):
        flash("The session ended, so we started again.", "info")
        body = markup.kept_page("youth/consent.html", data, {}, asks_research=False)
    assert "The session ended, so we started again." in body
    assert not app.extensions.get("kept_pages")


@pytest.mark.parametrize(
    "drawn_as",
    [
        "{{ draft_token|upper }}",
        "{{ draft_token[:8] }}",
        "{{ draft_token }}{{ csrf_token()[1:] }}",
        # The token drawn straight from Flask-WTF, not through the hole's stand-in.
        "{{ draft_token }}{{ token_from_wtf() }}",
    ],
)
def test_a_page_that_draws_a_hole_some_other_way_is_never_kept(app, make, drawn_as):
    activity = make.activity(one_page=True)
    data = snapshot.from_model(activity)
    app.jinja_env.globals["token_from_wtf"] = generate_csrf
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"test/holes.html": f"<p>{drawn_as}</p>"}), app.jinja_env.loader]
    )
    bodies = []
    for token in ("abcdef0123456789", "fedcba9876543210"):
        with app.test_request_context("/answers/send", method="POST"):
            bodies.append(markup.kept_page("test/holes.html", data, {"draft_token": token}))
    assert not app.extensions.get("kept_pages")
    assert bodies[0] != bodies[1]
    assert bodies[1].startswith("<p>FEDCBA") or "fedcba98" in bodies[1]


def test_an_empty_hole_is_part_of_the_key_not_a_hole(app, make):
    activity = make.activity(one_page=True)
    data = snapshot.from_model(activity)
    app.jinja_env.loader = ChoiceLoader(
        [
            DictLoader(
                {"test/code.html": "{% if code %}<p>{{ code }}</p>{% else %}<p>none</p>{% endif %}"}
            ),
            app.jinja_env.loader,
        ]
    )
    shown = []
    for code in ("", "apple-river-7", None, "otter-cloud-3"):
        with app.test_request_context("/answers/send", method="POST"):
            shown.append(markup.kept_page("test/code.html", data, {"code": code}))
    assert shown == ["<p>none</p>", "<p>apple-river-7</p>", "<p>none</p>", "<p>otter-cloud-3</p>"]
