"""Reports from the results page: PDF, PowerPoint and Word hold the same suppressed numbers."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document
from pptx import Presentation
from pypdf import PdfReader
from sqlalchemy import select

from participation.clock import utcnow
from participation.models import Action, AnswerTheme, AuditEvent, Theme
from participation.models.activities import CLOSED
from participation.models.submissions import APPROVED
from tests.helpers import page, submit_form, text_of


@pytest.fixture
def spoke(make):
    return make.service("Millbrook Spoke", hub=make.service("Riverside Hub", kind="hub"))


def group_with_answers(make, spoke):
    activity = make.activity(spoke, title="Summer group", research_sharing="ask")
    for _ in range(12):
        make.submission(activity, {0: [{"choice": 4}], 2: [{"choice": 1}]})
    for _ in range(6):
        make.submission(activity, {0: [{"choice": 3}], 2: [{"choice": 1}]})
    for _ in range(2):
        make.submission(activity, {0: [{"choice": 2}], 2: [{"choice": 3}]})
    return activity


def with_theme_and_quote(make, db_session, activity):
    theme = Theme(service_id=activity.service_id, name="The room")
    db_session.add(theme)
    db_session.flush()
    for number in range(6):
        submission = make.submission(activity, {4: [{"text": f"The room is too small {number}"}]})
        answer = submission.answers[0]
        answer.is_quote, answer.moderation = number == 0, APPROVED
        db_session.add(AnswerTheme(answer_id=answer.id, theme_id=theme.id))
    db_session.add(
        Action(activity_id=activity.id, you_said="The room is small", we_did="We moved hall")
    )
    db_session.flush()
    return theme


def slide_texts(body: bytes) -> tuple[list[str], list[str], int, list[list[list[str]]]]:
    deck = Presentation(io.BytesIO(body))
    texts, notes, pictures, tables = [], [], 0, []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.shape_type == 13:  # a picture
                pictures += 1
            if shape.has_table:
                tables.append([[c.text for c in row.cells] for row in shape.table.rows])
        if slide.has_notes_slide:
            notes.append(slide.notes_slide.notes_text_frame.text)
    return texts, notes, pictures, tables


def test_the_results_page_offers_every_report_to_leads(make, spoke, sign_in):
    activity = group_with_answers(make, spoke)
    client = sign_in(make.staff("lead", spoke))
    links = {
        a["href"]
        for a in page(client.get(f"/results/activities/{activity.id}")).select("#reports a")
    }
    for fmt in ("pdf", "pptx", "docx"):
        assert f"/results/activities/{activity.id}/report.{fmt}" in links
        assert f"/results/activities/{activity.id}/report-for-young-people.{fmt}" in links
    assert f"/results/activities/{activity.id}/you-said-poster.pdf" in links


def test_the_powerpoint_holds_charts_tables_and_numbers_in_the_notes(
    make, spoke, sign_in, db_session
):
    activity = group_with_answers(make, spoke)
    with_theme_and_quote(make, db_session, activity)
    client = sign_in(make.staff("lead", spoke))
    response = client.get(f"/results/activities/{activity.id}/report.pptx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('.pptx"')
    texts, notes, pictures, tables = slide_texts(response.get_data())
    assert "Summer group" in texts[0]
    assert pictures >= 5  # a chart per charted question and reach question
    joined_notes = " ".join(notes)
    assert "Happy: 12 (46%)" in joined_notes and "Unhappy: fewer than 5" in joined_notes
    assert ["Happy", "12 (46%)"] in [row for table in tables for row in table]
    assert ["The room", "6"] in [row for table in tables for row in table]
    assert any("“The room is too small 0”" in text for text in texts)
    assert [["You said", "We did"], ["The room is small", "We moved hall"]] in tables


def test_the_word_document_holds_charts_tables_and_you_said_we_did(
    make, spoke, sign_in, db_session
):
    activity = group_with_answers(make, spoke)
    with_theme_and_quote(make, db_session, activity)
    client = sign_in(make.staff("lead", spoke))
    response = client.get(f"/results/activities/{activity.id}/report.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.get_data()))
    assert len(document.inline_shapes) >= 5
    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["Happy", "12 (46%)"] in cells and ["Unhappy", "fewer than 5"] in cells
    assert ["The room is small", "We moved hall"] in cells
    text = "\n".join(p.text for p in document.paragraphs)
    assert "How these figures were made" in text
    assert "The room: “The room is too small 0”" in text
    assert "too small 1" not in text  # only quotes staff picked


def test_the_young_peoples_version_speaks_plainly(make, spoke, sign_in):
    activity = group_with_answers(make, spoke)
    client = sign_in(make.staff("lead", spoke))
    response = client.get(f"/results/activities/{activity.id}/report-for-young-people.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.get_data()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "What you told us: Summer group" in text
    assert "How many of you" in text and "fewer than 5" in text
    assert "Question 1:" not in text  # plain headings, no numbering
    texts, _, pictures, _ = slide_texts(
        client.get(f"/results/activities/{activity.id}/report-for-young-people.pptx").get_data()
    )
    assert pictures >= 5 and "What you told us: Summer group" in texts[0]


def test_each_report_download_is_audited(make, spoke, sign_in, db_session):
    activity = group_with_answers(make, spoke)
    client = sign_in(make.staff("lead", spoke))
    client.get(f"/results/activities/{activity.id}/report.docx")
    client.get(f"/results/activities/{activity.id}/report-for-young-people.pptx")
    events = db_session.execute(
        select(AuditEvent.action, AuditEvent.detail).where(AuditEvent.target_id == activity.id)
    ).all()
    done = [(a, d["audience"]) for a, d in events if a.startswith("export_report")]
    assert ("export_report_docx_started", "staff") in done
    assert ("export_report_docx", "staff") in done
    assert ("export_report_pptx", "young_people") in done


def test_reports_need_a_lead_of_the_service(make, spoke, sign_in, app):
    activity = group_with_answers(make, spoke)
    other = make.service("Elsewhere Spoke")
    assert (
        sign_in(make.staff("lead", other))
        .get(f"/results/activities/{activity.id}/report.pptx")
        .status_code
        == 404
    )
    researcher = sign_in(make.staff("researcher", spoke), into=app.test_client())
    assert researcher.get(f"/results/activities/{activity.id}/report.docx").status_code == 403
    assert (
        sign_in(make.staff("lead", spoke), into=app.test_client()).get(
            f"/results/activities/{activity.id}/report.xls"
        )
    ).status_code == 404


def test_few_answers_give_no_breakdown_in_any_format(make, spoke, sign_in):
    activity = make.activity(spoke, title="Tiny group")
    for _ in range(3):
        make.submission(activity, {0: [{"choice": 4}]})
    client = sign_in(make.staff("lead", spoke))
    _, notes, pictures, _ = slide_texts(
        client.get(f"/results/activities/{activity.id}/report.pptx").get_data()
    )
    assert pictures == 0 and notes == []
    document = Document(
        io.BytesIO(client.get(f"/results/activities/{activity.id}/report.docx").get_data())
    )
    assert "Fewer than 5 young people took part" in "\n".join(p.text for p in document.paragraphs)


def test_a_published_you_said_we_did_shows_at_the_code_until_the_last_day(
    make, spoke, sign_in, app, db_session
):
    activity = group_with_answers(make, spoke)
    db_session.add(Action(activity_id=activity.id, you_said="More trips", we_did="Beach in June"))
    db_session.flush()
    client = app.test_client()
    assert "Beach in June" not in text_of(client.get(f"/j/{activity.join_code}"))
    lead = sign_in(make.staff("lead", spoke), into=app.test_client())
    response = submit_form(
        lead,
        f"/results/activities/{activity.id}/actions/publish",
        {"published": "y", "until": ""},
        form_url=f"/results/activities/{activity.id}/actions",
    )
    assert response.status_code == 302
    shown = text_of(client.get(f"/j/{activity.join_code}"))
    assert "You said, we did" in shown and "Beach in June" in shown and "Take part" in shown
    consent = client.get(f"/j/{activity.join_code}?start=1")
    assert "Beach in June" not in text_of(consent)
    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
    submit_form(
        lead,
        f"/results/activities/{activity.id}/actions/publish",
        {"published": "y", "until": yesterday},
        form_url=f"/results/activities/{activity.id}/actions",
    )
    assert "Beach in June" not in text_of(client.get(f"/j/{activity.join_code}"))
    activity.status = CLOSED
    db_session.flush()
    assert "Beach in June" not in text_of(client.get(f"/j/{activity.join_code}"))


def test_the_you_said_we_did_poster_lists_every_action(make, spoke, sign_in, db_session):
    activity = group_with_answers(make, spoke)
    db_session.add(Action(activity_id=activity.id, you_said="More trips", we_did="Beach in June"))
    db_session.flush()
    client = sign_in(make.staff("lead", spoke))
    response = client.get(f"/results/activities/{activity.id}/you-said-poster.pdf")
    reader = PdfReader(io.BytesIO(response.get_data()))
    text = " ".join(reader.pages[0].extract_text().split())
    assert len(reader.pages) == 1
    assert "More trips" in text and "Beach in June" in text
