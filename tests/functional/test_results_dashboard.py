"""The dashboard (staff home): grouped by participation type, then service, suppressed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from participation.activities.kinds import question_spec
from participation.clock import to_hour, utcnow
from participation.models.enums import QuestionKind
from tests.helpers import page, text_of

QUESTIONS = [question_spec(QuestionKind.EMOJI_SCALE, "How do you feel about the group?")]


@pytest.fixture
def network(make):
    hub = make.service("Riverside Test Hub", kind="hub")
    north = make.service("Millbrook Test Spoke", hub=hub)
    east = make.service("Eastgate Test Spoke", hub=hub)
    for service, count in ((north, 10), (east, 3)):
        activity = make.activity(service, questions=QUESTIONS)
        for _ in range(count):
            make.submission(activity, {0: [{"choice": 4}]})
    workshop = make.activity(hub, questions=QUESTIONS, type_name="Workshop day")
    for _ in range(6):
        make.submission(workshop, {0: [{"choice": 5}]})
    return hub, north, east


def service_rows(doc, type_name: str) -> dict[str, str]:
    heading = doc.find("h2", string=type_name)
    table = heading.find_parent("section").select_one("table.services-table")
    rows = {}
    for tr in table.select("tbody tr, tfoot tr"):
        rows[tr.find("th").get_text(strip=True)] = tr.find_all("td")[1].get_text(strip=True)
    return rows


def test_a_hub_lead_sees_each_spoke_and_the_total_with_small_numbers_hidden(make, sign_in, network):
    hub, _, _ = network
    client = sign_in(make.staff("lead", hub))
    response = client.get("/results/")
    assert response.status_code == 200
    doc = page(response)
    assert service_rows(doc, "Group work") == {
        "Eastgate Test Spoke": "fewer than 5",
        "Millbrook Test Spoke": "hidden",  # or 13 − 10 would give Eastgate away
        "Total": "13",
    }
    assert service_rows(doc, "Workshop day") == {"Riverside Test Hub": "6", "Total": "6"}
    assert doc.find(id="total-submissions").get_text(strip=True) == "19"
    types = {
        tr.find("th").get_text(strip=True): tr.find_all("td")[1].get_text(strip=True)
        for tr in doc.select("#types-table tbody tr")
    }
    assert types == {"Group work": "13", "Workshop day": "6"}
    chart = {
        g.find("title").get_text().rpartition(": ")[0]: g.find("title")
        .get_text()
        .rpartition(": ")[2]
        for g in doc.select("svg.chart g.row")
    }
    assert chart == types


def test_a_spoke_lead_sees_only_their_spoke(make, sign_in, network):
    _, north, _ = network
    client = sign_in(make.staff("lead", north))
    doc = page(client.get("/results/"))
    assert service_rows(doc, "Group work") == {"Millbrook Test Spoke": "10", "Total": "10"}
    tables = " ".join(table.get_text() for table in doc.select("table"))
    assert "Eastgate" not in tables and "Workshop day" not in tables
    assert "Eastgate" not in doc.find(id="service_id").get_text()


def test_filters_narrow_the_figures(make, sign_in, network, db_session):
    hub, north, _ = network
    old = make.activity(north, questions=QUESTIONS, type_name="Peer-led")
    for _ in range(7):
        make.submission(old, {0: [{"choice": 2}]}).submitted_hour = to_hour(
            utcnow() - timedelta(days=90)
        )
    db_session.flush()
    client = sign_in(make.staff("lead", hub))
    assert "Peer-led" in text_of(client.get("/results/"))
    since = (utcnow() - timedelta(days=30)).date().isoformat()
    recent = page(client.get("/results/", query_string={"date_from": since}))
    assert not recent.find("h2", string="Peer-led")
    by_type = page(client.get("/results/", query_string={"type_id": old.participation_type_id}))
    assert [h.get_text() for h in by_type.select("section.type-group h2")] == ["Peer-led"]
    only_north = page(client.get("/results/", query_string={"service_id": north.id}))
    assert service_rows(only_north, "Group work") == {"Millbrook Test Spoke": "10", "Total": "10"}


def test_a_backwards_date_range_is_explained(make, sign_in, network):
    hub, _, _ = network
    client = sign_in(make.staff("lead", hub))
    response = client.get(
        "/results/", query_string={"date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    doc = page(response)
    summary = doc.select_one(".error-summary")
    assert "The end date must be the same as or after the start date." in summary.get_text()
    assert doc.find(id="date_to").get("aria-invalid") == "true"


def test_a_service_outside_your_scope_is_not_a_choice(make, sign_in, network):
    _, north, east = network
    client = sign_in(make.staff("lead", north))
    doc = page(client.get("/results/", query_string={"service_id": east.id}))
    assert doc.select_one(".error-summary")
    assert "Eastgate" not in doc.find(id="main").get_text()


def test_researchers_get_the_same_suppressed_dashboard(make, sign_in, network):
    hub, _, _ = network
    client = sign_in(make.staff("researcher", hub))
    doc = page(client.get("/results/"))
    assert service_rows(doc, "Group work")["Eastgate Test Spoke"] == "fewer than 5"
