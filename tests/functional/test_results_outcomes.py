"""The outcomes page: change over time for a Hub and its Spokes, as each member of staff may see."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from participation.models import Activity, OutcomeQuestion, Submission
from participation.outcomes import bank
from tests.helpers import page, text_of

SAFE = "outcome:feel-safe"
HELP = "outcome:know-where-to-get-help"
# Stored as naive UTC, as submission hours are.
MARCH = datetime(2026, 3, 10, 15)  # noqa: DTZ001
MAY = datetime(2026, 5, 12, 15)  # noqa: DTZ001
URL = "/results/outcomes"


def outcome_activity(make, db_session, service, type_name="Group work"):
    """An activity asking the first two standard outcome questions."""
    items = {item.key: item for item in bank.bank_for(db_session, service.parent_id or service.id)}
    questions = [bank.question_fields(items[SAFE]), bank.question_fields(items[HELP])]
    return make.activity(service, questions=questions, type_name=type_name)


def linked_people(make, db_session, service, moves, *, type_name="Group work", tag=""):
    """Young people answering "I feel safe" in March and May with a linking code each."""
    first = outcome_activity(make, db_session, service, type_name)
    later = outcome_activity(make, db_session, service, type_name)
    for number, (before, after) in enumerate(moves):
        link = f"{service.id}-{tag}{number}"
        make.submission(first, {0: [{"choice": before}]}, link_hash=link, submitted_hour=MARCH)
        make.submission(later, {0: [{"choice": after}]}, link_hash=link, submitted_hour=MAY)
    return first


@pytest.fixture
def hub(make, db_session):
    hub = make.service("Northgate Hub", kind="hub")
    bank.ensure_standard(db_session, hub.id)
    return hub


@pytest.fixture
def spokes(make, db_session, hub):
    """Riverside: 12 linked (7 from 2 to 4, 5 stay at 3) and 2 unlinked answers of 1.
    Hillside: 10 linked (5 from 1 to 3, 5 stay at 4)."""
    riverside = make.service("Riverside Spoke", hub=hub)
    hillside = make.service("Hillside Spoke", hub=hub)
    first = linked_people(make, db_session, riverside, [(2, 4)] * 7 + [(3, 3)] * 5)
    for _ in range(2):
        make.submission(first, {0: [{"choice": 1}]}, submitted_hour=MARCH)
    linked_people(make, db_session, hillside, [(1, 3)] * 5 + [(4, 4)] * 5)
    return riverside, hillside


def section(doc, key=SAFE):
    found = doc.select_one(f"section.outcome[data-key='{key}']")
    assert found is not None, f"no section for {key}"
    return found


def moved_rows(doc, key=SAFE):
    """{group label: [pairs, up, same, down]} as the page shows them."""
    table = section(doc, key).select_one("table[data-table='moved']")
    return {
        tr.find("th").get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
        for tr in table.select("tbody tr[data-group]")
    }


def first_latest(doc, group, key=SAFE):
    """{(answer, "first"/"latest"): text} of one group in the first-and-latest table."""
    table = section(doc, key).select_one("table[data-table='first-latest']")
    cells = {}
    for tr in table.select("tbody tr"):
        label = tr.find("th").get_text(strip=True)
        for td in tr.select(f"td[data-group='{group}']"):
            cells[(label, td["data-when"])] = td.get_text(strip=True)
    return cells


def chart_bars(doc, key=SAFE):
    """{(group, answer, "first"/"latest"): text} from the titles of the chart's bars."""
    bars = {}
    for title in section(doc, key).select("svg.chart g.bar-pair > title"):
        name, _, value = title.get_text().rpartition(": ")
        group, answer, when = name.rsplit(", ", 2)
        bars[(group, answer, when.removesuffix(" answer"))] = value
    return bars


def test_a_hub_lead_sees_each_spoke_side_by_side_on_the_same_question(make, sign_in, hub, spokes):
    client = sign_in(make.staff("lead", hub))
    response = client.get(URL)
    assert response.status_code == 200
    doc = page(response)
    assert moved_rows(doc) == {
        "Whole Hub: Northgate Hub, all services": ["22", "12 (55%)", "10 (45%)", "0 (0%)"],
        "Hillside Spoke": ["10", "5 (50%)", "5 (50%)", "0 (0%)"],
        "Riverside Spoke": ["12", "7 (58%)", "5 (42%)", "0 (0%)"],
    }
    assert doc.find(id="linked-people").get_text(strip=True) == "22"
    # The cross-section counts the two answers without a linking code.
    answers = section(doc).select_one("table[data-table='answers']")
    total = answers.select_one("tfoot tr")
    assert [td.get_text(strip=True) for td in total.find_all("td")] == ["46", "20", "26"]
    assert "Not true at all" in answers.get_text()


