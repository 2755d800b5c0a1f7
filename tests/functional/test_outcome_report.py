"""The funder and commissioner report of outcomes over time: PDF, PowerPoint and Word agree."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from docx import Document
from pptx import Presentation
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import object_session

from participation.exports.outcome_report import outcome_report, outcome_report_html
from participation.exports.slides import outcome_report_pptx
from participation.models import AuditEvent, Service
from participation.outcomes import bank
from participation.outcomes.change import OutcomeFilters
from tests.functional.test_pdf_fits_page import overflows
from tests.helpers import page, text_of

SAFE = "outcome:feel-safe"
HELP = "outcome:know-where-to-get-help"
SAFE_WORDS = "I feel safe."
HELP_WORDS = "I know where to get help if I need it."
# Stored as naive UTC, as submission hours are.
MARCH = datetime(2026, 3, 10, 15)  # noqa: DTZ001
MAY = datetime(2026, 5, 12, 15)  # noqa: DTZ001
SPRING = {"date_from": "2026-03-01", "date_to": "2026-05-31"}
PERIOD = "1 March 2026 to 31 May 2026"
URL = "/results/outcomes/report"
# A shown count from 1 to 4 ("3", "3 (20%)"): never allowed in a report.
SMALL_NUMBER = re.compile(r"^[1-4](?: \(\d+%\))?$")


def outcome_activity(make, db_session, service):
    """An activity asking the first two standard outcome questions."""
    items = {item.key: item for item in bank.bank_for(db_session, service.parent_id or service.id)}
    questions = [bank.question_fields(items[SAFE]), bank.question_fields(items[HELP])]
    return make.activity(service, questions=questions)


def linked_people(make, db_session, service, moves):
    """Each (first, latest) in `moves` is one young person with a code, in March then May."""
    first, latest = (outcome_activity(make, db_session, service) for _ in range(2))
    for number, (before, after) in enumerate(moves):
        link = f"{service.id}-{number}"
        make.submission(
            first,
            {0: [{"choice": before}], 1: [{"choice": 3}]},
            link_hash=link,
            submitted_hour=MARCH,
        )
        make.submission(
            latest, {0: [{"choice": after}], 1: [{"choice": 3}]}, link_hash=link, submitted_hour=MAY
        )


@pytest.fixture
def hub(make, db_session):
    """Northgate Hub: Riverside (12 linked), Lakeside (6) and Hillside (3 young people)."""
    hub = make.service("Northgate Hub", kind="hub")
    bank.ensure_standard(db_session, hub.id)
    riverside = make.service("Riverside Spoke", hub=hub)
    # Seven feel safer in May (2 to 4), five the same (3).
    linked_people(make, db_session, riverside, [(2, 4)] * 7 + [(3, 3)] * 5)
    linked_people(make, db_session, make.service("Lakeside Spoke", hub=hub), [(4, 5)] * 6)
    linked_people(make, db_session, make.service("Hillside Spoke", hub=hub), [(2, 4)] * 3)
    return hub


def spoke(hub, name):
    session = object_session(hub)
    return session.scalars(select(Service).where(Service.name == name)).one()


def download(client, service, fmt, **period):
    response = client.get(
        URL, query_string={"service_id": service.id, "fmt": fmt, **(period or SPRING)}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Disposition"].endswith(f'.{fmt}"')
    return response.get_data()


def pdf_text(body):
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def docx_parts(body):
    document = Document(io.BytesIO(body))
    text = "\n".join(p.text for p in document.paragraphs)
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    return document, text, rows


def pptx_parts(body):
    deck = Presentation(io.BytesIO(body))
    texts, notes, rows, pictures = [], [], [], 0
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.shape_type == 13:  # a picture
                pictures += 1
            if shape.has_table:
                rows += [[c.text for c in row.cells] for row in shape.table.rows]
        if slide.has_notes_slide:
            notes.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(texts), "\n".join(notes), rows, pictures


def small_numbers_in_text(text):
    """Counts of 1 to 4 standing alone in a PDF's text, after page numbers, dates, the
    number of questions and the disclosure rule's own "from 1 to 4"."""
    text = re.sub(r"Page \d+ of \d+|\d+ [A-Z][a-z]+ 20\d\d|\d+ outcome questions", "", text)
    text = text.replace("from 1 to 4", "")
    return re.findall(r"(?<![\w.,:-])[1-4](?![\w.,%-])", text)


