"""Outcomes over time: one young person links two check-ins a month apart; the Hub lead sees change.

A young person answers an outcome check-in on their phone, makes a linking code from the
four prompts, and a month later answers the next check-in with the same prompts. Twelve
others in the same Spoke do too (stored directly, with the server's own key), and a second
Spoke has only three (and a third six). The Hub's lead sees the first Spoke's change over time, and "fewer
than 5" for the second.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from participation.clock import to_hour, utcnow
from participation.models import Activity, Submission
from participation.outcomes import bank, linking
from tests.browser.conftest import sign_in
from tests.browser.journeys import choose, heading, press, say_yes
from tests.factories import Factory
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

HUB, BIG, SMALL, OTHER = "Brightwater Hub", "Harbour Spoke", "Cliff Spoke", "Dune Spoke"
HUB_LEAD = "hub.lead@brightwater.example.org"
SAFE = "outcome:feel-safe"
HELP = "outcome:know-where-to-get-help"
# The young person's answers to the four prompts, the same both times: March, a pet called
# Max (A), born in Cardiff (C), one older brother or sister.
PROMPTS = linking.CodePrompts("3", "A", "C", "1")
A_MONTH_AGO = timedelta(days=31)


def build_hub(live_server) -> dict[str, Any]:
    """The Hub, its two Spokes, the Hub lead, and two check-ins in each Spoke."""
    ids: dict[str, Any] = {}
    with live_server.session() as session:
        make = Factory(session)
        hub = make.service(HUB, kind="hub")
        make.staff("lead", hub, email=HUB_LEAD)
        items = {item.key: item for item in bank.bank_for(session, hub.id)}
        questions = [bank.question_fields(items[SAFE]), bank.question_fields(items[HELP])]
        for name in (BIG, SMALL, OTHER):
            spoke = make.service(name, hub=hub)
            ids[name] = spoke.id
            for when in ("first", "latest"):
                activity = make.activity(
                    spoke, questions=questions, title=f"{name} check-in ({when})"
                )
                ids[f"{name} {when}"] = activity.id
                ids[f"{name} {when} code"] = activity.join_code
        ids["hub"] = hub.id
    return ids


def link_of(live_server, hub_id: int, code: str) -> str:
    """The link hash the server stores for a normalised code (with the server's Hub key)."""
    return linking.link_hash(live_server.link_key_dir, hub_id, code)


def add_linked(live_server, ids, spoke: str, moves: list[tuple[int, int]]) -> None:
    """Young people who answered both check-ins with a code: (first, latest) feeling safe."""
    month_ago = to_hour(utcnow() - A_MONTH_AGO)
    with live_server.session() as session:
        make = Factory(session)
        first = session.get(Activity, ids[f"{spoke} first"])
        latest = session.get(Activity, ids[f"{spoke} latest"])
        for number, (before, after) in enumerate(moves):
            link = link_of(live_server, ids["hub"], f"c:{spoke[:4].upper()}{number:04d}")
            make.submission(
                first, {0: [{"choice": before}]}, link_hash=link, submitted_hour=month_ago
            )
            make.submission(latest, {0: [{"choice": after}]}, link_hash=link)


def answer_check_in(visitor, code: str, safe: str, help_: str) -> None:
    """Say yes, make the code from the four prompts, answer both questions and send."""
    page = visitor.page
    say_yes(visitor, code, research=False, check=False)
    assert heading(page) == "See how things change for you"
    visitor.check("linking step", youth=True)
    press(page, "Make a code from 4 questions")
    page.get_by_label("What month were you born in?").select_option("3")
    page.get_by_label("What is the second letter of your first pet’s name?").fill("a")
    page.get_by_label("What is the first letter of the town or city you were born in?").fill("C")
    choose(page, "1")
    visitor.check("linking prompts", youth=True)
    press(page, "Use this code")
    assert heading(page) == "I feel safe."
    choose(page, safe)
    press(page, "Next")
    choose(page, help_)
    press(page, "Check my answers")
    press(page, "Send my answers")
    assert page.get_by_text("Your answers have been sent.").first.is_visible()


def test_a_young_persons_answers_link_over_time_and_the_hub_lead_sees_the_change(
    visit, live_server
):
    ids = build_hub(live_server)
    young_person = visit("narrow")
    answer_check_in(young_person, ids[f"{BIG} first code"], "A little true", "Partly true")
    with live_server.session() as session:
        sent = session.scalars(
            select(Submission).where(Submission.activity_id == ids[f"{BIG} first"])
        ).one()
        sent.submitted_hour = to_hour(utcnow() - A_MONTH_AGO)
    young_person.screenshot("first check-in sent")

    later = visit("narrow")
    answer_check_in(later, ids[f"{BIG} latest code"], "Mostly true", "Completely true")
    code, _ = linking.prompt_code(PROMPTS)
    assert code is not None
    with live_server.session() as session:
        links = session.scalars(
            select(Submission.link_hash).where(
                Submission.activity_id.in_([ids[f"{BIG} first"], ids[f"{BIG} latest"]])
            )
        ).all()
    assert links == [link_of(live_server, ids["hub"], code)] * 2

    # Twelve others in Harbour Spoke: seven feel safer, five the same. Cliff Spoke has three,
    # and Dune Spoke six (hidden beside Cliff's, so the Hub total can't give Cliff's away).
    add_linked(live_server, ids, BIG, [(2, 4)] * 7 + [(3, 3)] * 5)
    add_linked(live_server, ids, SMALL, [(1, 3)] * 3)
    add_linked(live_server, ids, OTHER, [(3, 4)] * 6)

    lead = visit("desktop")
    sign_in(lead, HUB_LEAD, PASSWORD)
    lead.goto("/results/outcomes")
    page = lead.page
    lead.check("outcomes page")
    lead.screenshot("hub lead outcomes")
    safe = page.locator(f"section[data-key='{SAFE}']")
    assert safe.get_by_role("heading", level=2).inner_text() == "I feel safe."
    moved = safe.locator("[data-table='moved']")
    harbour = moved.locator(f"tr[data-group='service-{ids[BIG]}']")
    assert harbour.locator("[data-cell='pairs']").inner_text() == "13"
    # With the young person who used the browser: eight went up, five stayed the same.
    assert harbour.locator("[data-cell='up']").inner_text().startswith("8 ")
    assert harbour.locator("[data-cell='same']").inner_text().startswith("5 ")
    cliff = moved.locator(f"tr[data-group='service-{ids[SMALL]}']")
    assert cliff.locator("[data-cell='pairs']").inner_text() == "fewer than 5"
    dune = moved.locator(f"tr[data-group='service-{ids[OTHER]}']")
    assert dune.locator("[data-cell='pairs']").inner_text() == "hidden"
    # The chart and the table of numbers behind it are both there.
    assert safe.locator("figure svg").count() == 1
    first_latest = safe.locator("[data-table='first-latest']")
    harbour_first = first_latest.locator(
        f"tr[data-code='2'] td[data-group='service-{ids[BIG]}'][data-when='first']"
    )
    assert harbour_first.inner_text().startswith("8 ")