def test_the_chart_and_the_table_show_the_same_numbers(make, sign_in, hub, spokes):
    riverside, _ = spokes
    doc = page(sign_in(make.staff("lead", hub)).get(URL))
    table = first_latest(doc, f"service-{riverside.id}")
    assert table[("A little true", "first")] == "7 (58%)"
    assert table[("Partly true", "first")] == "5 (42%)"
    assert table[("Mostly true", "latest")] == "7 (58%)"
    assert table[("Not true at all", "first")] == "0 (0%)"
    bars = chart_bars(doc)
    for group, label in ((f"service-{riverside.id}", "Riverside Spoke"), ("hub", None)):
        label = label or "Whole Hub: Northgate Hub, all services"
        from_table = first_latest(doc, group)
        from_chart = {(a, w): v for (g, a, w), v in bars.items() if g == label}
        assert from_chart == from_table and len(from_chart) == 10
    assert bars[("Hillside Spoke", "Not true at all", "first")] == "5 (50%)"
    # The first and latest bars differ by pattern, not colour alone, and a legend names them.
    svg = section(doc).select_one("svg.chart")
    assert svg.find("pattern") is not None and "Latest answer" in svg.get_text()
    assert "Riverside Spoke, A little true: first answer 7 (58%)" in svg.find("desc").get_text()


def test_a_spoke_lead_sees_their_spoke_and_the_whole_hub_but_no_other_spoke(
    make, sign_in, hub, spokes
):
    riverside, _ = spokes
    client = sign_in(make.staff("lead", riverside))
    doc = page(client.get(URL))
    assert moved_rows(doc) == {
        "Riverside Spoke (your service)": ["12", "7 (58%)", "5 (42%)", "0 (0%)"],
        "Whole Hub: Northgate Hub, all services": ["22", "12 (55%)", "10 (45%)", "0 (0%)"],
    }
    assert "Hillside" not in doc.find(id="main").get_text()
    assert doc.find(id="linked-people") is None


def test_a_spoke_lead_gets_not_found_for_another_hub(make, sign_in, db_session, hub, spokes):
    riverside, hillside = spokes
    other = make.service("Southport Hub", kind="hub")
    bank.ensure_standard(db_session, other.id)
    client = sign_in(make.staff("lead", riverside))
    assert client.get(URL, query_string={"hub": other.id}).status_code == 404
    assert client.get(URL, query_string={"hub": hillside.id}).status_code == 404
    assert client.get(URL, query_string={"hub": hub.id}).status_code == 200
    hub_lead = sign_in(make.staff("lead", hub), into=client.application.test_client())
    assert hub_lead.get(URL, query_string={"hub": other.id}).status_code == 404


def test_a_spoke_with_three_linked_young_people_shows_fewer_than_five(
    make, sign_in, db_session, hub, spokes
):
    eastfield = make.service("Eastfield Spoke", hub=hub)
    linked_people(make, db_session, eastfield, [(2, 5)] * 3)
    doc = page(sign_in(make.staff("lead", eastfield)).get(URL))
    rows = moved_rows(doc)
    assert rows["Eastfield Spoke (your service)"] == ["fewer than 5"] * 4
    # The rest of the Hub has 22: the whole-Hub figure is safe to show.
    assert rows["Whole Hub: Northgate Hub, all services"][0] == "25"
    cells = first_latest(doc, f"service-{eastfield.id}")
    assert set(cells.values()) == {"fewer than 5"}
    assert "Fewer than 5 young people with two or more answers: not shown." in text_of_section(doc)
    # Never a zero or a blank in place of a hidden number.
    assert all(cells.values())


def text_of_section(doc, key=SAFE):
    return " ".join(section(doc, key).get_text(" ").split())