def no_small_numbers(rows):
    return [cell for row in rows for cell in row if SMALL_NUMBER.match(cell.strip())]


# Riverside's change in feeling safe: the numbers behind its chart.
RIVERSIDE_SAFE = [
    ["Answer", "First answer", "Latest answer"],
    ["Not true at all", "0 (0%)", "0 (0%)"],
    ["A little true", "7 (58%)", "0 (0%)"],
    ["Partly true", "5 (42%)", "5 (42%)"],
    ["Mostly true", "0 (0%)", "7 (58%)"],
    ["Completely true", "0 (0%)", "0 (0%)"],
    ["Young people with two answers", "12", "12"],
]


def test_the_content_holds_the_change_the_data_shows(app, db_session, hub):
    riverside = spoke(hub, "Riverside Spoke")
    with app.test_request_context():
        content = outcome_report(db_session, riverside, OutcomeFilters())
    assert [s.prompt for s in content.sections] == [SAFE_WORDS, HELP_WORDS]
    safe = content.sections[0]
    assert safe.area == "Feeling safe"
    assert safe.moved.rows[0] == ("Riverside Spoke", "12", "7 (58%)", "5 (42%)", "0 (0%)")
    # The rest of the Hub has 9 young people, so the Hub-wide figure shows beside it.
    assert safe.moved.rows[1] == ("All of Northgate Hub", "21", "16 (76%)", "5 (24%)", "0 (0%)")
    # The Hub's 10 "A little true" less Riverside's 7 would show 3 elsewhere: that cell is
    # hidden, and the smallest other one with it.
    assert len(safe.charts) == 2
    assert safe.answers.rows[1][1:] == ("0", "hidden", "10", "16", "hidden", "42")
    hub_chart = safe.charts[1].item
    assert hub_chart.rows[1][1] == "hidden"
    assert no_small_numbers(hub_chart.rows) == []
    chart = safe.charts[0].item
    assert [list(chart.columns), *map(list, chart.rows), list(chart.footer)] == RIVERSIDE_SAFE
    assert [bar.display for bar in chart.bars][2:4] == ["7 (58%)", "0 (0%)"]
    assert safe.answers.rows[0] == ("Riverside Spoke", "0", "7", "10", "7", "0", "24")
    assert "Young people who used a code in this service in this period: 12." in content.measures


def test_the_word_document_names_service_period_questions_and_numbers(make, hub, sign_in):
    riverside = spoke(hub, "Riverside Spoke")
    client = sign_in(make.staff("lead", riverside))
    document, text, rows = docx_parts(download(client, riverside, "docx"))
    assert "Outcomes over time: Riverside Spoke" in text
    assert ["Period", PERIOD] in rows
    assert f"1. Feeling safe: “{SAFE_WORDS}”" in text
    assert f"2. Knowing where to get help: “{HELP_WORDS}”" in text
    start = rows.index(RIVERSIDE_SAFE[0])
    assert rows[start : start + len(RIVERSIDE_SAFE)] == RIVERSIDE_SAFE
    # Riverside's two charts and the Hub's two (with a cell or two hidden).
    assert len(document.inline_shapes) == 4
    assert "Outcomes improve for young people supported by Spoke services" in text
    assert "Disclosure control (k = 5)" in text and "secondary suppression" in text
    assert no_small_numbers(rows) == []


def test_the_powerpoint_has_each_chart_with_its_numbers_in_a_table_and_the_notes(
    make, hub, sign_in
):
    riverside = spoke(hub, "Riverside Spoke")
    client = sign_in(make.staff("lead", riverside))
    texts, notes, rows, pictures = pptx_parts(download(client, riverside, "pptx"))
    assert "Outcomes over time: Riverside Spoke" in texts and PERIOD in texts
    assert SAFE_WORDS in texts and HELP_WORDS in texts
    assert pictures == 4
    start = rows.index(RIVERSIDE_SAFE[0])
    assert rows[start : start + len(RIVERSIDE_SAFE)] == RIVERSIDE_SAFE
    assert "A little true: first 7 (58%), latest 0 (0%)" in notes
    assert "Young people with two answers: 12." in notes
    assert no_small_numbers(rows) == []


