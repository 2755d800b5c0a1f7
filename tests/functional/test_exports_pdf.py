"""Summary reports as a lead or researcher gets them: PDF text and CSV figures."""

from __future__ import annotations

import csv
import io
import multiprocessing
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from participation.clock import utcnow
from participation.exports import pdf as pdf_worker
from participation.figures.results import activity_figures
from participation.models import Action, AnswerTheme, AuditEvent, Flag, Theme
from participation.models.submissions import APPROVED
from tests.helpers import page, text_of


@pytest.fixture
def spoke(make):
    return make.service("Millbrook Spoke", hub=make.service("Riverside Hub", kind="hub"))


def pdf_text(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def group_with_answers(make, spoke, **fields):
    fields.setdefault("research_sharing", "ask")  # researchers get nothing when it is off
    activity = make.activity(spoke, title=fields.pop("title", "Summer group"), **fields)
    # Twelve happy, six okay, two unhappy: "unhappy" must read "fewer than 5".
    for _ in range(12):
        make.submission(activity, {0: [{"choice": 4}], 2: [{"choice": 1}]})
    for _ in range(6):
        make.submission(activity, {0: [{"choice": 3}], 2: [{"choice": 1}]})
    for _ in range(2):
        make.submission(activity, {0: [{"choice": 2}], 2: [{"choice": 3}]})
    return activity


def test_the_pdf_shows_title_numbers_charts_and_hides_small_counts(make, spoke, sign_in):
    activity = group_with_answers(make, spoke)
    client = sign_in(make.staff("lead", spoke))
    text = pdf_text(client.get(f"/research/activities/{activity.id}/summary.pdf"))
    assert "Summer group" in text and "Millbrook Spoke" in text
    assert "20 young people took part" in text
    assert "Question 1: How do you feel about the group?" in text
    assert "12 (60%)" in text
    assert "fewer than 5" in text
    assert "How these figures were made" in text and "k = 5" in text


def test_the_summary_csv_has_the_same_figures_as_the_results(make, spoke, sign_in, db_session):
    activity = group_with_answers(make, spoke)
    rows = csv_rows(
        sign_in(make.staff("researcher", spoke)).get(
            f"/research/activities/{activity.id}/summary.csv"
        )
    )
    figures = activity_figures(db_session, activity)
    for result in figures.questions:
        ours = [
            r
            for r in rows
            if r["section"] == "question" and r["question_number"] == str(result.number)
        ]
        assert [(r["answer"], r["shown_as"]) for r in ours] == [
            (row.label, row.cell.display) for row in result.rows
        ]
    unhappy = next(r for r in rows if r["answer"] == "Unhappy" and r["question_number"] == "1")
    assert unhappy["count"] == "" and unhappy["shown_as"] == "fewer than 5"


def test_themes_approved_quotes_and_actions_appear_redacted(make, spoke, sign_in, db_session):
    activity = make.activity(spoke, title="Voice project", research_sharing="ask")
    for _ in range(6):
        make.submission(activity, {0: [{"choice": 4}]})
    quote = make.submission(activity, {4: [{"text": "Ask Jordan on 07700 900123, they helped"}]})
    unapproved = make.submission(activity, {4: [{"text": "Not chosen as a quote"}]})
    flagged = make.submission(activity, {4: [{"text": "A worrying thing happened"}]})
    private = make.submission(
        activity, {4: [{"text": "Said no to sharing"}]}, research_consent=False
    )
    for submission in (quote, flagged, private):
        submission.answers[0].moderation = APPROVED
        submission.answers[0].is_quote = True
    theme = Theme(service_id=spoke.id, name="Feeling heard")
    db_session.add(theme)
    db_session.flush()
    db_session.add_all(
        [
            AnswerTheme(answer_id=quote.answers[0].id, theme_id=theme.id),
            AnswerTheme(answer_id=unapproved.answers[0].id, theme_id=theme.id),
            Flag(
                answer_id=flagged.answers[0].id,
                activity_id=activity.id,
                service_id=spoke.id,
                categories="harm",
            ),
            Action(
                activity_id=activity.id, you_said="More evening sessions", we_did="Added Thursdays"
            ),
        ]
    )
    db_session.flush()
    text = pdf_text(
        sign_in(make.staff("lead", spoke)).get(f"/research/activities/{activity.id}/summary.pdf")
    )
    assert "Ask [name] on [phone], they helped" in text
    assert "Jordan" not in text and "07700" not in text
    assert "Not chosen as a quote" not in text
    assert "A worrying thing happened" not in text
    assert "Said no to sharing" not in text
    assert "Feeling heard" in text  # two answers: "fewer than 5"
    assert "More evening sessions" in text and "Added Thursdays" in text


NASTY_TITLE = "<script>alert(1)</script> =SUM(A1) 😀 \x00end"


def test_html_formulas_null_bytes_and_emoji_are_safe_in_pdf_and_csv(
    make, spoke, sign_in, db_session
):
    activity = group_with_answers(make, spoke, title="Plain title")
    # PostgreSQL cannot store NUL at all (text is also cleaned when it is saved).
    nul = "\x00" if db_session.get_bind().dialect.name == "sqlite" else ""
    activity.questions[0].prompt = NASTY_TITLE.replace("\x00", nul)
    activity.questions[2].options = [
        {"code": 1, "label": "=cmd|' /C calc'!A0"},
        {"code": 2, "label": "<b>Maybe</b>"},
        {"code": 3, "label": f"No {nul} 😀"},
    ]
    quote = make.submission(
        activity, {4: [{"text": f"<img src=x onerror=alert(1)> =1+2 😀{nul} loved it"}]}
    )
    quote.answers[0].is_quote = True
    db_session.flush()
    client = sign_in(make.staff("lead", spoke))
    text = pdf_text(client.get(f"/research/activities/{activity.id}/summary.pdf"))
    assert "<script>alert(1)</script>" in text  # shown as text, not run or dropped
    assert "<img src=x onerror=alert(1)> =1+2" in text and "loved it" in text
    assert "=cmd|' /C calc'!A0" in text
    rows = csv_rows(client.get(f"/research/activities/{activity.id}/summary.csv"))
    answers = {r["answer"] for r in rows}
    assert "'=cmd|' /C calc'!A0" in answers and "<b>Maybe</b>" in answers
    assert not any(value.startswith(("=", "+", "-", "@")) for r in rows for value in r.values())
    assert all("\x00" not in value for r in rows for value in r.values())


def test_a_failed_pdf_gives_a_clear_error_and_the_app_carries_on(make, spoke, sign_in, monkeypatch):
    activity = group_with_answers(make, spoke)
    client = sign_in(make.staff("lead", spoke))

    def too_slow(html: str, timeout: float) -> bytes:
        raise pdf_worker.PdfError("the PDF took longer than 30 seconds")

    monkeypatch.setattr("participation.exports.summary.html_to_pdf", too_slow)
    response = client.get(f"/research/activities/{activity.id}/summary.pdf")
    assert response.status_code == 503
    assert "could not be made" in text_of(response)
    monkeypatch.undo()
    assert client.get("/research/").status_code == 200
    assert pdf_text(client.get(f"/research/activities/{activity.id}/summary.pdf"))


def test_rendering_stops_at_the_time_limit_and_the_next_pdf_still_works():
    renderer = pdf_worker.renderer()
    pdf_worker.html_to_pdf("<html><body><p>Warm up</p></body></html>", timeout=60)
    stuck = renderer.pid
    huge = "<html><body>" + "<table>" + "<tr><td>cell</td></tr>" * 40000 + "</table></body></html>"
    with pytest.raises(pdf_worker.PdfError, match=r"longer than 0\.5 seconds"):
        pdf_worker.html_to_pdf(huge, timeout=0.5)
    assert stuck not in {child.pid for child in multiprocessing.active_children()}
    pdf = pdf_worker.html_to_pdf("<html><body><p>Still working</p></body></html>", timeout=60)
    assert "Still working" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert renderer.pid != stuck


@pytest.mark.parametrize(
    "url", ["http://example.org/logo.png", "https://example.org/x.css", "file:///etc/passwd"]
)
def test_reports_never_fetch_from_the_network_or_disk(url):
    with pytest.raises(ValueError, match="only inline data"):
        pdf_worker._fetcher().fetch(url)


def test_a_service_report_covers_its_activities_in_the_date_range(make, spoke, sign_in, db_session):
    inside = group_with_answers(make, spoke, title="Spring group")
    old = group_with_answers(make, spoke, title="Old group")
    old.created_at = utcnow() - timedelta(days=400)
    old.closed_at = utcnow() - timedelta(days=300)
    elsewhere = group_with_answers(make, make.service("Eastgate Spoke"), title="East group")
    db_session.flush()
    client = sign_in(make.staff("lead", spoke))
    start = (utcnow().date() - timedelta(days=30)).isoformat()
    end = utcnow().date().isoformat()
    text = pdf_text(client.get(f"/research/services/{spoke.id}/summary.pdf?from={start}&to={end}"))
    assert "Service: Millbrook Spoke" in text and "Spring group" in text
    assert "Old group" not in text and "East group" not in text
    assert "Across activities" in text
    rows = csv_rows(client.get(f"/research/services/{spoke.id}/summary.csv?from={start}&to={end}"))
    assert {r["activity"] for r in rows if r["activity"]} == {inside.title}
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "export_summary_csv")
    ).one()
    assert event.detail["scope"] == "service" and event.detail["date_from"] == start
    assert elsewhere.id