def test_the_whole_hub_figure_hides_when_the_rest_of_the_hub_is_small(make, sign_in, db_session):
    hub = make.service("Westmoor Hub", kind="hub")
    bank.ensure_standard(db_session, hub.id)
    big = make.service("Brookside Spoke", hub=hub)
    small = make.service("Fernhill Spoke", hub=hub)
    linked_people(make, db_session, big, [(2, 4)] * 12)
    linked_people(make, db_session, small, [(3, 3)] * 3)
    doc = page(sign_in(make.staff("lead", big)).get(URL))
    rows = moved_rows(doc)
    assert rows["Brookside Spoke (your service)"][0] == "12"
    assert rows["Whole Hub: Westmoor Hub, all services"] == ["hidden"] * 4
    notice = section(doc).select_one("[data-hub-withheld]").get_text()
    assert "the rest of the Hub has fewer than 5 young people" in notice


def test_an_admin_chooses_the_hub(make, sign_in, db_session, hub, spokes):
    other = make.service("Southport Hub", kind="hub")
    bank.ensure_standard(db_session, other.id)
    linked_people(make, db_session, other, [(1, 2)] * 6)
    client = sign_in(make.staff("admin", None))
    doc = page(client.get(URL))
    options = [o.get_text(strip=True) for o in doc.select("#hub option")]
    assert options[:2] == ["Northgate Hub", "Southport Hub"]
    assert "Whole Hub: Northgate Hub, all services" in moved_rows(doc)
    chosen = page(client.get(URL, query_string={"hub": other.id}))
    assert chosen.select_one("#hub option[selected]").get_text(strip=True) == "Southport Hub"
    assert moved_rows(chosen)["Whole Hub: Southport Hub, all services"][0] == "6"
    assert "Riverside" not in chosen.find(id="main").get_text()
    assert client.get(URL, query_string={"hub": 987654}).status_code == 404


def test_bad_dates_are_explained_and_the_page_still_shows(make, sign_in, hub, spokes):
    client = sign_in(make.staff("lead", hub))
    response = client.get(URL, query_string={"date_from": "2026-02-30", "date_to": "soon"})
    assert response.status_code == 200
    doc = page(response)
    summary = doc.select_one(".error-summary").get_text()
    assert "Enter a real date, for example 2026-03-31." in summary
    assert doc.find(id="date_from").get("aria-invalid") == "true"
    assert moved_rows(doc)["Riverside Spoke"][0] == "12"
    backwards = page(
        client.get(URL, query_string={"date_from": "2026-05-01", "date_to": "2026-04-01"})
    )
    assert "The end date must be the same as or after the start date." in (
        backwards.select_one(".error-summary").get_text()
    )
    tampered = page(client.get(URL, query_string={"view": "<script>"}))
    assert "Choose by service or by participation type." in tampered.get_text()
    assert "Riverside Spoke" in moved_rows(tampered)


def test_the_dates_choose_which_answers_count(make, sign_in, hub, spokes):
    client = sign_in(make.staff("lead", hub))
    doc = page(client.get(URL, query_string={"date_from": "2026-03-01", "date_to": "2026-03-31"}))
    # Only March's answers: nobody has two, so nothing to compare; every answer still counts.
    assert moved_rows(doc)["Riverside Spoke"][0] == "0"
    total = section(doc).select_one("table[data-table='answers'] tfoot td").get_text(strip=True)
    assert total == "24"
    assert "10 March 2026" not in doc.find(id="period").get_text()
    assert "1 March 2026" in doc.find(id="period").get_text()


def test_the_view_by_participation_type(make, sign_in, app, db_session, hub, spokes):
    riverside, hillside = spokes
    linked_people(make, db_session, riverside, [(3, 5)] * 6, type_name="One-to-one work", tag="o")
    linked_people(make, db_session, hillside, [(3, 4)] * 2, type_name="Peer-led", tag="a")
    hub_doc = page(sign_in(make.staff("lead", hub)).get(URL, query_string={"view": "type"}))
    rows = moved_rows(hub_doc)
    assert rows["Whole Hub: Northgate Hub, all services"][0] == "30"
    assert rows["Group work"][0] == "22"
    assert rows["Peer-led"][0] == "fewer than 5"
    # 30 - 22 - 6 would give Peer-led's 2 away.
    assert rows["One-to-one work"][0] == "hidden"
    # A Spoke's lead sees their own service's types, not the Hub's.
    spoke = sign_in(make.staff("lead", riverside), into=app.test_client())
    spoke_rows = moved_rows(page(spoke.get(URL, query_string={"view": "type"})))
    assert spoke_rows == {
        "Riverside Spoke (your service)": ["18", "13 (72%)", "5 (28%)", "0 (0%)"],
        "Group work": ["12", "7 (58%)", "5 (42%)", "0 (0%)"],
        "One-to-one work": ["6", "6 (100%)", "0 (0%)", "0 (0%)"],
    }


