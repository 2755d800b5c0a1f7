"""The young people's pages off the main path: codes that cannot be joined, one page, mishaps."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select, text

from participation.models import Action, Activity
from participation.models.activities import CLOSED, DRAFT, RESEARCH_ASK
from tests.browser import journeys
from tests.browser.journeys import (
    AGE,
    BOXES,
    EXPECTED_ROWS,
    FACE,
    FREE_TEXT,
    PASSED_PROMPT,
    PICKS,
    RANKING,
    SINGLE,
    choose,
    heading,
    press,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("case", "fields", "expected_heading", "status"),
    [
        ("unknown", None, "We could not find that code", 404),
        ("not open yet", {"status": DRAFT}, "This has not started yet", 200),
        ("joining locked", {"joining_locked": True}, "This is not taking new people", 200),
        ("closed", {"status": CLOSED}, "This has finished", 200),
    ],
)
def test_codes_that_cannot_be_joined(visit, live_server, case, fields, expected_heading, status):
    code = "ZZZZZ9" if fields is None else live_server.add_activity(**fields).code
    visitor = visit("phone")
    response = visitor.goto(f"/j/{code}")
    assert response is not None and response.status == status
    assert heading(visitor.page) == expected_heading
    assert visitor.page.get_by_role("link", name="Enter a code").is_visible()
    visitor.check(f"code: {case}", youth=True)


def test_a_closed_activity_shows_you_said_we_did(visit, live_server):
    activity = live_server.add_activity(status=CLOSED)
    with live_server.session() as session:
        session.add(
            Action(
                activity_id=activity.id,
                you_said="The room was too small",
                we_did="We moved the group to the big hall on Tuesdays",
            )
        )
    visitor = visit("phone")
    visitor.goto(f"/j/{activity.code}")
    assert heading(visitor.page) == "You said, we did"
    assert "We moved the group to the big hall" in visitor.page.locator("main").inner_text()
    visitor.check("code: closed, you said we did", youth=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_all_questions_on_one_page(visit, live_server, javascript):
    activity = live_server.add_activity(one_page=True)
    visitor = visit("phone", javascript=javascript)
    page = visitor.page
    journeys.say_yes(visitor, activity.code, research=False, check=False)
    assert heading(page) == activity.title
    choose(page, FACE)
    # Each Pass box says which question it passes ("3 of 8"), so a screen reader's list of
    # form controls does not hold eight boxes all called "Pass this question".
    passes = page.locator(".question-block input[name=pass]").all()
    names = [" ".join(box.evaluate("box => box.labels[0].textContent").split()) for box in passes]
    assert len(set(names)) == len(passes) == 8, names
    for name in names:
        assert page.get_by_role("checkbox", name=name, exact=True).count() == 1, name
    page.locator(".question-block").filter(has_text=PASSED_PROMPT).get_by_role(
        "checkbox", name="Pass this question"
    ).check()
    choose(page, SINGLE)
    for label in PICKS:
        choose(page, label)
    page.get_by_label("What is hard about taking part?").fill(FREE_TEXT)
    for label, box in zip(
        ["What's working well?", "What's not working?", "What would you change?"],
        BOXES,
        strict=True,
    ):
        page.get_by_label(label).fill(box)
    for label, place in RANKING.items():
        page.get_by_label(label, exact=True).select_option(label=place)
    choose(page, AGE)
    visitor.check("one page: every question", youth=True)
    press(page, "Send my answers")
    assert heading(page) == "Thank you"
    [stored] = live_server.stored(activity.id)
    assert stored["rows"] == EXPECTED_ROWS


def test_activity_closing_while_answering_says_what_happened(visit, live_server):
    activity = live_server.add_activity()
    visitor = visit("phone")
    page = visitor.page
    journeys.say_yes(visitor, activity.code, research=False, check=False)
    choose(page, FACE)
    press(page, "Next")
    page.get_by_role("radio", name="Green: good, keep it going").check()
    with live_server.session() as session:
        session.get(Activity, activity.id).status = CLOSED
    press(page, "Next")
    assert heading(page) == "Your answers were not sent"
    visitor.check("closed while answering", youth=True)
    assert live_server.stored(activity.id) == []


def test_a_tampered_form_starts_again_without_saving(visit, live_server):
    activity = live_server.add_activity()
    visitor = visit("phone")
    page = visitor.page
    journeys.say_yes(visitor, activity.code, research=False, check=False)
    page.locator("input[name=draft]").evaluate("input => { input.value = 'not-a-draft'; }")
    choose(page, FACE)
    press(page, "Next")
    assert heading(page) == "Sorry, something went wrong"
    visitor.check("start again", youth=True)


SEND_TWICE_AT_ONCE = """async () => {
    const form = document.querySelector("form[action$='/answers/send']");
    const data = new URLSearchParams(new FormData(form));
    data.set("go", "send");
    const send = () => fetch(form.action, {method: "POST", body: data});
    const answers = await Promise.all([send(), send()]);
    return answers.map((answer) => answer.status);
}"""


def test_a_double_tap_on_send_stores_one_submission(visit, live_server):
    activity = live_server.add_activity()
    visitor = visit("phone")
    page = visitor.page
    journeys.say_yes(visitor, activity.code, research=False, check=False)
    journeys.answer_every_kind(visitor, check=False)

    # The same form sent twice at once, as a double tap on a slow connection does.
    assert page.evaluate(SEND_TWICE_AT_ONCE) == [200, 200]
    assert len(live_server.stored(activity.id)) == 1

    # And once more by the button, then again by Back (Chromium here re-posts without asking).
    press(page, "Send my answers")
    assert heading(page) in ("Thank you", "This page has ended")
    page.go_back(wait_until="load")
    page.go_forward(wait_until="load")
    assert len(live_server.stored(activity.id)) == 1


def test_no_address_or_user_agent_is_stored_or_logged(visit, live_server):
    agent = "ParticipationBrowserCheck/7.7 (unique-agent-9c1f)"
    activity = live_server.add_activity(research_sharing=RESEARCH_ASK)
    visitor = visit("phone", user_agent=agent)
    journeys.say_yes(visitor, activity.code, research=True, check=False)
    journeys.answer_every_kind(visitor, check=False)
    journeys.check_and_send(visitor, check=False)
    assert visitor.page.evaluate("() => navigator.userAgent") == agent

    dump = []
    with live_server.session() as session:
        for table in inspect(session.bind).get_table_names():
            rows = session.execute(text(f'SELECT * FROM "{table}"')).all()  # noqa: S608 - table names from the schema
            dump.extend(repr(tuple(row)) for row in rows)
        assert session.scalar(select(Activity.id).where(Activity.id == activity.id))
    database = "\n".join(dump)
    port = live_server.base_url.rsplit(":", 1)[1]
    log = live_server.log_path.read_text().replace(f"127.0.0.1:{port}", "")
    assert f'"GET /j/{activity.code} HTTP/1.1" 200' in log, "the access log is being written"
    for secret in (agent, "unique-agent-9c1f", "127.0.0.1"):
        assert secret not in database, f"{secret!r} stored in the database"
        assert secret not in log, f"{secret!r} written to the server's log"