def test_the_pdf_names_service_period_questions_and_numbers(make, hub, sign_in):
    riverside = spoke(hub, "Riverside Spoke")
    client = sign_in(make.staff("lead", riverside))
    text = pdf_text(download(client, riverside, "pdf"))
    assert "Outcomes over time: Riverside Spoke" in text and PERIOD in text
    assert SAFE_WORDS in text and HELP_WORDS in text
    assert "A little true 7 (58%) 0 (0%)" in text
    assert "Young people with two answers 12 12" in text


def test_a_spoke_with_three_linked_young_people_reads_fewer_than_five(make, hub, sign_in):
    hillside = spoke(hub, "Hillside Spoke")
    client = sign_in(make.staff("lead", hillside))
    _, text, rows = docx_parts(download(client, hillside, "docx"))
    assert "Young people who used a code in this service in this period: fewer than 5." in text
    assert [
        "Hillside Spoke",
        "fewer than 5",
        "fewer than 5",
        "fewer than 5",
        "fewer than 5",
    ] in rows
    assert "Hillside Spoke: fewer than 5 young people answered twice with a code" in text
    assert no_small_numbers(rows) == []
    _, _, slide_rows, _ = pptx_parts(download(client, hillside, "pptx"))
    assert no_small_numbers(slide_rows) == []
    pdf = pdf_text(download(client, hillside, "pdf"))
    assert "Hillside Spoke fewer than 5 fewer than 5 fewer than 5 fewer than 5" in pdf
    assert small_numbers_in_text(pdf) == []
    # The check itself finds a small count, with or without its percentage.
    assert small_numbers_in_text("Spoke 3 fewer than 5 21 (100%) 2 (40%)") == ["3", "2"]


def test_a_hubs_report_sets_its_spokes_side_by_side_and_hides_what_would_reveal_one(
    make, hub, sign_in
):
    client = sign_in(make.staff("lead", hub))
    _, text, rows = docx_parts(download(client, hub, "docx"))
    assert "Outcomes over time: Northgate Hub" in text
    moved: dict[str, list[str]] = {}
    for row in rows:  # the first question's table: feeling safe
        if len(row) == 5:
            moved.setdefault(row[0], row[1:])
    assert moved["All of Northgate Hub"][0] == "21"
    assert moved["Riverside Spoke"][:2] == ["12", "7 (58%)"]
    assert moved["Hillside Spoke"][0] == "fewer than 5"
    # Lakeside's 6 would give Hillside's count from the Hub's 21 less Riverside's 12.
    assert moved["Lakeside Spoke"] == ["hidden"] * 4
    assert no_small_numbers(rows) == []


def test_a_hubs_figure_never_gives_away_a_spokes_hidden_count(app, make, db_session):
    hub = make.service("Eastfield Hub", kind="hub")
    bank.ensure_standard(db_session, hub.id)
    linked_people(
        make, db_session, make.service("Ashby Spoke", hub=hub), [(2, 4)] * 7 + [(3, 3)] * 5
    )
    # Three of Brook's six felt "a little" safe at first: hidden in Brook's own table.
    linked_people(
        make, db_session, make.service("Brook Spoke", hub=hub), [(2, 4)] * 3 + [(4, 4)] * 3
    )
    with app.test_request_context():
        safe = outcome_report(db_session, hub, OutcomeFilters()).sections[0]
    first = {chart.label: dict((r[0], r[1]) for r in chart.item.rows) for chart in safe.charts}
    assert first["Ashby Spoke"]["A little true"] == "7 (58%)"
    assert first["Brook Spoke"]["A little true"] == "fewer than 5"
    # The Hub's 10 less Ashby's 7 would give Brook's 3, so the Hub's cell is hidden.
    hub_first = first["All of Eastfield Hub"]
    assert hub_first["A little true"] == "hidden"
    assert no_small_numbers([hub_first.values()]) == []
    hub_answers = next(row for row in safe.answers.rows if row[0] == "All of Eastfield Hub")
    assert hub_answers[2] == "hidden" and hub_answers[-1] == "36"
    assert no_small_numbers([hub_answers[1:]]) == []


def test_a_service_with_no_outcome_answers_says_so(make, hub, sign_in):
    quiet = make.service("Quiet Spoke", hub=hub)
    client = sign_in(make.staff("lead", quiet))
    _, text, _ = docx_parts(download(client, quiet, "docx"))
    assert "No outcome questions were answered in Quiet Spoke in this period." in text
    assert SAFE_WORDS not in text


