"""`participation backup`: a consistent copy of a live SQLite database.

SQLite is copied with the online backup API, so the app keeps serving (WAL readers never
block writers) and the copy is one consistent snapshot. PostgreSQL is backed up with its
own tools; for it the command prints the `pg_dump` line to use and exits non-zero.

Restore a SQLite backup: stop the app, copy the backup file over the database file, delete
any `-wal` and `-shm` files beside it, start the app (see docs/deploy.md).
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import URL, make_url

from participation.clock import utcnow


class BackupError(RuntimeError):
    """The backup could not be made, or the copy failed its integrity check."""


def sqlite_path(database_url: str) -> Path | None:
    """The database file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def backup_file_name(moment: datetime, suffix: str = ".sqlite3") -> str:
    """The timestamped name of a backup taken at `moment` (UTC)."""
    return f"participation-{moment:%Y%m%d-%H%M%S}{suffix}"


def integrity_problems(path: Path) -> list[str]:
    """What `PRAGMA integrity_check` reports for the SQLite file at `path` (empty when ok)."""
    connection = sqlite3.connect(path)
    try:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    finally:
        connection.close()
    return [] if rows == ["ok"] else rows


def backup_sqlite(source: Path, directory: Path, now: datetime | None = None) -> Path:
    """Copy the live database at `source` into a new timestamped file in `directory`."""
    if not source.exists():
        raise BackupError(f"There is no database file at {source}.")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / backup_file_name(now or utcnow())
    if target.exists():
        raise BackupError(f"{target} already exists; wait a second and run the backup again.")
    partial = target.with_name(target.name + ".partial")
    # The copy holds the same personal data as the database: readable by its owner only.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        # pages=-1 copies everything in one step, so writers cannot restart the copy halfway.
        src.backup(dst, pages=-1)
    except sqlite3.Error as exc:
        dst.close()
        partial.unlink(missing_ok=True)
        raise BackupError(f"The backup failed: {exc}") from exc
    finally:
        src.close()
    dst.close()
    problems = integrity_problems(partial)
    if problems:
        partial.unlink(missing_ok=True)
        raise BackupError("The copy failed its integrity check: " + "; ".join(problems[:5]))
    partial.rename(target)
    return target


def pg_dump_command(database_url: str, directory: Path, now: datetime | None = None) -> str:
    """The `pg_dump` command line that backs up the PostgreSQL database at `database_url`."""
    url = make_url(database_url)
    # The password never goes on a command line (it would show in `ps`): use ~/.pgpass.
    plain = URL.create(
        "postgresql", url.username, None, url.host, url.port, url.database, url.query
    ).render_as_string(hide_password=False)
    target = directory / backup_file_name(now or utcnow(), ".dump")
    return shlex.join(["pg_dump", "--format=custom", f"--file={target}", plain])


@click.command("backup")
@click.option(
    "--directory",
    "-d",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to put the backup (default: backups/ in the instance folder).",
)
@with_appcontext
def backup_command(directory: Path | None) -> None:
    """Back up the SQLite database while the app runs, and print the backup's path."""
    database_url = current_app.config["DATABASE_URL"]
    directory = directory or Path(current_app.instance_path) / "backups"
    source = sqlite_path(database_url)
    if source is None:
        if make_url(database_url).get_backend_name() == "postgresql":
            raise click.ClickException(
                "This installation uses PostgreSQL; back it up with pg_dump instead:\n  "
                + pg_dump_command(database_url, directory)
                + "\nRestore with pg_restore (see docs/deploy.md)."
            )
        raise click.ClickException("Only a SQLite database file can be backed up this way.")
    try:
        target = backup_sqlite(source, directory)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(str(target))
