"""Engine settings: errors carry no answer text, and the SQLite busy timeout is configurable."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from participation.db import make_engine


def test_database_errors_leave_out_the_values_being_written(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'e.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE)"))
        conn.execute(text("INSERT INTO t (body) VALUES (:body)"), {"body": "a private answer"})
    with pytest.raises(IntegrityError) as caught, engine.begin() as conn:
        conn.execute(text("INSERT INTO t (body) VALUES (:body)"), {"body": "a private answer"})
    assert "private answer" not in str(caught.value)
    engine.dispose()


def test_sqlite_busy_timeout_is_set_per_engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'e.sqlite3'}", busy_timeout_ms=250)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 250
    engine.dispose()
