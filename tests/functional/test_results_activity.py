"""An activity's results as staff see them: charts agree with tables, small cells hidden."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from participation.activities.kinds import question_spec
from participation.models import AuditEvent
from participation.models.enums import QuestionKind
from tests.helpers import page, text_of


def chart_rows(section) -> dict[str, str]:
    """{label: what the bar says}, read from the SVG chart's row titles."""
    rows = {}
    for group in section.select("svg.chart g.row"):
        label, _, said = group.find("title").get_text().rpartition(": ")
        rows[label] = said
    return rows


def table_rows(table) -> dict[str, tuple[str, str]]:
    """{label: (count, per cent)} from a results table body."""
    rows = {}
    for tr in table.select("tbody tr"):
        cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        rows[tr.find("th").get_text(" ", strip=True)] = (cells[0], cells[1])
    return rows


def assert_chart_matches_table(section) -> None:
    chart = chart_rows(section)
    table = table_rows(section.find("table"))
    assert list(chart) == list(table)
    for label, (count, percent) in table.items():
        expected = count if not count[0].isdigit() else f"{count} ({percent})"
        assert chart[label] == expected, label
    suppressed = {g.find("title").get_text() for g in section.select("svg.chart g.row.suppressed")}
    assert suppressed == {
        f"{label}: {count}" for label, (count, _) in table.items() if not count[0].isdigit()
    }


@pytest.fixture
def activity(make):
    hub = make.service("Riverside Test Hub", kind="hub")
    spoke = make.service("Millbrook Test Spoke", hub=hub)
    return make.activity(
        spoke,
        title="Group feedback",
        questions=[
            question_spec(QuestionKind.EMOJI_SCALE, "How do you feel about the group?"),
            question_spec(
                QuestionKind.SINGLE_CHOICE, "Would you come again?", options=["Yes", "Maybe", "No"]
            ),
            question_spec(
                QuestionKind.MULTIPLE_CHOICE, "What did you enjoy?", options=["Art", "Games"]
            ),
            question_spec(QuestionKind.FREE_TEXT, "What is hard about taking part?"),
            question_spec(
                QuestionKind.RANKING, "Put in order", options=["Feeling safe", "Having fun"]
            ),
            question_spec(QuestionKind.REACH, "", topic="age_band"),
        ],
    )


def fill(make, activity):
    """13 young people: one small cell in question 1 so a second must be hidden."""
    faces = [3] * 2 + [4] * 5 + [5] * 6
    for index, face in enumerate(faces):
        make.submission(
            activity,
            {
                0: [{"choice": face}],
                1: [{"choice": 1 if index < 8 else 2}],
                2: [{"choice": 1}, {"choice": 2}] if index < 7 else [{"choice": 1}],
                3: [{"text": f"The bus is late number {index}"}] if index < 6 else [],
                4: [{"choice": 1, "part": 0}, {"choice": 2, "part": 1}],
                5: [{"choice": 3 if index < 7 else 99}],
            },
        )


def test_results_show_charts_that_agree_with_their_tables(make, sign_in, activity):
    fill(make, activity)
    client = sign_in(make.staff("lead", activity.service))
    response = client.get(f"/results/activities/{activity.id}")
    assert response.status_code == 200
    doc = page(response)
    assert doc.find(id="submissions").get_text(strip=True) == "13"
    sections = doc.select("section.result")
    faces = sections[0]
    assert_chart_matches_table(faces)
    rows = table_rows(faces.find("table"))
    assert rows["Okay"] == ("fewer than 5", "–")
    assert rows["Happy"] == ("hidden", "–")  # 13 − the shown cells would reveal “Okay”
    assert rows["Really happy"] == ("6", "46%")
    assert rows["Really unhappy"] == ("0", "0%")
    assert faces.find("tfoot").get_text(" ", strip=True).endswith("13 100%")
    assert "4.3 out of 5" in faces.find(attrs={"data-mean": True}).get_text()

    again = sections[1]
    assert_chart_matches_table(again)
    assert table_rows(again.find("table"))["Maybe"] == ("5", "38%")


