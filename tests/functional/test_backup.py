"""`participation backup`: a consistent copy of a live SQLite database, and its restore."""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from participation import create_app
from participation.activities.kinds import question_spec
from participation.clock import to_hour, utcnow
from participation.commands.backup import integrity_problems, pg_dump_command
from participation.db import make_engine
from participation.models import Answer, Submission
from tests.conftest import TEST_SECRET, prepare
from tests.factories import Factory

QUESTIONS = 10


def cli_app(database_url: str, instance: Path):
    """An app on `database_url` whose instance folder is `instance`."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": TEST_SECRET})
    app.instance_path = str(instance)
    return app


def open_activity(url: str) -> tuple[int, int, list[int]]:
    """An open activity of ten emoji questions: (activity id, consent version id, question ids)."""
    engine = make_engine(url)
    with Session(engine) as session:
        activity = Factory(session).activity(
            questions=[question_spec("emoji_scale", f"Question {n}") for n in range(QUESTIONS)]
        )
        ids = (activity.id, activity.current_consent.id, [q.id for q in activity.questions])
        session.commit()
    engine.dispose()
    return ids


class Writer(threading.Thread):
    """Writes submissions of ten answers, one transaction each, until stopped."""

    def __init__(self, url: str, activity: tuple[int, int, list[int]]) -> None:
        super().__init__(daemon=True)
        self.engine = make_engine(url)
        self.activity_id, self.consent_id, self.question_ids = activity
        self.committed: list[str] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def write_one(self, number: int) -> None:
        """Store submission `number` with its answers in one transaction."""
        key = f"key-{number:06d}"
        with self.engine.begin() as conn:
            submission_id = conn.execute(
                insert(Submission).values(
                    activity_id=self.activity_id,
                    consent_version_id=self.consent_id,
                    research_consent=False,
                    withdrawal_code_hash=f"{number:064d}",
                    idempotency_key=key,
                    submitted_hour=to_hour(utcnow()),
                )
            ).inserted_primary_key[0]
            conn.execute(
                insert(Answer),
                [
                    {"submission_id": submission_id, "question_id": qid, "choice": number % 5 + 1}
                    for qid in self.question_ids
                ],
            )
        self.committed.append(key)

    def run(self) -> None:
        number = len(self.committed)
        try:
            while not self.stop.is_set():
                self.write_one(number)
                number += 1
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.error = exc

    def finish(self) -> None:
        """Stop writing, wait (bounded) and release the engine."""
        self.stop.set()
        self.join(timeout=30)
        assert not self.is_alive(), "the writer did not stop"
        self.engine.dispose()
        assert self.error is None, self.error


def stored(url: str) -> tuple[list[str], dict[int, int], set[int]]:
    """Stored idempotency keys (in id order), answers per submission and the choices used."""
    engine = make_engine(url)
    with engine.connect() as conn:
        keys = list(conn.scalars(select(Submission.idempotency_key).order_by(Submission.id)))
        per_submission = dict(
            conn.execute(
                select(Answer.submission_id, func.count()).group_by(Answer.submission_id)
            ).all()
        )
        choices = set(conn.scalars(select(Answer.choice).distinct()))
    engine.dispose()
    return keys, per_submission, choices


def test_backup_of_a_live_database_restores_intact(tmp_path):
    db_file = tmp_path / "live.sqlite3"
    url = f"sqlite:///{db_file}"
    prepare(url)
    writer = Writer(url, open_activity(url))
    for number in range(3000):  # enough data that the copy takes a little while
        writer.write_one(number)
    writer.start()
    try:
        deadline = len(writer.committed) + 50
        while len(writer.committed) < deadline and writer.is_alive():
            threading.Event().wait(0.01)
        result = cli_app(url, tmp_path / "instance").test_cli_runner().invoke(args=["backup"])
        during = len(writer.committed)
        while len(writer.committed) < during + 50 and writer.is_alive():
            threading.Event().wait(0.01)
    finally:
        writer.finish()
    assert result.exit_code == 0, result.output
    backup = Path(result.output.strip().splitlines()[-1])
    assert backup.parent == tmp_path / "instance" / "backups"
    assert backup.name.startswith("participation-") and backup.suffix == ".sqlite3"
    assert backup.stat().st_mode & 0o077 == 0, "a backup must be readable by its owner only"
    assert not list(backup.parent.glob("*.partial"))
    live_keys, _, _ = stored(url)
    assert len(live_keys) > 3050, "the writer kept writing while the backup ran"

    # Restore as docs/deploy.md says: app stopped, copy the file back, drop the WAL files.
    shutil.copyfile(backup, db_file)
    for leftover in (Path(f"{db_file}-wal"), Path(f"{db_file}-shm")):
        leftover.unlink(missing_ok=True)

    assert integrity_problems(db_file) == []
    keys, per_submission, choices = stored(url)
    # One consistent snapshot: exactly the first N commits, each with all its answers.
    assert len(keys) >= 3050, "the copy holds what was committed before it started"
    assert keys == writer.committed[: len(keys)]
    assert set(per_submission.values()) == {QUESTIONS} and len(per_submission) == len(keys)
    assert choices == {1, 2, 3, 4, 5}
    assert len(keys) < len(live_keys), "the restore brought back the backup, not the live file"


def test_backup_refuses_postgresql_and_prints_the_pg_dump_command(tmp_path):
    url = "postgresql+psycopg://participation:s3cret-pass@db.internal:5433/participation"
    result = cli_app(url, tmp_path / "instance").test_cli_runner().invoke(args=["backup"])
    assert result.exit_code != 0
    assert "pg_dump --format=custom" in result.output
    assert "postgresql://participation@db.internal:5433/participation" in result.output
    assert "s3cret-pass" not in result.output
    assert "pg_restore" in result.output


def test_pg_dump_command_names_a_timestamped_file(tmp_path):
    command = pg_dump_command("postgresql+psycopg://u@h/d", tmp_path)
    assert f"--file={tmp_path}/participation-" in command and command.endswith(
        " postgresql://u@h/d"
    )


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_backup_explains_when_there_is_no_database_file(tmp_path, url):
    result = cli_app(url, tmp_path / "instance").test_cli_runner().invoke(args=["backup"])
    assert result.exit_code != 0 and "SQLite database file" in result.output


PG_BASE = os.environ.get("PARTICIPATION_TEST_DATABASE_URL", "")


@pytest.mark.slow
@pytest.mark.skipif(
    not PG_BASE.startswith("postgresql") or not shutil.which("pg_restore"),
    reason="needs PARTICIPATION_TEST_DATABASE_URL on PostgreSQL and pg_dump/pg_restore",
)
def test_the_printed_pg_dump_command_backs_up_and_pg_restore_restores(tmp_path):
    admin_url = make_url(PG_BASE)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    names = [f"{admin_url.database}_{secrets.token_hex(4)}" for _ in range(2)]
    source, restored = (
        admin_url.set(database=name).render_as_string(hide_password=False) for name in names
    )
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{names[0]}"'))
            conn.execute(text(f'CREATE DATABASE "{names[1]}"'))
        prepare(source)
        writer = Writer(source, open_activity(source))
        for number in range(25):
            writer.write_one(number)
        writer.engine.dispose()
        command = shlex.split(pg_dump_command(source, tmp_path))
        subprocess.run(command, check=True, timeout=120, capture_output=True)
        dump = next(tmp_path.glob("participation-*.dump"))
        # As docs/deploy.md says: restore into an empty database, then point the app at it.
        plain = make_url(restored).set(drivername="postgresql").render_as_string(False)
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={plain}", str(dump)],
            check=True,
            timeout=120,
            capture_output=True,
        )
        assert stored(restored) == stored(source)
        assert len(stored(restored)[0]) == 25
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
