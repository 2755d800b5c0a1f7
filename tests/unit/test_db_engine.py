"""Engine settings: errors carry no answer text, and the SQLite busy timeout is configurable."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from participation.db import first_row, make_engine


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


def test_plain_reads_raise_sqlalchemys_errors_without_the_values(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'e.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)"))
        conn.execute(text("INSERT INTO t (body) VALUES ('kept')"))
    with Session(engine) as session:
        assert first_row(session, "SELECT body FROM t WHERE id = {0}", (1,)) == ("kept",)
        assert first_row(session, "SELECT body FROM t WHERE id = {0}", (2,)) is None
        with pytest.raises(OperationalError) as caught:
            first_row(session, "SELECT body FROM missing WHERE body = {0}", ("a private answer",))
    assert "private answer" not in str(caught.value)
    engine.dispose()