def test_a_spoke_lead_cannot_get_another_spokes_report(make, hub, sign_in):
    hillside = spoke(hub, "Hillside Spoke")
    client = sign_in(make.staff("lead", hillside))
    riverside = spoke(hub, "Riverside Spoke")
    for service in (riverside, hub):
        response = client.get(URL, query_string={"service_id": service.id, "fmt": "docx"})
        assert response.status_code == 404
    assert client.get(URL, query_string={"service_id": "99999999", "fmt": "pdf"}).status_code == 404
    offered = [o.get_text(strip=True) for o in page(client.get(URL)).select("#service_id option")]
    assert offered == ["Hillside Spoke"]


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({"date_from": "2026-05-31", "date_to": "2026-03-01"}, "The end date must be on or after"),
        ({"date_from": "2026-02-31", "date_to": ""}, "Enter a real date"),
        ({"date_from": "1066-10-14", "date_to": ""}, "Enter a date between 2000 and 2100"),
        ({"fmt": "xls"}, "Choose PDF, PowerPoint or Word."),
    ],
    ids=["backwards", "no such day", "odd year", "no such format"],
)
def test_a_bad_period_or_format_gives_a_friendly_error_and_no_file(
    make, hub, sign_in, period, message
):
    riverside = spoke(hub, "Riverside Spoke")
    client = sign_in(make.staff("lead", riverside))
    query = {"service_id": riverside.id, "fmt": "pdf", **period}
    response = client.get(URL, query_string=query)
    assert response.status_code == 200
    assert "Content-Disposition" not in response.headers
    assert message in text_of(response)


def test_the_period_limits_the_report(make, hub, sign_in):
    riverside = spoke(hub, "Riverside Spoke")
    client = sign_in(make.staff("lead", riverside))
    body = download(client, riverside, "docx", date_from="2026-03-01", date_to="2026-03-31")
    _, text, rows = docx_parts(body)
    assert ["Period", "1 March 2026 to 31 March 2026"] in rows
    assert "Riverside Spoke: no young person answered twice with a code in this period." in text
    assert ["Riverside Spoke", "0", "0", "0", "0"] in rows


def test_each_download_is_audited(make, hub, sign_in, db_session):
    riverside = spoke(hub, "Riverside Spoke")
    client = sign_in(make.staff("lead", riverside))
    download(client, riverside, "pptx")
    events = db_session.execute(
        select(AuditEvent.action, AuditEvent.detail).where(AuditEvent.target_id == riverside.id)
    ).all()
    actions = [action for action, _ in events]
    assert "export_outcome_report_pptx_started" in actions
    done = next(detail for action, detail in events if action == "export_outcome_report_pptx")
    assert done["date_from"] == "2026-03-01" and done["outcome"] == "completed"


def test_the_form_offers_every_service_the_staff_member_sees(make, hub, sign_in):
    client = sign_in(make.staff("lead", hub))
    response = client.get(URL)
    assert response.status_code == 200
    offered = {o.get_text(strip=True) for o in page(response).select("#service_id option")}
    assert offered == {"Northgate Hub", "Riverside Spoke", "Lakeside Spoke", "Hillside Spoke"}


def test_every_slide_of_a_hub_with_many_spokes_keeps_to_the_slide(app, make, db_session, hub):
    for number in range(6):
        linked_people(
            make, db_session, make.service(f"Spoke number {number}", hub=hub), [(1, 5)] * 8
        )
    with app.test_request_context():
        content = outcome_report(db_session, hub, OutcomeFilters())
    deck = Presentation(io.BytesIO(outcome_report_pptx(content)))
    outside = [
        (number, shape.name)
        for number, slide in enumerate(deck.slides, start=1)
        for shape in slide.shapes
        if shape.top + shape.height > deck.slide_height
        or shape.left + shape.width > deck.slide_width
    ]
    assert outside == []
    assert len(content.sections[0].moved.rows) == 10  # the Hub, and nine Spokes


def test_the_pdf_fits_its_pages(app, make, db_session, hub):
    long_name = "Spoke with a rather long name " + "Supercalifragilistic-" * 4
    linked_people(make, db_session, make.service(long_name, hub=hub), [(1, 5)] * 8)
    with app.test_request_context():
        html = outcome_report_html(outcome_report(db_session, hub, OutcomeFilters()))
    assert overflows(html) == []
