"""Checking, storing and withdrawing submissions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from participation.activities.codes import hash_withdrawal_code, new_idempotency_key
from participation.activities.kinds import PREFER_NOT_TO_SAY, question_spec
from participation.answering import submissions
from participation.answering.submissions import (
    ActivityNotAccepting,
    InvalidAnswers,
    WithdrawOutcome,
    clean_text,
    record_submission,
    validate_answers,
    withdraw,
)
from participation.clock import utcnow
from participation.models import Answer, AuditEvent, Flag, SafeguardingPhrase, Submission
from participation.models.activities import CLOSED
from participation.models.enums import QuestionKind
from participation.models.submissions import PENDING
from participation.safeguarding.queue import record_outcome
from tests.conftest import TEST_SECRET


def at(*parts: int) -> datetime:
    """A naive UTC datetime, as the app stores them."""
    return datetime(*parts, tzinfo=UTC).replace(tzinfo=None)


def ids(activity):
    """Question ids by position."""
    return [q.id for q in activity.questions]


def full_answers(activity):
    """A valid answer to every question of the every-kind activity."""
    q = ids(activity)
    return {
        q[0]: 4,
        q[1]: "3",
        q[2]: 1,
        q[3]: [1, "3"],
        q[4]: "The art was fun",
        q[5]: ["Trips", "", "Later sessions"],
        q[6]: {"2": 1, "3": "2", "1": 3},
        q[7]: PREFER_NOT_TO_SAY,
    }


def store(db_session, activity, answers, key=None, **kw):
    return record_submission(
        db_session,
        activity,
        activity.current_consent,
        kw.pop("research", False),
        answers,
        key or new_idempotency_key(),
        TEST_SECRET,
        **kw,
    )


def rows_of(db_session, submission_id):
    return db_session.execute(
        select(Answer.question_id, Answer.part, Answer.choice, Answer.text, Answer.moderation)
        .where(Answer.submission_id == submission_id)
        .order_by(Answer.question_id, Answer.part, Answer.choice)
    ).all()


def test_every_kind_is_stored_as_the_answer_model_describes(make, db_session):
    activity = make.activity()
    q = ids(activity)
    result = store(db_session, activity, full_answers(activity), research=True)
    assert result.created and not result.flagged
    assert result.submission.research_consent is True
    assert rows_of(db_session, result.submission.id) == [
        (q[0], 0, 4, None, None),
        (q[1], 0, 3, None, None),
        (q[2], 0, 1, None, None),
        (q[3], 0, 1, None, None),
        (q[3], 0, 3, None, None),
        (q[4], 0, None, "The art was fun", PENDING),
        (q[5], 0, None, "Trips", PENDING),
        (q[5], 2, None, "Later sessions", PENDING),
        (q[6], 0, 2, None, None),
        (q[6], 1, 3, None, None),
        (q[6], 2, 1, None, None),
        (q[7], 0, PREFER_NOT_TO_SAY, None, None),
    ]


def test_passed_questions_store_no_rows(make, db_session):
    activity = make.activity()
    q = ids(activity)
    answers = {q[0]: None, q[1]: "", q[3]: [], q[4]: "   ", q[5]: ["", "", ""], q[6]: {}}
    result = store(db_session, activity, answers)
    assert rows_of(db_session, result.submission.id) == []


def test_stored_hour_is_rounded_and_code_only_kept_as_a_keyed_hash(make, db_session):
    activity = make.activity()
    now = at(2026, 3, 4, 15, 47, 12, 345)
    result = store(db_session, activity, {}, now=now)
    submission = result.submission
    assert submission.submitted_hour == at(2026, 3, 4, 15)
    assert result.withdrawal_code
    assert result.withdrawal_code not in submission.withdrawal_code_hash
    assert submission.withdrawal_code_hash == hash_withdrawal_code(
        result.withdrawal_code, TEST_SECRET
    )


def test_the_same_key_twice_stores_one_submission(make, db_session):
    activity = make.activity()
    key = new_idempotency_key()
    first = store(db_session, activity, full_answers(activity), key, withdrawal_code="a-b-c-d")
    again = store(db_session, activity, full_answers(activity), key, withdrawal_code="a-b-c-d")
    assert first.created and not again.created
    assert again.submission.id == first.submission.id
    assert again.withdrawal_code == "a-b-c-d"
    count = db_session.scalar(
        select(func.count()).select_from(Submission).where(Submission.activity_id == activity.id)
    )
    assert count == 1


def test_a_racing_insert_with_the_same_key_returns_the_winner(make, db_session):
    activity = make.activity()
    key = new_idempotency_key()
    # Another worker's row with the same key, stored between this worker's check and insert.
    winner_id = db_session.execute(
        insert(Submission)
        .values(
            activity_id=activity.id,
            consent_version_id=activity.current_consent.id,
            research_consent=False,
            withdrawal_code_hash=hash_withdrawal_code("a-b-c-d", TEST_SECRET),
            idempotency_key=key,
            submitted_hour=at(2026, 3, 4, 15),
        )
        .returning(Submission.id)
    ).scalar_one()
    again = store(db_session, activity, {ids(activity)[0]: 2}, key, withdrawal_code="a-b-c-d")
    assert not again.created
    assert again.submission_id == winner_id
    assert again.withdrawal_code == "a-b-c-d"
    assert rows_of(db_session, winner_id) == []


@pytest.mark.parametrize(
    ("position", "value"),
    [
        (0, 6),
        (0, "happy"),
        (0, True),
        (1, [1, 2]),
        (2, 0),
        (3, [1, 9]),
        (3, [1, 2, 3]),
        (6, {"1": 1, "2": 1, "3": 2}),
        (6, {"1": 1, "2": 4, "3": 2}),
        (6, {"1": 1}),
        (6, {"7": 1, "1": 2, "2": 3}),
        (6, [1, 2, 3]),
        (5, ["a", "b", "c", "d"]),
        (5, "not a list"),
        (7, 5),
    ],
)
def test_values_that_do_not_fit_the_question_are_refused(make, db_session, position, value):
    activity = make.activity()
    question = activity.questions[position]
    with pytest.raises(InvalidAnswers) as raised:
        store(db_session, activity, {question.id: value})
    assert (question.id, None) in raised.value.errors
    assert (
        db_session.scalar(
            select(func.count())
            .select_from(Submission)
            .where(Submission.activity_id == activity.id)
        )
        == 0
    )


def test_choices_from_another_activity_are_refused(make, db_session):
    activity = make.activity()
    other = make.activity(
        questions=[question_spec("single_choice", "Other", options=[str(i) for i in range(9)])]
    )
    _, errors = validate_answers(activity, {other.questions[0].id: 1})
    assert set(errors) == {(other.questions[0].id, None)}
    _, errors = validate_answers(activity, {activity.questions[2].id: 9})
    assert set(errors) == {(activity.questions[2].id, None)}


def test_unknown_question_ids_are_refused(make, db_session):
    activity = make.activity()
    _, errors = validate_answers(activity, {"999999": 1, "nonsense": "x"})
    assert (999999, None) in errors


def test_ranking_with_one_item_left_fills_in_the_last_place(make, db_session):
    activity = make.activity()
    ranking = activity.questions[6]
    rows, errors = validate_answers(activity, {ranking.id: {"3": 1, "1": 2}})
    assert not errors
    assert [(r.part, r.choice) for r in rows] == [(0, 3), (1, 1), (2, 2)]


def test_text_over_the_limit_is_refused_per_box(make, db_session):
    activity = make.activity()
    free, boxes = activity.questions[4], activity.questions[5]
    _, errors = validate_answers(activity, {free.id: "x" * 201, boxes.id: ["ok", "y" * 1001]})
    assert errors[(free.id, None)].startswith("Your answer has 201 characters")
    assert (boxes.id, 1) in errors and (boxes.id, 0) not in errors


def test_text_is_cleaned_but_right_to_left_and_emoji_are_kept():
    assert clean_text("  hel\x00lo\r\nthere\x07 ") == "hello\nthere"
    mixed = "مرحبا 👋🏽 שלום \u200fok 👩‍👩‍👧"
    assert clean_text(mixed) == mixed
    assert clean_text(None) == ""


def test_closed_activity_refuses_new_answers_but_returns_an_existing_one(make, db_session):
    activity = make.activity()
    key = new_idempotency_key()
    first = store(db_session, activity, {}, key)
    activity.status = CLOSED
    db_session.flush()
    assert store(db_session, activity, {}, key).submission.id == first.submission.id
    with pytest.raises(ActivityNotAccepting):
        store(db_session, activity, {})


def test_consent_version_and_key_must_fit(make, db_session):
    activity, other = make.activity(), make.activity()
    with pytest.raises(ValueError, match="idempotency"):
        store(db_session, activity, {}, key="short")
    with pytest.raises(ValueError, match="consent"):
        record_submission(
            db_session, activity, other.current_consent, False, {}, new_idempotency_key(), "s"
        )


def test_possible_disclosures_are_flagged_for_the_service(make, db_session):
    activity = make.activity()
    q = ids(activity)
    answers = {
        q[4]: "Sometimes I want to run away from everything",
        q[5]: ["Food", "I don't feel safe at home", ""],
    }
    result = store(db_session, activity, answers)
    assert result.flagged
    assert set(result.categories) == {"missing_trafficking", "immediate_danger"}
    flags = db_session.execute(
        select(Flag.categories, Flag.service_id, Flag.activity_id, Answer.text)
        .join(Answer, Answer.id == Flag.answer_id)
        .where(Flag.activity_id == activity.id)
        .order_by(Answer.question_id)
    ).all()
    assert flags == [
        ("missing_trafficking", activity.service_id, activity.id, answers[q[4]]),
        ("immediate_danger", activity.service_id, activity.id, "I don't feel safe at home"),
    ]
    again = store(db_session, activity, {}, result.submission.idempotency_key)
    assert again.flagged


def test_only_active_phrases_flag_and_changes_are_picked_up(make, db_session):
    activity = make.activity(questions=[question_spec(QuestionKind.FREE_TEXT, "Anything else?")])
    qid = activity.questions[0].id
    text = "The minibus is a purple giraffe"
    assert not store(db_session, activity, {qid: text}).flagged
    phrase = SafeguardingPhrase(category="violence", phrase="purple giraffe")
    db_session.add(phrase)
    db_session.flush()
    assert store(db_session, activity, {qid: text}).flagged
    phrase.is_active = False
    db_session.flush()
    assert not store(db_session, activity, {qid: text}).flagged


def test_the_matcher_is_compiled_once_while_phrases_stay_the_same(make, db_session, monkeypatch):
    compiled = []
    real = submissions.compile_matcher

    def counting(pairs):
        compiled.append(1)
        return real(pairs)

    monkeypatch.setattr(submissions, "compile_matcher", counting)
    db_session.add(SafeguardingPhrase(category="violence", phrase="orange walrus"))
    db_session.flush()
    first = submissions.active_matcher(db_session)
    for _ in range(3):
        assert submissions.active_matcher(db_session) is first
    assert len(compiled) == 1


def test_withdraw_deletes_the_submission_and_its_answers(make, db_session):
    activity = make.activity()
    q = ids(activity)
    result = store(db_session, activity, {q[4]: "I want to run away", q[0]: 3})
    kept = store(db_session, activity, {q[0]: 5})
    submission_id = result.submission.id
    outcome = withdraw(db_session, result.withdrawal_code.upper().replace("-", " "), TEST_SECRET)
    assert outcome == WithdrawOutcome.WITHDRAWN
    assert db_session.get(Submission, submission_id) is None
    assert rows_of(db_session, submission_id) == []
    assert (
        db_session.scalar(
            select(func.count()).select_from(Flag).where(Flag.activity_id == activity.id)
        )
        == 0
    )
    assert rows_of(db_session, kept.submission.id)
    assert withdraw(db_session, result.withdrawal_code, TEST_SECRET) == WithdrawOutcome.NOT_FOUND


def test_withdraw_too_late_or_unknown(make, db_session):
    activity = make.activity(withdrawal_days=28)
    result = store(db_session, activity, {}, now=utcnow() - timedelta(days=29))
    assert withdraw(db_session, result.withdrawal_code, TEST_SECRET) == WithdrawOutcome.TOO_LATE
    assert db_session.get(Submission, result.submission.id) is not None
    assert withdraw(db_session, "otter-maple-kite-river", TEST_SECRET) == WithdrawOutcome.NOT_FOUND
    assert withdraw(db_session, "", TEST_SECRET) == WithdrawOutcome.NOT_FOUND
    assert withdraw(db_session, "x" * 5000, TEST_SECRET) == WithdrawOutcome.NOT_FOUND


def test_withdraw_on_the_last_day_of_the_window(make, db_session):
    activity = make.activity(withdrawal_days=1)
    submitted = at(2026, 5, 1, 10, 59)
    result = store(db_session, activity, {}, now=submitted)
    code = result.withdrawal_code
    late = at(2026, 5, 2, 11, 0)
    assert withdraw(db_session, code, TEST_SECRET, now=late) == WithdrawOutcome.TOO_LATE
    on_time = at(2026, 5, 2, 10, 59)
    assert withdraw(db_session, code, TEST_SECRET, now=on_time) == WithdrawOutcome.WITHDRAWN


def test_withdrawing_removes_a_flag_but_not_the_record_of_what_staff_did(make, db_session):
    activity = make.activity(questions=[question_spec(QuestionKind.FREE_TEXT, "Anything else?")])
    lead = make.staff(service=activity.service, safeguarding=True)
    answer = {activity.questions[0].id: "I don't feel safe at home"}
    result = store(db_session, activity, answer)
    code = result.withdrawal_code
    flag = db_session.scalar(select(Flag).where(Flag.activity_id == activity.id))
    record_outcome(db_session, flag, lead, "referred", "Talked with the group's worker.")
    db_session.flush()

    assert withdraw(db_session, code, TEST_SECRET) == WithdrawOutcome.WITHDRAWN
    db_session.flush()
    assert db_session.get(Submission, result.submission_id) is None
    assert db_session.scalar(select(func.count()).select_from(Flag)) == 0
    trail = db_session.execute(
        select(AuditEvent.action, AuditEvent.detail).where(AuditEvent.staff_id == lead.id)
    ).all()
    assert trail == [("flag_reviewed", {"outcome": "referred", "previous": "new"})]
    assert "safe at home" not in str(trail)
