"""The SQLite database, its WAL and shared-memory files, and the secret key are private (0600)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from participation.config import load_settings
from participation.db import make_engine, sqlite_file


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems start with, under which new files are readable by everyone."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _write_something(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS notes (body TEXT)"))
        conn.execute(text("INSERT INTO notes VALUES ('private')"))
    # Read on a second connection while the first stays open, so the WAL is still there.
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM notes")).scalar() >= 1
        database = Path(url.removeprefix("sqlite:///"))
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            assert path.exists(), path
            assert mode(path) == 0o600, (path, oct(mode(path)))
    engine.dispose()


def test_a_new_database_and_its_wal_are_private(tmp_path, usual_umask):
    _write_something(f"sqlite:///{tmp_path / 'new.sqlite3'}")


def test_an_existing_database_readable_by_others_is_made_private(tmp_path, usual_umask):
    database = tmp_path / "old.sqlite3"
    database.touch(mode=0o644)
    Path(f"{database}-wal").touch(mode=0o644)
    assert mode(database) == 0o644
    _write_something(f"sqlite:///{database}")


def test_the_instance_secret_key_and_folder_are_private(tmp_path, monkeypatch, usual_umask):
    monkeypatch.delenv("PARTICIPATION_SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    load_settings(instance)
    assert mode(instance / "secret_key") == 0o600
    assert mode(instance) == 0o700


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///instance/app.sqlite3", Path("instance/app.sqlite3")),
        ("sqlite:////srv/app.sqlite3", Path("/srv/app.sqlite3")),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("postgresql+psycopg://user@host/db", None),
    ],
)
def test_sqlite_file_names_the_file_of_a_sqlite_url(url, expected):
    assert sqlite_file(url) == expected