def test_a_participation_type_report_keeps_to_the_services_you_see(make, spoke, sign_in):
    mine = group_with_answers(make, spoke, title="Our group", type_name="Workshop day")
    group_with_answers(
        make, make.service("Far Away Spoke"), title="Their group", type_name="Workshop day"
    )
    client = sign_in(make.staff("researcher", spoke))
    text = pdf_text(client.get(f"/research/types/{mine.participation_type_id}/summary.pdf"))
    assert "Participation type: Workshop day" in text
    assert "Our group" in text and "Their group" not in text


def spoke_type(make) -> int:
    return make.participation_type("Workshop day").id


def test_the_report_chooser_explains_mistakes_and_sends_you_to_the_file(make, spoke, sign_in):
    client = sign_in(make.staff("lead", spoke))
    response = client.get("/research/reports?scope=&date_from=2026-02-30&date_to=")
    assert response.status_code == 200
    errors = [a.get_text(strip=True) for a in page(response).select(".error-summary a")]
    assert "Choose a service or a participation type." in errors
    assert "Enter a real date, for example 2026-03-31." in errors
    assert len(errors) == 2  # the format defaults to PDF, as the page shows
    backwards = client.get(
        f"/research/reports?scope=service&service_id={spoke.id}"
        "&date_from=2026-03-10&date_to=2026-03-01&fmt=pdf"
    )
    assert "The end date must be on or after the start date." in text_of(backwards)
    done = client.get(
        f"/research/reports?scope=service&service_id={spoke.id}&date_from=2026-03-01&fmt=csv"
    )
    assert done.status_code == 302
    assert done.headers["Location"].endswith(
        f"/research/services/{spoke.id}/summary.csv?from=2026-03-01"
    )
    by_type = client.get(f"/research/reports?scope=type&type_id={spoke_type(make)}")
    assert by_type.status_code == 302 and "/summary.pdf" in by_type.headers["Location"]
    assert client.get(f"/research/services/{spoke.id}/summary.csv?from=nonsense").status_code == 400


def test_a_report_for_a_service_with_no_activities_still_opens(make, spoke, sign_in):
    client = sign_in(make.staff("lead", spoke))
    text = pdf_text(client.get(f"/research/services/{spoke.id}/summary.pdf"))
    assert "Service: Millbrook Spoke" in text and "0 young people took part" in text
    rows = csv_rows(client.get(f"/research/services/{spoke.id}/summary.csv"))
    assert rows[-1]["section"] == "total" and rows[-1]["count"] == "0"
