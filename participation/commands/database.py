"""`participation db upgrade`: migrate the database, add reference data, and say what was done."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from participation.db import make_engine, session_scope


def current_revision(url: str) -> str | None:
    """The migration the database at `url` is at, or None when it has none (a new database)."""
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def where(url: str) -> str:
    """Where the database at `url` lives, for people: a SQLite file's path, else the URL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or "memory"
    return parsed.render_as_string(hide_password=True)


def upgrade_report(url: str, before: str | None, after: str | None) -> str:
    """One sentence saying what an upgrade from `before` to `after` did."""
    if before is None:
        return f"Created the database at {where(url)} ({after})."
    if before == after:
        return f"The database is up to date ({after})."
    return f"Upgraded the database from {before} to {after}."


@click.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply migrations and add the reference data a fresh database needs."""
    from participation.commands.migrate import upgrade
    from participation.commands.seed import ensure_reference_data

    url = current_app.config["DATABASE_URL"]
    before = current_revision(url)
    upgrade(url, revision)
    with session_scope(current_app) as session:
        ensure_reference_data(session)
    click.echo(upgrade_report(url, before, current_revision(url)))
