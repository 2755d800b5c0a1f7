"""Every PDF the app makes fits its page: no box runs past the page's content area.

Each PDF's HTML is laid out with WeasyPrint (its layout API, as for the real file) and every
box on every page is checked against the page's margins.
"""

from __future__ import annotations

import pytest
from weasyprint import HTML

from participation.activities.kinds import question_spec
from participation.activities.posters import handout_html, local_only_fetcher, poster_html
from participation.exports.summary import activity_report, report_html
from participation.follow_up.you_said import all_actions
from participation.follow_up.you_said import poster_html as you_said_html
from participation.models import Action
from participation.models.enums import QuestionKind

EPSILON = 0.5  # CSS px: rounding in the layout
LONG = "Supercalifragilisticexpialidocious-and-a-very-long-unbroken-word-" * 2
JOIN_URL = "https://participation.example-service-with-a-long-name.org.uk/j/ABCD23"


def overflows(html: str) -> list[str]:
    """Every box that runs past its page's content area, described."""
    document = HTML(string=html, base_url=None, url_fetcher=local_only_fetcher()).render()
    found = []
    for number, page in enumerate(document.pages, start=1):
        box = page._page_box
        left, top = box.margin_left, box.margin_top
        right, bottom = page.width - box.margin_right, page.height - box.margin_bottom
        for child in box.children:
            if type(child).__name__ == "MarginBox":  # page numbers live in the margin
                continue
            for inner in [child, *child.descendants()]:
                x0, y0 = inner.border_box_x(), inner.border_box_y()
                x1, y1 = x0 + inner.border_width(), y0 + inner.border_height()
                outside = x0 < left - EPSILON or x1 > right + EPSILON
                if outside or y0 < top - EPSILON or y1 > bottom + EPSILON:
                    where = (
                        f"x {x0:.1f}–{x1:.1f} of {left:.1f}–{right:.1f}, y to {y1:.1f}/{bottom:.1f}"
                    )
                    found.append(f"page {number}: {type(inner).__name__} {where}")
    return found


@pytest.fixture
def busy_activity(make):
    """An activity with long words everywhere, every kind of question and many answers."""
    spoke = make.service("Millbrook Spoke with a rather long service name")
    questions = [
        question_spec(QuestionKind.EMOJI_SCALE, f"How do you feel about {LONG}?"),
        question_spec(QuestionKind.TRAFFIC_LIGHT, "Do you get a say in what we do?"),
        question_spec(
            QuestionKind.SINGLE_CHOICE, "Would you come again?", options=["Yes", LONG, "No"]
        ),
        question_spec(
            QuestionKind.MULTIPLE_CHOICE,
            "What did you enjoy?",
            options=["Art", "Games", "Food", "Trips", "Music", LONG],
        ),
        question_spec(QuestionKind.FREE_TEXT, "What is hard about taking part?"),
        question_spec(
            QuestionKind.RANKING, "Put these in order", options=["Safe", "Fun", "Learning", LONG]
        ),
        question_spec(QuestionKind.REACH, "", topic="age_band"),
    ]
    activity = make.activity(spoke, title=f"Summer group {LONG}"[:120], questions=questions)
    for number in range(30):
        make.submission(
            activity,
            {
                0: [{"choice": 1 + number % 5}],
                1: [{"choice": 1 + number % 3}],
                2: [{"choice": 1 + number % 3}],
                3: [{"choice": 1 + number % 6}, {"choice": 1 + (number + 1) % 6}],
                5: [{"choice": 1 + (number + n) % 4, "part": n} for n in range(4)],
                6: [{"choice": 1 + number % 4}],
            },
        )
    make.session.add(Action(activity_id=activity.id, you_said=LONG, we_did=f"We did {LONG}"))
    make.session.flush()
    return activity


def test_the_join_poster_fits(app, busy_activity):
    with app.test_request_context():
        assert overflows(poster_html(busy_activity, JOIN_URL)) == []


def test_the_handout_fits_with_both_columns_on_the_page(app, busy_activity):
    with app.test_request_context():
        assert overflows(handout_html(busy_activity, JOIN_URL)) == []


@pytest.mark.parametrize("young_people", [False, True], ids=["summary", "young people"])
def test_the_summary_reports_fit(app, db_session, busy_activity, young_people):
    with app.test_request_context():
        report = activity_report(db_session, busy_activity)
        assert overflows(report_html(report, young_people=young_people)) == []


def test_the_you_said_we_did_poster_fits(app, db_session, busy_activity):
    with app.test_request_context():
        actions = all_actions(db_session, busy_activity)
        assert overflows(you_said_html(busy_activity, actions, JOIN_URL)) == []


def test_the_check_catches_a_box_past_the_margin():
    html = "<style>@page { size: A4; margin: 20mm }</style><p style='width: 900px'>wide</p>"
    assert overflows(html)
