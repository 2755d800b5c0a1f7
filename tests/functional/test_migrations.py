"""Migrations build exactly the schema the models describe (on SQLite and PostgreSQL)."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from participation.commands.demo import load_demo
from participation.commands.migrate import alembic_config, upgrade
from participation.db import make_engine
from participation.models import Base, Flag
from participation.models.enums import QuestionKind


def test_migrated_database_matches_the_models(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_migrations_form_one_numbered_line(database_url):
    script = ScriptDirectory.from_config(alembic_config(database_url))
    heads = script.get_heads()
    assert len(heads) == 1
    revisions = list(script.walk_revisions())
    for revision in revisions:
        assert revision.revision[:4].isdigit(), revision.revision
        assert revision.doc, f"migration {revision.revision} needs a description"


def _row_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        counts = {
            table.name: conn.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
            if sa_inspect(conn).has_table(table.name)
        }
    engine.dispose()
    return counts


def test_downgrading_and_upgrading_a_database_in_use_keeps_every_row(empty_database_url):
    # Rebuilding a table on SQLite once cascaded deletes through foreign keys: every
    # migration since 0003 is run down and up again over the demo data.
    url = empty_database_url
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        load_demo(session)
        session.commit()
    engine.dispose()
    before = _row_counts(url)
    assert before["answers"] > 1000 and before["flags"] > 0

    command.downgrade(alembic_config(url), "0003")
    kept = _row_counts(url).keys()  # tables made after 0003 go with their migration
    upgrade(url)

    after = _row_counts(url)
    assert {table: after[table] for table in kept} == {table: before[table] for table in kept}


@pytest.mark.parametrize(
    ("table", "column", "bad_value"),
    [
        ("questions", "kind", "poll"),
        ("activities", "status", "paused"),
        ("staff", "role", "superuser"),
        ("flags", "status", "ignored"),
    ],
)
def test_the_database_refuses_values_outside_each_vocabulary(
    db_session, make, table, column, bad_value
):
    spoke = make.service()
    activity = make.activity(spoke, questions=[{"kind": QuestionKind.FREE_TEXT, "prompt": "Why?"}])
    make.staff("lead", spoke)
    submission = make.submission(activity, {0: [{"text": "Someone hurts me at home"}]})
    answer = submission.answers[0]
    db_session.add(
        Flag(answer_id=answer.id, activity_id=activity.id, service_id=spoke.id, categories="x")
    )
    db_session.flush()
    statement = text(f"UPDATE {table} SET {column} = :bad")  # noqa: S608 - names from the list above
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.execute(statement, {"bad": bad_value})
