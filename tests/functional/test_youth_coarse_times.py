"""Every time a young person's visit leaves in the database is rounded down to the hour."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, select, update
from sqlalchemy.orm import Session

from participation.activities.design import update_settings
from participation.activities.settings import settings_of
from participation.commands.migrate import upgrade
from participation.commands.seed import ensure_reference_data
from participation.db import Base, make_engine
from participation.models import Activity, Flag
from tests.factories import Factory
from tests.functional.youth_journey import Journey, field_name
from tests.helpers import submit_form

FLAGGED_TEXT = "I want to run away from home"


def _snapshot(db: Session) -> dict[str, dict[tuple, dict[str, Any]]]:
    """Every row of every table, by table name and primary key."""
    tables = {}
    for table in Base.metadata.sorted_tables:
        keys = [column.name for column in table.primary_key.columns]
        rows = db.execute(select(table)).mappings().all()
        tables[table.name] = {tuple(row[k] for k in keys): dict(row) for row in rows}
    return tables


def _timestamps_caused(before, after) -> list[tuple[str, str, datetime]]:
    """(table, column, value) of every DateTime value the rows added or changed now hold."""
    found = []
    for table in Base.metadata.sorted_tables:
        columns = [c.name for c in table.columns if isinstance(c.type, DateTime)]
        for key, row in after[table.name].items():
            old = before[table.name].get(key)
            for column in columns:
                value = row[column]
                if value is not None and (old is None or old[column] != value):
                    found.append((table.name, column, value))
    return found


def _send_answers(client, activity: Activity, text: str) -> str:
    """One young person's whole visit; returns the withdrawal code on the thanks page."""
    journey = Journey(client, activity)
    journey.consent(research=False)
    journey.press("next", {field_name(activity.questions[0]): "4"})
    while journey.soup.find(class_="progress"):
        journey.press("next", {field_name(activity.questions[4]): text})
    journey.send()
    return journey.soup.find(id="withdrawal-code").get_text(strip=True)


def test_a_young_persons_journey_leaves_only_times_on_the_hour(client, make, db_session):
    activity = make.activity()
    before = _snapshot(db_session)

    kept_code = _send_answers(client, activity, FLAGGED_TEXT)
    other_code = _send_answers(client, activity, "It was fine")
    response = submit_form(client, "/withdraw", {"code": other_code})
    assert response.status_code in (200, 302)

    after = _snapshot(db_session)
    caused = _timestamps_caused(before, after)
    tables = {table for table, _, _ in caused}
    assert {"submissions", "flags"} <= tables, f"the journey stored nothing to check: {caused}"
    assert len(after["submissions"]) == len(before["submissions"]) + 1, "withdrawal failed"
    assert kept_code != other_code
    not_on_the_hour = [
        (table, column, value)
        for table, column, value in caused
        if (value.minute, value.second, value.microsecond) != (0, 0, 0)
    ]
    assert not_on_the_hour == []


def test_joining_does_not_touch_the_activitys_last_changed_time(client, make, db_session):
    activity = make.activity()
    changed_at = activity.updated_at
    for _ in range(3):
        Journey(client, activity).consent()
    db_session.expire_all()
    activity = db_session.get(Activity, activity.id)
    assert activity.joined_count == 3
    assert activity.updated_at == changed_at


def test_staff_changing_an_activity_still_moves_its_last_changed_time(make, db_session):
    lead = make.staff()
    activity = make.activity(lead.service)
    activity.updated_at = datetime(2026, 1, 5, 9, 30)  # noqa: DTZ001 - stored as naive UTC
    db_session.flush()
    settings = settings_of(activity)
    settings.title = "A new title"
    update_settings(db_session, lead, activity, settings)
    db_session.flush()
    assert activity.updated_at > datetime(2026, 1, 5, 9, 30)  # noqa: DTZ001


def test_a_flag_is_dated_to_the_hour(client, make, db_session):
    activity = make.activity()
    _send_answers(client, activity, FLAGGED_TEXT)
    flag = db_session.scalar(select(Flag).where(Flag.activity_id == activity.id))
    assert flag is not None
    assert (flag.created_at.minute, flag.created_at.second, flag.created_at.microsecond) == (
        0,
        0,
        0,
    )


def test_upgrading_rounds_flag_times_and_last_changes_to_the_hour(empty_database_url):
    url = empty_database_url
    upgrade(url, "0009")  # the schema of today, before the rounding in 0010
    engine = make_engine(url)
    exact = datetime(2026, 3, 4, 15, 47, 12, 345678)  # noqa: DTZ001 - naive UTC
    with Session(engine) as session:
        ensure_reference_data(session)
        make = Factory(session)
        activity = make.activity()
        submission = make.submission(activity, {4: [{"text": FLAGGED_TEXT}]})
        session.add(
            Flag(
                answer_id=submission.answers[0].id,
                activity_id=activity.id,
                service_id=activity.service_id,
                categories="running_away",
                created_at=exact,
            )
        )
        # Through the table, as the 0009 schema has no content version to count the change in.
        session.execute(update(Activity.__table__).values(updated_at=exact))
        session.commit()
    upgrade(url)
    on_the_hour = exact.replace(minute=0, second=0, microsecond=0)
    with Session(engine) as session:
        assert session.scalars(select(Flag.created_at)).all() == [on_the_hour]
        assert session.scalars(select(Activity.updated_at)).all() == [on_the_hour]
    engine.dispose()