def test_a_researcher_sees_what_a_lead_of_their_service_sees(make, sign_in, hub, spokes):
    riverside, _ = spokes
    doc = page(sign_in(make.staff("researcher", riverside)).get(URL))
    assert set(moved_rows(doc)) == {
        "Riverside Spoke (your service)",
        "Whole Hub: Northgate Hub, all services",
    }
    assert "Hillside" not in doc.find(id="main").get_text()


def test_with_no_outcome_answers_the_page_says_how_to_add_them(make, sign_in, hub):
    response = sign_in(make.staff("lead", hub)).get(URL)
    doc = page(response)
    empty = doc.find(id="no-outcomes")
    assert "No outcome questions answered yet" in empty.get_text()
    assert empty.find("a", href="/studio/") is not None
    assert doc.select("section.outcome") == []


def test_the_page_is_in_the_staff_menu_and_on_the_dashboard(make, sign_in, hub):
    client = sign_in(make.staff("researcher", hub))
    doc = page(client.get("/results/"))
    assert doc.select_one("nav.staff-nav a[href='/results/outcomes']").get_text() == "Outcomes"
    assert doc.find(id="outcomes-link")["href"] == URL
    assert "What this page compares" in text_of(client.get(URL))


def test_new_and_withdrawn_answers_show_at_once(make, sign_in, db_session, hub, spokes):
    """The page keeps its counts between visits only while nothing they count has changed."""
    riverside, _ = spokes
    client = sign_in(make.staff("lead", hub))
    assert moved_rows(page(client.get(URL)))["Riverside Spoke"][0] == "12"
    linked_people(make, db_session, riverside, [(1, 5)] * 2, tag="new")
    assert moved_rows(page(client.get(URL)))["Riverside Spoke"][0] == "14"
    newest = db_session.scalar(select(Submission).order_by(Submission.id.desc()).limit(1))
    db_session.delete(newest)
    db_session.flush()
    rows = moved_rows(page(client.get(URL)))
    assert rows["Riverside Spoke"][0] == "13"
    assert rows["Whole Hub: Northgate Hub, all services"][0] == "23"


def test_answers_unlinked_by_their_code_leave_the_comparison_at_once(
    make, sign_in, db_session, hub, spokes
):
    """Removing linked answers past the window clears their link: no count shows it."""
    riverside, _ = spokes
    client = sign_in(make.staff("lead", hub))
    assert moved_rows(page(client.get(URL)))["Riverside Spoke"][0] == "12"
    one_person = db_session.scalar(
        select(Submission.link_hash)
        .join(Activity, Activity.id == Submission.activity_id)
        .where(Activity.service_id == riverside.id, Submission.link_hash.is_not(None))
        .limit(1)
    )
    for submission in db_session.scalars(
        select(Submission).where(Submission.link_hash == one_person)
    ):
        submission.link_hash = None
    db_session.flush()
    assert moved_rows(page(client.get(URL)))["Riverside Spoke"][0] == "11"


def test_a_new_hub_with_no_outcome_questions_yet_shows_the_empty_page(make, sign_in, db_session):
    new_hub = make.service("Fairview Hub", kind="hub")
    response = sign_in(make.staff("lead", new_hub)).get(URL)
    assert response.status_code == 200
    assert "No outcome questions answered yet" in page(response).find(id="no-outcomes").get_text()
    # Looking changes nothing: the page does not start the Hub's bank.
    in_bank = select(func.count()).where(OutcomeQuestion.hub_id == new_hub.id)
    assert db_session.scalar(in_bank) == 0


def test_staff_with_no_service_see_a_plain_message_and_no_figures(
    make, sign_in, db_session, hub, spokes
):
    researcher = make.staff("researcher")
    researcher.service_id = None
    db_session.flush()
    client = sign_in(researcher)
    doc = page(client.get(URL))
    assert "Your account is not linked to a service yet." in doc.find(id="no-outcomes").get_text()
    assert doc.select("section.outcome") == []
    assert client.get(URL, query_string={"hub": hub.id}).status_code == 404
