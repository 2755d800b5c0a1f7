"""Migrations build exactly the schema the models describe (on SQLite and PostgreSQL)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from participation.commands.migrate import alembic_config
from participation.models import Base


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