def test_multiple_choice_ranking_and_reach(make, sign_in, activity):
    fill(make, activity)
    client = sign_in(make.staff("lead", activity.service))
    doc = page(client.get(f"/results/activities/{activity.id}"))
    by_kind = {s["data-kind"]: s for s in doc.select("section.result")}
    enjoyed = table_rows(by_kind["multiple_choice"].find("table"))
    assert enjoyed["Art"] == ("13", "100%") and enjoyed["Games"] == ("7", "54%")
    assert_chart_matches_table(by_kind["multiple_choice"])
    ranking = by_kind["ranking"].find("table")
    first = ranking.select_one('tr[data-key="1"]').find_all("td")
    assert [td.get_text(strip=True) for td in first] == ["13", "100%", "1.0"]
    reach = by_kind["reach"]
    assert doc.find("h2", string="Who took part")
    reach_rows = table_rows(reach.find("table"))
    assert reach_rows["16 or 17"] == ("7", "54%")
    assert reach_rows["Prefer not to say"] == ("6", "46%")
    # Written answers are counted here, never quoted.
    assert "The bus is late" not in doc.get_text()


def test_below_k_nothing_but_a_notice(make, sign_in, activity):
    for _ in range(3):
        make.submission(activity, {0: [{"choice": 5}], 3: [{"text": "Fine"}]})
    client = sign_in(make.staff("lead", activity.service))
    doc = page(client.get(f"/results/activities/{activity.id}"))
    assert doc.find(id="submissions").get_text(strip=True) == "fewer than 5"
    assert doc.find(id="not-enough")
    assert not doc.select("section.result") and not doc.select("svg.chart")


def test_a_hub_lead_sees_a_spokes_results_but_another_spoke_does_not(make, sign_in, activity):
    fill(make, activity)
    hub_lead = make.staff("lead", activity.service.parent)
    assert sign_in(hub_lead).get(f"/results/activities/{activity.id}").status_code == 200


def test_a_lead_of_another_spoke_gets_404(make, sign_in, activity):
    other = make.service("Eastgate Test Spoke", hub=activity.service.parent)
    client = sign_in(make.staff("lead", other))
    assert client.get(f"/results/activities/{activity.id}").status_code == 404
    assert client.get(f"/results/activities/{activity.id}/answers").status_code == 404


def test_written_answers_are_searchable_and_reading_them_is_audited(
    make, sign_in, activity, db_session
):
    fill(make, activity)
    make.submission(activity, {3: [{"text": "Too many forms to fill in"}]})
    lead = make.staff("lead", activity.service)
    client = sign_in(lead)
    results = page(client.get(f"/results/activities/{activity.id}"))
    link = results.find("a", string=re.compile("Read the written answers to question 4"))
    response = client.get(link["href"])
    assert response.status_code == 200
    doc = page(response)
    texts = [b.get_text() for b in doc.select("#main blockquote.answer-text")]
    assert len(texts) == 7 and "Too many forms to fill in" in texts
    searched = page(
        client.get(f"/results/activities/{activity.id}/answers", query_string={"q": "FORMS"})
    )
    assert [b.get_text() for b in searched.select("blockquote.answer-text")] == [
        "Too many forms to fill in"
    ]
    assert "1 answer containing “FORMS”" in searched.find(id="answer-count").get_text()
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "free_text_viewed")
    ).all()
    assert len(events) == 2
    assert all(e.staff_id == lead.id and e.target_id == activity.id for e in events)
    assert events[1].detail["searched"] is True


def test_researchers_see_suppressed_figures_but_never_the_written_answers(make, sign_in, activity):
    fill(make, activity)
    client = sign_in(make.staff("researcher", activity.service.parent))
    response = client.get(f"/results/activities/{activity.id}")
    assert response.status_code == 200
    assert "fewer than 5" in text_of(response)
    assert "Read the written answers" not in text_of(response)
    assert client.get(f"/results/activities/{activity.id}/answers").status_code == 403
    answer_url = f"/results/activities/{activity.id}/answers/1"
    assert client.get(answer_url).status_code == 403
    assert client.get(f"/results/activities/{activity.id}/present").status_code == 403


def test_results_list_shows_each_activity_with_a_suppressed_count(make, sign_in, activity):
    fill(make, activity)
    small = make.activity(activity.service, title="Tiny group")
    make.submission(small, {})
    client = sign_in(make.staff("lead", activity.service))
    doc = page(client.get("/results/activities"))
    rows = {
        tr.find("th").get_text(strip=True): tr.find_all("td")[-1].get_text(strip=True)
        for tr in doc.select("#activities-table tbody tr")
    }
    assert rows == {"Group feedback": "13", "Tiny group": "fewer than 5"}
