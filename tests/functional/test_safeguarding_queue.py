"""The safeguarding queue cannot be buried: severity first, bursts grouped, paged, badge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from participation.activities.codes import new_idempotency_key
from participation.activities.kinds import question_spec
from participation.answering.submissions import record_submission
from participation.clock import to_hour, utcnow
from participation.models import AuditEvent, Flag
from participation.models.enums import QuestionKind
from participation.safeguarding import queue as queue_module
from tests.conftest import TEST_SECRET
from tests.helpers import page, submit_form, text_of

QUESTIONS = [question_spec(QuestionKind.FREE_TEXT, "Anything else you want to tell us?")]
FLOOD = 300


@pytest.fixture
def network(make):
    hub = make.service("Riverside Test Hub", kind="hub")
    return hub, make.service("Millbrook Test Spoke", hub=hub)


@pytest.fixture
def lead(make, network):
    return make.staff("lead", network[1], safeguarding=True)


@pytest.fixture
def signed_in(app, sign_in):
    """Sign a staff member in on a client of their own (several people in one test)."""

    def sign(staff):
        return sign_in(staff, into=app.test_client())

    return sign


def send(db_session, activity, text, now=None):
    """One young person's answer to the activity's only question, through the real check."""
    return record_submission(
        db_session,
        activity,
        activity.current_consent,
        False,
        {activity.questions[0].id: text},
        new_idempotency_key(),
        TEST_SECRET,
        now=now,
    )


def queue_rows(client, **query):
    doc = page(client.get("/results/safeguarding", query_string=query))
    return doc.select("#flag-queue tbody tr"), doc


def test_a_flood_is_one_row_and_a_real_disclosure_stays_on_the_first_page(
    make, network, lead, sign_in, db_session
):
    _, north = network
    flooded = make.activity(north, title="Poster code", questions=QUESTIONS)
    start = utcnow()
    for number in range(FLOOD):
        sent = send(db_session, flooded, f"I want to kill myself {number}!!", start)
        assert sent.flagged
    real = make.activity(north, title="Tuesday group", questions=QUESTIONS)
    assert send(db_session, real, "My step dad hits me at home when mum is out").flagged
    real_flag = db_session.scalars(select(Flag).where(Flag.activity_id == real.id)).one()

    client = sign_in(lead)
    rows, doc = queue_rows(client)
    assert len(rows) == 2
    # Both on the first page: the flood (suicide) ranks above the disclosure (abuse) by
    # severity, but as one row, so it cannot push anything else off the page.
    assert [row.get("data-flag-id") for row in rows].count(str(real_flag.id)) == 1
    group = next(row for row in rows if row.get("data-count"))
    assert group["data-count"] == str(FLOOD)
    assert group.find("a").get_text(" ", strip=True).startswith(f"{FLOOD} similar answers at")
    assert "Poster code" in group.get_text()
    assert doc.find(id="queue-count").get_text(strip=True).startswith(f"{FLOOD + 1} answers in 2")

    listing = page(client.get(f"/results/safeguarding/groups/{group['data-group']}"))
    links = listing.select("#group-flags tbody a")
    assert len(links) == FLOOD
    assert listing.h1.get_text() == f"{FLOOD} similar flagged answers"
    opened = page(client.get(links[17]["href"]))
    assert opened.find(id="flag-text").get_text().startswith("I want to kill myself")
    assert f"one of {FLOOD} similar answers" in opened.find(id="flag-burst").get_text()
    alone = page(client.get(f"/results/safeguarding/{real_flag.id}"))
    assert alone.find(id="flag-burst") is None


def test_a_group_can_be_dealt_with_at_once(make, network, lead, sign_in, db_session, monkeypatch):
    _, north = network
    flooded = make.activity(north, questions=QUESTIONS)
    for number in range(12):
        send(db_session, flooded, f"i want to KILL myself ({number})")
    key = db_session.scalar(select(Flag.group_key).where(Flag.activity_id == flooded.id))
    client = sign_in(lead)
    monkeypatch.setattr(queue_module, "BURST_SHOWN", 5)
    listing = page(client.get(f"/results/safeguarding/groups/{key}"))
    assert len(listing.select("#group-flags tbody tr")) == 5
    assert listing.find(id="group-shown").get_text() == "The newest 5 are listed here."
    assert listing.find("button", string="Save for all 12")
    response = submit_form(
        client,
        f"/results/safeguarding/groups/{key}",
        {"outcome": "no_concern", "note": "Scripted; the poster code was changed."},
        follow_redirects=True,
    )
    assert "Saved what you did for 12 similar answers" in text_of(response)
    assert queue_rows(client)[0] == []
    done, _ = queue_rows(client, show="done")
    assert [row["data-count"] for row in done] == ["12"]
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "flag_group_reviewed")
    ).one()
    assert (event.staff_id, event.detail["flags"]) == (lead.id, 12)


def test_similar_answers_far_apart_or_on_other_activities_are_not_grouped(
    make, network, lead, sign_in, db_session
):
    _, north = network
    one = make.activity(north, questions=QUESTIONS)
    other = make.activity(north, questions=QUESTIONS)
    start = to_hour(utcnow() - timedelta(days=1)) + timedelta(minutes=5)
    send(db_session, one, "I want to kill myself", start)
    send(db_session, one, "i want to kill myself 2", start + timedelta(minutes=50))
    # Times are kept to the hour: a burst runs on while each answer comes in the same hour
    # as the one before, or the next.
    send(db_session, one, "I WANT TO KILL MYSELF...", start + timedelta(minutes=70))
    send(db_session, one, "I want to kill myself", start + timedelta(hours=4))
    send(db_session, other, "I want to kill myself", start + timedelta(hours=4))
    send(db_session, one, "I want to kill myself tonight", start + timedelta(hours=4))
    rows, _ = queue_rows(sign_in(lead))
    assert sorted(int(row.get("data-count", 1)) for row in rows) == [1, 1, 1, 3]
    burst = next(row for row in rows if row.get("data-count") == "3")
    assert " similar answers between " in burst.find("a").get_text(" ", strip=True)


def test_most_urgent_first_then_newest_and_paged_by_rows(make, network, lead, sign_in, db_session):
    _, north = network
    activity = make.activity(north, questions=QUESTIONS)
    start = utcnow() - timedelta(days=1)
    danger = send(db_session, activity, "I am not safe, he is outside", start)
    for number in range(30):
        # Different words each time, so thirty rows of their own.
        words = ["he hits me", "my mum hits me", "dad hit me", "they beat me up"][number % 4]
        send(db_session, activity, f"{words} {'again ' * number}", start + timedelta(hours=1))
    danger_flag = db_session.scalar(
        select(Flag).where(Flag.answer_id == danger.submission.answers[0].id)
    )
    client = sign_in(lead)
    first, doc = queue_rows(client)
    assert len(first) == 25
    assert int(first[0]["data-flag-id"]) == danger_flag.id  # oldest, but most urgent
    assert "Page 1 of 2" in doc.select_one(".pagination").get_text()
    second, _ = queue_rows(client, page=2)
    assert len(second) == 6
    created = [
        db_session.get(Flag, int(row["data-flag-id"])).created_at for row in first[1:] + second
    ]
    assert created == sorted(created, reverse=True)
    assert queue_rows(client, page=99)[0] == second  # past the end reads as the last page


def test_the_badge_counts_new_flags_by_category_for_safeguarding_leads_only(
    make, network, lead, signed_in, db_session
):
    hub, north = network
    activity = make.activity(north, questions=QUESTIONS)
    send(db_session, activity, "please help me, I am not safe")
    send(db_session, activity, "he hits me")
    send(db_session, activity, "my dad hits me when he drinks")
    doc = page(signed_in(lead).get("/results/"))
    assert doc.select_one("#nav-safeguarding .badge").get_text() == "3"
    spoken = doc.find(id="nav-safeguarding-new").get_text()
    assert spoken == ": 3 new (1 In danger now, 2 Physical and domestic abuse)"
    queue_page = page(signed_in(lead).get("/results/safeguarding"))
    counts = {
        li["data-category"]: li.strong.get_text() for li in queue_page.select("#category-counts li")
    }
    assert counts == {"immediate_danger": "1", "physical_domestic_abuse": "2"}

    other = page(signed_in(make.staff("lead", north)).get("/results/"))
    assert other.find(id="nav-safeguarding") is None
    hub_lead = page(signed_in(make.staff("lead", hub, safeguarding=True)).get("/results/"))
    assert hub_lead.select_one("#nav-safeguarding .badge").get_text() == "3"


def test_severity_and_group_are_stored_when_the_flag_is_made(make, network, db_session):
    _, north = network
    activity = make.activity(north, questions=QUESTIONS)
    send(db_session, activity, "I'm in danger 1")
    send(db_session, activity, "im in danger 2")
    send(db_session, activity, "I cut myself")
    rows = db_session.execute(
        select(Flag.severity, Flag.group_key, func.count())
        .where(Flag.activity_id == activity.id)
        .group_by(Flag.severity, Flag.group_key)
        .order_by(Flag.severity)
    ).all()
    assert [(severity, count) for severity, _, count in rows] == [(1, 2), (2, 1)]
