"""The content version counts every change to what young people see, and only that."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import inspect, select, update

from participation.activities import snapshot
from participation.activities.kinds import question_spec
from participation.answering.joining import count_join
from participation.models import (
    Activity,
    ConsentVersion,
    Question,
    RetiredJoinCode,
    Service,
)
from participation.models.activities import CLOSED
from participation.models.enums import QuestionKind


def version(db_session, activity) -> int:
    db_session.flush()
    return db_session.scalar(select(Activity.content_version).where(Activity.id == activity.id))


@pytest.fixture
def activity(make):
    return make.activity(
        questions=[question_spec(QuestionKind.SINGLE_CHOICE, "Again?", options=["Yes", "No"])]
    )


def change_title(activity, db_session):
    activity.title = "Renamed"


def close(activity, db_session):
    activity.status = CLOSED


def change_options(activity, db_session):
    question = activity.questions[0]
    question.options = [*question.options, {"code": 3, "label": "Maybe"}]


def add_question(activity, db_session):
    db_session.add(Question(activity_id=activity.id, position=9, kind="free_text", prompt="More?"))


def remove_question(activity, db_session):
    db_session.delete(activity.questions[0])


def new_consent(activity, db_session):
    db_session.add(ConsentVersion(activity_id=activity.id, version=2, statement="New."))


def retire_code(activity, db_session):
    db_session.add(RetiredJoinCode(code=activity.join_code, activity_id=activity.id))
    activity.join_code = "ZZZZ99"


def own_help_links(activity, db_session):
    activity.signposting = [{"name": "Helpline", "tel": "01632960123"}]


def service_help_links(activity, db_session):
    activity.service.signposting = [{"name": "Service line", "tel": "01632960000"}]


def bulk_update(activity, db_session):
    db_session.execute(update(Activity).where(Activity.id == activity.id).values(one_page=True))


@pytest.mark.parametrize(
    "change",
    [
        change_title,
        close,
        change_options,
        add_question,
        remove_question,
        new_consent,
        retire_code,
        own_help_links,
        service_help_links,
        bulk_update,
    ],
)
def test_every_change_of_content_counts(db_session, activity, change):
    before = version(db_session, activity)
    change(activity, db_session)
    assert version(db_session, activity) == before + 1


def test_joins_and_answers_do_not_count(db_session, activity, make):
    before = version(db_session, activity)
    count_join(db_session, activity.id)
    make.submission(activity, {0: [{"choice": 1}]})
    assert version(db_session, activity) == before


def test_two_changes_in_one_save_count_once_each_flush(db_session, activity):
    before = version(db_session, activity)
    activity.title = "Renamed"
    activity.questions[0].prompt = "Again, really?"
    assert version(db_session, activity) == before + 1


def test_the_snapshot_holds_every_column_young_people_might_be_shown():
    # A new column on these tables must be added to the snapshot (or listed as left out),
    # or young people's pages could not read it.
    pairs = [
        (Activity, snapshot.ActivityData),
        (Question, snapshot.QuestionData),
        (ConsentVersion, snapshot.ConsentData),
        (Service, snapshot.ServiceData),
    ]
    for model, data in pairs:
        columns = {column.key for column in inspect(model).column_attrs}
        left_out = snapshot.NOT_IN_SNAPSHOT.get(model.__tablename__, frozenset())
        kept = {field.name for field in dataclasses.fields(data)}
        assert columns - left_out <= kept, (model.__name__, columns - left_out - kept)


def test_the_snapshot_is_read_only(db_session, activity):
    data = snapshot.current(db_session, activity.id)
    assert data is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.title = "Changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        data.questions[0].options[0]["label"] = "Changed"  # type: ignore[index]
    assert data.questions[0].option_label(1) == "Yes"
    assert data.current_consent is not None
    assert data.consent_version(data.current_consent.id) == data.current_consent
    assert data.consent_version(-1) is None


def test_a_gone_activity_has_no_snapshot(db_session):
    assert snapshot.current(db_session, 987654) is None
    assert snapshot.version_by_code(db_session, "NOSUCH") is None
