"""Result figures: counts from SQL, every cell suppressed, means only when n >= k."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete

from participation.activities.kinds import question_spec
from participation.clock import to_hour, utcnow
from participation.figures.dashboard import DashboardFilters, dashboard_figures
from participation.figures.results import PASSED, activity_figures, cell_text, question_bars
from participation.models import Answer, Submission
from participation.models.activities import CLOSED
from participation.models.enums import QuestionKind


def answers(make, activity, rows: list[dict[int, list[dict]]]):
    """Add one submission per item of `rows`."""
    for values in rows:
        make.submission(activity, values)


def by_key(result):
    return {row.key: row.cell for row in result.rows}


@pytest.fixture
def scale_activity(make):
    return make.activity(questions=[question_spec(QuestionKind.EMOJI_SCALE, "How was it?")])


def test_one_small_cell_hides_a_second_so_the_total_cannot_reveal_it(
    make, db_session, scale_activity
):
    picks = [3] * 2 + [4] * 5 + [5] * 6
    answers(make, scale_activity, [{0: [{"choice": c}]} for c in picks])
    result = activity_figures(db_session, scale_activity).questions[0]
    cells = by_key(result)
    assert cells[3].display == "fewer than 5"
    assert cells[4].suppressed and cells[4].secondary and cells[4].display == "hidden"
    assert cells[5].count == 6
    assert cells[1].count == 0 and cells[2].count == 0
    assert cells[PASSED].count == 0
    assert result.total.count == 13
    # Mean of everyone's answers, since 13 >= k.
    assert result.mean == pytest.approx((3 * 2 + 4 * 5 + 5 * 6) / 13)
    assert result.scale_max == 5


def test_passing_is_a_row_and_percentages_are_of_everyone(make, db_session, scale_activity):
    answers(make, scale_activity, [{0: [{"choice": 5}]}] * 6 + [{}] * 5)
    result = activity_figures(db_session, scale_activity).questions[0]
    cells = by_key(result)
    assert cells[5].count == 6 and cells[5].percent == pytest.approx(100 * 6 / 11)
    assert cells[PASSED].count == 5
    assert result.answered.count == 6 and result.passed.count == 5
    assert result.total.count == 11


def test_fewer_than_k_hides_everything_and_no_mean(make, db_session, scale_activity):
    answers(make, scale_activity, [{0: [{"choice": 4}]}] * 3)
    figures = activity_figures(db_session, scale_activity)
    result = figures.questions[0]
    assert not figures.enough_answers
    assert figures.submissions.display == "fewer than 5"
    assert all(row.cell.suppressed for row in result.rows)
    assert result.mean is None
    assert result.answered.suppressed


def test_means_respect_the_activity_k(make, db_session):
    activity = make.activity(
        questions=[question_spec(QuestionKind.EMOJI_SCALE, "How?")], k_threshold=8
    )
    answers(make, activity, [{0: [{"choice": 4}]}] * 7)
    assert activity_figures(db_session, activity).questions[0].mean is None
    make.submission(activity, {0: [{"choice": 4}]})
    result = activity_figures(db_session, activity).questions[0]
    assert result.mean == pytest.approx(4.0)
    assert result.k == 8


def test_multiple_choice_counts_people_who_answered_as_the_total(make, db_session):
    activity = make.activity(
        questions=[
            question_spec(QuestionKind.MULTIPLE_CHOICE, "Enjoy?", options=["Art", "Games", "Food"])
        ]
    )
    answers(make, activity, [{0: [{"choice": 1}, {"choice": 2}]}] * 6 + [{0: [{"choice": 1}]}] * 4)
    answers(make, activity, [{}] * 5)
    result = activity_figures(db_session, activity).questions[0]
    cells = by_key(result)
    assert result.answered.count == 10
    assert result.total.count == 10
    assert cells[1].count == 10 and cells[1].percent == pytest.approx(100.0)
    assert cells[2].count == 6 and cells[2].percent == pytest.approx(60.0)
    assert cells[3].count == 0
    assert result.passed.count == 5
    assert PASSED not in cells


def test_multiple_choice_hides_percentages_when_the_answered_count_is_hidden(make, db_session):
    activity = make.activity(
        questions=[question_spec(QuestionKind.MULTIPLE_CHOICE, "Enjoy?", options=["Art", "Games"])]
    )
    answers(make, activity, [{0: [{"choice": 1}, {"choice": 2}]}] * 9 + [{}] * 2)
    result = activity_figures(db_session, activity).questions[0]
    assert result.passed.display == "fewer than 5"
    assert result.answered.display == "hidden"
    assert result.total.suppressed
    assert all(row.cell.percent is None for row in result.rows)
    assert by_key(result)[1].count == 9


def test_ranking_mean_place_and_first_places(make, db_session):
    activity = make.activity(
        questions=[
            question_spec(QuestionKind.RANKING, "Order", options=["Safe", "Fun", "Learning"])
        ]
    )
    order_a = [{"choice": 1, "part": 0}, {"choice": 2, "part": 1}, {"choice": 3, "part": 2}]
    order_b = [{"choice": 2, "part": 0}, {"choice": 1, "part": 1}, {"choice": 3, "part": 2}]
    answers(make, activity, [{0: order_a}] * 6 + [{0: order_b}] * 5 + [{}])
    result = activity_figures(db_session, activity).questions[0]
    rows = {row.key: row for row in result.rows}
    assert rows[1].cell.count == 6 and rows[3].cell.count == 0
    assert rows[PASSED].cell.display == "fewer than 5"
    # One hidden cell beside a shown total: the smallest other count is hidden too.
    assert rows[2].cell.display == "hidden"
    assert result.answered.display == "hidden"  # it would reveal the one who passed
    assert rows[1].mean_rank == pytest.approx((6 * 1 + 5 * 2) / 11)
    assert rows[2].mean_rank == pytest.approx((6 * 2 + 5 * 1) / 11)
    assert rows[3].mean_rank == pytest.approx(3.0)


def test_text_questions_count_writers_and_boxes(make, db_session):
    activity = make.activity(
        questions=[
            question_spec(QuestionKind.FREE_TEXT, "Hard?"),
            question_spec(QuestionKind.THREE_BOXES, "Group"),
        ]
    )
    rows = [{0: [{"text": "words"}], 1: [{"part": 0, "text": "a"}, {"part": 2, "text": "c"}]}] * 6
    answers(make, activity, [*rows, {1: [{"part": 1, "text": "b"}]}])
    free, boxes = activity_figures(db_session, activity).questions
    assert free.passed.display == "fewer than 5"
    assert free.answered.display == "hidden"  # 7 took part, so it would reveal the one
    assert boxes.answered.count == 7
    box_cells = {row.key: row.cell for row in boxes.boxes}
    assert box_cells[0].count == 6 and box_cells[2].count == 6
    assert box_cells[1].display == "fewer than 5"
    assert free.is_text and not free.is_charted


def test_reach_questions_are_a_breakdown(make, db_session):
    activity = make.activity(questions=[question_spec(QuestionKind.REACH, "", topic="age_band")])
    answers(make, activity, [{0: [{"choice": 2}]}] * 7 + [{0: [{"choice": 99}]}] * 5)
    figures = activity_figures(db_session, activity)
    assert figures.reach == figures.questions and not figures.main
    cells = by_key(figures.reach[0])
    assert cells[2].count == 7 and cells[99].count == 5
    assert figures.reach[0].mean is None


def test_chart_bars_say_what_the_table_says(make, db_session, scale_activity):
    answers(make, scale_activity, [{0: [{"choice": c}]} for c in [3] * 2 + [4] * 5 + [5] * 6])
    result = activity_figures(db_session, scale_activity).questions[0]
    bars = question_bars(result)
    assert [bar.label for bar in bars] == [row.label for row in result.rows]
    for bar, row in zip(bars, result.rows, strict=True):
        assert bar.display == cell_text(row.cell)
        assert bar.value == (None if row.cell.suppressed else row.cell.count)


def test_figures_follow_new_and_withdrawn_submissions(make, db_session, scale_activity):
    answers(make, scale_activity, [{0: [{"choice": 5}]}] * 6)
    assert activity_figures(db_session, scale_activity).questions[0].total.count == 6
    last = make.submission(scale_activity, {0: [{"choice": 1}]})
    assert by_key(activity_figures(db_session, scale_activity).questions[0])[1].display == (
        "fewer than 5"
    )
    db_session.execute(delete(Answer).where(Answer.submission_id == last.id))
    db_session.execute(delete(Submission).where(Submission.id == last.id))
    db_session.expire_all()
    result = activity_figures(db_session, scale_activity).questions[0]
    assert result.total.count == 6 and by_key(result)[1].count == 0


def test_counts_kept_between_requests_follow_every_kind_of_change(make, db_session):
    questions = [
        question_spec(QuestionKind.EMOJI_SCALE, "How was it?"),
        question_spec(QuestionKind.MULTIPLE_CHOICE, "What did you do?", options=["Art", "Games"]),
    ]
    activity = make.activity(questions=questions, k_threshold=1)

    def send(face, picks=()):
        return make.submission(
            activity, {0: [{"choice": face}], 1: [{"choice": pick} for pick in picks]}
        )

    def withdraw(submission):
        db_session.execute(delete(Answer).where(Answer.submission_id == submission.id))
        db_session.execute(delete(Submission).where(Submission.id == submission.id))
        db_session.expire_all()

    def seen():
        faces, picks = activity_figures(db_session, activity).questions
        counted = {key: cell.count for key, cell in by_key(faces).items() if cell.count}
        return counted, {key: cell.count for key, cell in by_key(picks).items()}, picks.total.count

    first = send(4, [1])
    second = send(4, [1, 2])
    assert seen() == ({4: 2}, {1: 2, 2: 1}, 2)
    send(5)  # only new submissions: counted on from what was kept
    newest = send(5, [2])
    assert seen() == ({4: 2, 5: 2}, {1: 2, 2: 2}, 3)
    withdraw(first)  # an older one gone and one more sent: the count alone cannot tell
    send(1, [1])
    assert seen() == ({4: 1, 5: 2, 1: 1}, {1: 2, 2: 2}, 3)
    withdraw(newest)
    assert seen() == ({4: 1, 5: 1, 1: 1}, {1: 2, 2: 1}, 2)
    send(2)
    latest = send(2, [2])
    assert seen() == ({4: 1, 5: 1, 1: 1, 2: 2}, {1: 2, 2: 2}, 3)
    withdraw(latest)  # the newest gone (SQLite gives its id to the next one) and two more
    send(3, [1])
    send(3)
    assert seen() == ({4: 1, 5: 1, 1: 1, 2: 1, 3: 2}, {1: 3, 2: 1}, 3)
    withdraw(second)  # an older one gone and two more sent: one more in all
    send(1)
    send(1)
    assert seen() == ({5: 1, 1: 3, 2: 1, 3: 2}, {1: 2, 2: 0}, 2)


# --- dashboard ---------------------------------------------------------------------------


@pytest.fixture
def network(make):
    hub = make.service("Test Hub", kind="hub")
    north = make.service("North Spoke", hub=hub)
    south = make.service("South Spoke", hub=hub)
    return hub, north, south


def scale_submissions(make, activity, picks):
    for pick in picks:
        make.submission(activity, {0: [{"choice": pick}]} if pick else {})


def test_dashboard_groups_by_type_then_service_for_a_hub(make, db_session, network):
    hub, north, south = network
    q = [question_spec(QuestionKind.EMOJI_SCALE, "How do you feel about the group?")]
    scale_submissions(make, make.activity(north, questions=q), [4] * 10)
    scale_submissions(make, make.activity(south, questions=q), [2] * 3)
    scale_submissions(make, make.activity(hub, questions=q, type_name="Workshop day"), [5] * 6)
    board = dashboard_figures(db_session, make.staff("lead", hub), DashboardFilters())
    names = [group.type_name for group in board.groups]
    assert names == ["Group work", "Workshop day"]  # the taxonomy's order
    group = board.groups[0]
    lines = {line.service_name: line for line in group.services}
    assert set(lines) == {"North Spoke", "South Spoke"}
    assert lines["South Spoke"].submissions.display == "fewer than 5"
    assert lines["North Spoke"].submissions.display == "hidden"  # or South = 13 - 10
    assert group.total.count == 13 and group.submissions.count == 13
    assert lines["South Spoke"].means[0].mean is None  # only 3 answered
    assert lines["North Spoke"].means[0].mean == pytest.approx(4.0)
    assert group.means[0].mean == pytest.approx((40 + 6) / 13)
    assert group.common_questions[0].activities == 2
    assert board.submissions.count == 19
    assert board.activities == 3


def test_dashboard_for_a_spoke_shows_only_that_spoke(make, db_session, network):
    _hub, north, south = network
    q = [question_spec(QuestionKind.EMOJI_SCALE, "How?")]
    scale_submissions(make, make.activity(north, questions=q), [4] * 6)
    scale_submissions(make, make.activity(south, questions=q), [4] * 6)
    board = dashboard_figures(db_session, make.staff("lead", north), DashboardFilters())
    assert [line.service_name for g in board.groups for line in g.services] == ["North Spoke"]
    assert board.submissions.count == 6


def test_a_type_hidden_in_the_totals_hides_its_services_too(make, db_session, network):
    _hub, north, south = network
    q = [question_spec(QuestionKind.EMOJI_SCALE, "How?")]
    scale_submissions(make, make.activity(north, questions=q), [4] * 20)
    scale_submissions(make, make.activity(north, questions=q, type_name="Peer-led"), [4] * 3)
    scale_submissions(make, make.activity(south, questions=q, type_name="Peer-led"), [])
    scale_submissions(make, make.activity(south, questions=q, type_name="Workshop day"), [4] * 9)
    board = dashboard_figures(db_session, make.staff("admin"), DashboardFilters())
    groups = {g.type_name: g for g in board.groups}
    assert groups["Peer-led"].submissions.display == "fewer than 5"
    assert groups["Workshop day"].submissions.display == "hidden"
    assert all(line.submissions.suppressed for line in groups["Workshop day"].services)
    assert groups["Group work"].submissions.count == 20
    assert board.submissions.count == 32


def test_dashboard_filters(make, db_session, network):
    hub, north, south = network
    q = [question_spec(QuestionKind.SINGLE_CHOICE, "Again?", options=["Yes", "No"])]
    old = make.activity(north, questions=q, status=CLOSED)
    scale_submissions(make, old, [1] * 6)
    for submission in db_session.query(Submission).filter_by(activity_id=old.id):
        submission.submitted_hour = to_hour(utcnow() - timedelta(days=100))
    scale_submissions(make, make.activity(south, questions=q), [1] * 7)
    db_session.flush()
    staff = make.staff("lead", hub)
    recent = DashboardFilters(date_from=utcnow().date() - timedelta(days=30))
    assert dashboard_figures(db_session, staff, recent).submissions.count == 7
    closed = dashboard_figures(db_session, staff, DashboardFilters(status=CLOSED))
    assert closed.submissions.count == 6 and closed.activities == 1
    only_south = dashboard_figures(db_session, staff, DashboardFilters(service_id=south.id))
    assert only_south.submissions.count == 7
    other_type = make.participation_type("Peer-led").id
    assert not dashboard_figures(db_session, staff, DashboardFilters(type_id=other_type)).groups


def test_passed_share_needs_k_young_people(make, db_session, network):
    hub, north, _ = network
    q = [
        question_spec(QuestionKind.EMOJI_SCALE, "How?"),
        question_spec(QuestionKind.SINGLE_CHOICE, "Again?", options=["Y"]),
    ]
    activity = make.activity(north, questions=q)
    for _ in range(8):
        make.submission(activity, {0: [{"choice": 3}]})  # everyone passes question 2
    group = dashboard_figures(db_session, make.staff("lead", hub), DashboardFilters()).groups[0]
    assert group.passed_percent == pytest.approx(50.0)
