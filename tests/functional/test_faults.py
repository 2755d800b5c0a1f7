"""Faults: a locked or restarted database, a killed worker, Redis down, a failing export.

Every test runs on localhost only, starts whatever it needs (its own SQLite file, its own
PostgreSQL or Redis instance, its own gunicorn) and bounds every wait with a timeout.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from bs4 import BeautifulSoup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from participation import create_app
from participation.activities.kinds import question_spec
from participation.activities.settings import MAX_GROUP
from participation.commands.backup import integrity_problems
from participation.db import make_engine
from participation.exports.releases import make_release
from participation.models import Answer, Submission
from tests.conftest import TEST_SECRET, prepare
from tests.factories import Factory
from tests.helpers import PASSWORD, submit_form, text_of

pytestmark = pytest.mark.slow

QUESTIONS = 10


# ---------------------------------------------------------------- shared pieces


def free_port() -> int:
    """A TCP port nothing on localhost is listening on (right now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `check` until it is true, failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


def open_activity(url: str) -> str:
    """Add an open one-page activity of ten emoji questions to `url`; its join code."""
    engine = make_engine(url)
    with Session(engine) as session:
        activity = Factory(session).activity(
            questions=[question_spec("emoji_scale", f"Question {n}") for n in range(QUESTIONS)],
            one_page=True,
            expected_group_size=MAX_GROUP,  # hundreds of sends: no group limit in the way
        )
        code = activity.join_code
        session.commit()
    engine.dispose()
    return code


def answered_form(html: str, seed: int) -> tuple[str, dict[str, Any]]:
    """The action and data of the page's answer form with every question answered."""
    form = BeautifulSoup(html, "html.parser").find("form", attrs={"method": "post"})
    assert form is not None, "no form on the page"
    data: dict[str, Any] = {}
    radios: dict[str, list[str]] = {}
    for field in form.find_all("input"):
        if field.get("type") == "radio":
            radios.setdefault(field["name"], []).append(field["value"])
        elif field.get("type") == "checkbox" and not field.has_attr("checked"):
            continue  # an unticked box (such as "Pass this question") sends nothing
        elif field.get("name"):
            data[field["name"]] = field.get("value", "")
    for number, (name, values) in enumerate(sorted(radios.items())):
        data[name] = values[(seed + number) % len(values)]
    return form["action"], data


def consent_form(html: str) -> tuple[str, dict[str, Any]]:
    """The consent form's action and the data of saying yes."""
    form = BeautifulSoup(html, "html.parser").find("form", attrs={"method": "post"})
    token = form.find("input", attrs={"name": "csrf_token"})["value"]
    return form["action"], {"csrf_token": token, "choice": "yes"}


def stored_submissions(url: str) -> tuple[int, dict[int, int]]:
    """How many submissions are stored, and how many answers each has."""
    engine = make_engine(url)
    with engine.connect() as conn:
        count = conn.scalar(select(func.count()).select_from(Submission))
        per = dict(
            conn.execute(
                select(Submission.id, func.count(Answer.id))
                .outerjoin(Answer, Answer.submission_id == Submission.id)
                .group_by(Submission.id)
            ).all()
        )
    engine.dispose()
    return count, per


def file_app(url: str, **config: Any):
    """The app on a real database (not the test's rolled-back transaction)."""
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": TEST_SECRET, **config})


def fresh_sqlite(tmp_path: Path) -> str:
    """A migrated SQLite file of its own."""
    url = f"sqlite:///{tmp_path / 'faults.sqlite3'}"
    prepare(url)
    return url


# ---------------------------------------------------------------- SQLite write lock


HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE activities SET joined_count = joined_count")
print("locked", flush=True)
sys.stdin.readline()  # hold the write lock until the test says so (or closes stdin)
conn.execute("ROLLBACK")
"""


@contextmanager
def write_lock_held(path: Path) -> Iterator[None]:
    """Another process holds the SQLite write lock on `path` while the block runs."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.communicate("release\n", timeout=10)


def test_a_locked_database_gives_a_try_again_page_that_keeps_the_answers(tmp_path):
    url = fresh_sqlite(tmp_path)
    code = open_activity(url)
    client = file_app(url, SQLITE_BUSY_TIMEOUT_MS=300).test_client()
    action, data = consent_form(client.get(f"/j/{code}").get_data(as_text=True))
    answering = client.post(action, data=data)
    assert answering.status_code == 200
    action, data = answered_form(answering.get_data(as_text=True), seed=3)

    with write_lock_held(tmp_path / "faults.sqlite3"):
        started = time.monotonic()
        busy = client.post(action, data=data)
        assert time.monotonic() - started < 10
        assert busy.status_code == 503
        assert busy.headers.get("Retry-After")
        assert "your answers are still here" in text_of(busy).lower()
        retry_action, retry_data = answered_form(busy.get_data(as_text=True), seed=0)
    assert stored_submissions(url) == (0, {}), "nothing may be half-written"
    # Everything the young person chose rides along in the "Try again" form.
    assert retry_action == action
    assert {k: v for k, v in retry_data.items() if k != "csrf_token"} == {
        k: v for k, v in data.items() if k != "csrf_token"
    }

    thanks = client.post(retry_action, data=retry_data)
    assert thanks.status_code == 200, text_of(thanks)
    count, per = stored_submissions(url)
    assert count == 1 and list(per.values()) == [QUESTIONS]
    assert integrity_problems(tmp_path / "faults.sqlite3") == []


def test_pages_that_only_read_open_at_once_while_another_process_writes(tmp_path):
    url = fresh_sqlite(tmp_path)
    code = open_activity(url)
    # A read that queued for the write lock would wait the whole 20 s busy timeout.
    client = file_app(url, SQLITE_BUSY_TIMEOUT_MS=20_000).test_client()
    with write_lock_held(tmp_path / "faults.sqlite3"):
        started = time.monotonic()
        consent = client.get(f"/j/{code}")
        waited = time.monotonic() - started
    assert consent.status_code == 200
    assert "Yes, I'll take part" in text_of(consent)
    assert waited < 10


# ---------------------------------------------------------------- gunicorn worker killed


def worker_pids(master: int) -> list[int]:
    """The gunicorn master's worker processes."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


class Phone(threading.Thread):
    """One young person: joins, says yes, answers and sends, retrying until it goes through."""

    def __init__(self, base: str, code: str, seed: int, stop_at: float) -> None:
        super().__init__(daemon=True)
        self.base, self.code, self.seed, self.stop_at = base, code, seed, stop_at
        self.sent = 0
        self.retries = 0
        self.failures: list[str] = []
        # Each phone its own address, as behind a proxy, so the per-client limits on young
        # people's writes see twelve phones, not one client sending hundreds.
        self.headers = {"X-Forwarded-For": f"192.0.2.{seed + 1}"}

    def send(self, http: requests.Session, method: str, path: str, **kw: Any) -> requests.Response:
        """One request, retried (same data, so the same idempotency key) after a dropped one."""
        for _ in range(20):
            if time.monotonic() > self.stop_at + 30:
                break
            try:
                response = http.request(
                    method, self.base + path, timeout=10, headers=self.headers, **kw
                )
            except requests.RequestException:
                self.retries += 1
                time.sleep(0.1)
                continue
            if response.status_code >= 500:
                self.retries += 1
                time.sleep(0.1)
                continue
            return response
        raise RuntimeError(f"{method} {path} never went through")

    def run(self) -> None:
        try:
            while time.monotonic() < self.stop_at:
                with requests.Session() as http:
                    page = self.send(http, "GET", f"/j/{self.code}")
                    action, data = consent_form(page.text)
                    page = self.send(http, "POST", action, data=data)
                    action, data = answered_form(page.text, self.seed + self.sent)
                    thanks = self.send(http, "POST", action, data=data)
                    if thanks.status_code != 200 or "keep this" not in thanks.text.lower():
                        self.failures.append(f"{thanks.status_code}")
                    self.sent += 1
        except Exception as exc:  # reported by the test
            self.failures.append(repr(exc))


@pytest.fixture
def gunicorn_on_sqlite(tmp_path: Path) -> Iterator[tuple[str, str, subprocess.Popen, Path]]:
    """A real gunicorn (2 workers x 2 threads) on a fresh SQLite file: (base, code, master, db)."""
    url = fresh_sqlite(tmp_path)
    code = open_activity(url)
    port = free_port()
    env = {
        **os.environ,
        "PARTICIPATION_DATABASE_URL": url,
        "PARTICIPATION_SECRET_KEY": TEST_SECRET,
        "PARTICIPATION_BIND": f"127.0.0.1:{port}",
        "PARTICIPATION_WORKERS": "2",
        "PARTICIPATION_THREADS": "2",
        "PARTICIPATION_ACCESS_LOG": str(tmp_path / "access.log"),
        "PARTICIPATION_PROXY_COUNT": "1",
    }
    with (tmp_path / "gunicorn.log").open("w") as log:
        master = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:participation.gunicorn_conf"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            return requests.get(base + "/join", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    try:
        wait_until(ready, 60, "gunicorn to serve")
        yield base, code, master, tmp_path / "faults.sqlite3"
    finally:
        master.terminate()
        try:
            master.wait(timeout=30)
        except subprocess.TimeoutExpired:
            master.kill()
            master.wait(timeout=10)


def test_killing_a_worker_mid_burst_loses_nothing_and_stores_nothing_partial(gunicorn_on_sqlite):
    base, code, master, db_file = gunicorn_on_sqlite
    stop_at = time.monotonic() + 8
    phones = [Phone(base, code, seed, stop_at) for seed in range(12)]
    for phone in phones:
        phone.start()
    killed = 0
    while time.monotonic() < stop_at - 1:
        time.sleep(1.2)
        workers = worker_pids(master.pid)
        if workers:
            os.kill(workers[killed % len(workers)], signal.SIGKILL)
            killed += 1
    for phone in phones:
        phone.join(timeout=90)
        assert not phone.is_alive(), "a client never finished"
    assert killed >= 3
    assert [f for phone in phones for f in phone.failures] == []
    retries = sum(phone.retries for phone in phones)
    assert retries > 0, "no request was cut off: the kills did not land during the burst"
    sent = sum(phone.sent for phone in phones)
    count, per = stored_submissions(f"sqlite:///{db_file}")
    # Every retry reused its idempotency key: one row per young person who was thanked.
    assert count == sent
    assert set(per.values()) == {QUESTIONS}, "a stored submission is missing answers"
    assert integrity_problems(db_file) == []


# ---------------------------------------------------------------- PostgreSQL restarted


def postgres_bin() -> Path | None:
    """The folder of PostgreSQL's server programs (version 15 preferred), if installed."""
    candidates = [
        Path("/usr/lib/postgresql/15/bin"),
        *sorted(Path("/usr/lib/postgresql").glob("*/bin")),
    ]
    return next((path for path in candidates if (path / "initdb").exists()), None)


def as_postgres(*command: str) -> list[str]:
    """Run a PostgreSQL server command as the postgres user when we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return list(command)


@pytest.fixture
def private_postgres() -> Iterator[tuple[str, Callable[[], None]]]:
    """A PostgreSQL server of our own on a free port: (URL of a fresh database, restart)."""
    pg_bin = postgres_bin()
    if pg_bin is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("runuser is needed to run PostgreSQL as the postgres user")
    home = Path(tempfile.mkdtemp(prefix="participation-pg-"))
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    data = home / "data"
    port = free_port()
    ctl = [
        str(pg_bin / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(home / "server.log"),
        "-w",
        "-t",
        "60",
    ]
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        as_postgres(
            str(pg_bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        as_postgres(*ctl, "-o", options, "start"), check=True, capture_output=True, timeout=90
    )
    admin = make_engine(
        f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql("CREATE DATABASE participation")
        admin.dispose()

        def restart() -> None:
            subprocess.run(
                as_postgres(*ctl, "-m", "fast", "-o", options, "restart"),
                check=True,
                capture_output=True,
                timeout=90,
            )

        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/participation", restart
    finally:
        admin.dispose()
        subprocess.run(
            as_postgres(*ctl, "-m", "immediate", "stop"), capture_output=True, timeout=60
        )
        shutil.rmtree(home, ignore_errors=True)


def test_the_app_recovers_by_itself_after_postgresql_restarts(private_postgres):
    url, restart = private_postgres
    prepare(url)
    code = open_activity(url)
    app = file_app(url)
    client = app.test_client()

    def one_submission(seed: int) -> int:
        action, data = consent_form(client.get(f"/j/{code}").get_data(as_text=True))
        action, data = answered_form(client.post(action, data=data).get_data(as_text=True), seed)
        return client.post(action, data=data).status_code

    assert one_submission(1) == 200
    pooled = app.extensions["engine"].pool.checkedin()
    assert pooled >= 1, "the pool keeps a connection that the restart will break"
    restart()
    # The very next requests succeed: pool_pre_ping replaces the dead connection.
    assert client.get(f"/j/{code}").status_code == 200
    assert one_submission(2) == 200
    count, per = stored_submissions(url)
    assert count == 2 and set(per.values()) == {QUESTIONS}
    app.extensions["engine"].dispose()


# ---------------------------------------------------------------- Redis down


@pytest.fixture
def private_redis() -> Iterator[tuple[str, Callable[[], None]]]:
    """A Redis server of our own on a free port: (URL, stop)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def up() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    def stop() -> None:
        server.terminate()
        server.wait(timeout=20)

    try:
        wait_until(up, 20, "redis-server to listen")
        yield f"redis://127.0.0.1:{port}/0", stop
    finally:
        if server.poll() is None:
            stop()


def test_redis_down_young_people_carry_on_and_staff_sign_in_pauses(app, make, private_redis):
    from tests.functional.test_ratelimit import app_with_storage

    redis_url, stop_redis = private_redis
    staff = make.staff("lead")
    activity = make.activity(make.service())
    client = app_with_storage(app, redis_url, f"faults-{secrets.token_hex(4)}").test_client()
    # Working Redis: a wrong code is counted and answered.
    assert submit_form(client, "/join", {"code": "NOPE42"}).status_code == 404
    stop_redis()

    started = time.monotonic()
    wrong = submit_form(client, "/join", {"code": "NOPE42"})
    assert wrong.status_code == 404 and "could not find that code" in text_of(wrong)
    right = submit_form(client, "/join", {"code": activity.join_code.lower()})
    assert right.status_code == 302
    assert client.get(right.headers["Location"]).status_code == 200
    withdraw = submit_form(client, "/withdraw", {"code": "not-a-real-code"})
    assert withdraw.status_code == 400 and "could not find answers" in text_of(withdraw)
    assert time.monotonic() - started < 10, "a down Redis must not make young people wait"

    sign_in = submit_form(client, "/staff/sign-in", {"email": staff.email, "password": PASSWORD})
    assert sign_in.status_code == 503 and "Signing in is paused" in text_of(sign_in)


# ---------------------------------------------------------------- export write errors


def database_counts(session: Session) -> tuple[int, ...]:
    """Rows in the tables an export reads or records into."""
    from participation.models import AuditEvent

    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (Submission, Answer, AuditEvent)
    )


class DiskFull:
    """A file whose writes fail with "No space left on device" after `allowed` bytes."""

    def __init__(self, real: Any, allowed: int) -> None:
        self.real, self.allowed = real, allowed

    def write(self, data: bytes) -> int:
        if self.allowed < len(data):
            raise OSError(28, "No space left on device")
        self.allowed -= len(data)
        return self.real.write(data)

    def __enter__(self) -> DiskFull:
        return self

    def __exit__(self, *exc: object) -> None:
        self.real.close()


def exportable_activity(make) -> Any:
    """An activity with enough answers that its CSV comes in several chunks."""
    activity = make.activity(k_threshold=5, research_sharing="ask")
    for number in range(60):
        make.submission(activity, {0: [{"choice": number % 5 + 1}], 4: [{"text": "x" * 900}]})
    make_release(make.session, None, activity)
    make.session.flush()
    return activity


def test_a_disk_full_during_a_cli_export_is_a_clear_error_and_changes_nothing(
    runner, make, db_session, tmp_path, monkeypatch
):
    import participation.commands.exports as exports_cli

    activity = exportable_activity(make)
    before = database_counts(db_session)
    real_fdopen = os.fdopen
    # The export writes through os.fdopen (write_atomically); its file fills up at 20 kB.
    monkeypatch.setattr(
        exports_cli.os, "fdopen", lambda fd, mode: DiskFull(real_fdopen(fd, mode), 20_000)
    )
    out = tmp_path / "answers.csv"
    result = runner.invoke(args=["export", str(activity.id), "--format", "csv", "-o", str(out)])
    assert result.exit_code != 0
    assert "No space left on device" in result.output, (
        "the person running the export is told what went wrong, not shown a traceback"
    )
    assert not out.exists() and list(tmp_path.iterdir()) == [], "no partial file is left"
    assert database_counts(db_session) == before, "nothing recorded for an export that failed"


def test_a_download_that_fails_midway_is_cut_off_and_the_app_carries_on(
    app, make, sign_in, db_session, monkeypatch
):
    import participation.exports.responses as exports

    lead = make.staff("lead")
    activity = make.activity(lead.service, k_threshold=5, research_sharing="ask")
    for number in range(60):
        make.submission(activity, {0: [{"choice": number % 5 + 1}], 4: [{"text": "x" * 900}]})
    make_release(make.session, lead, activity)
    client = sign_in(lead)
    before = database_counts(db_session)[:2]
    real_batches = exports.iter_csv_line_batches

    def failing_batches(*args: Any, **kwargs: Any) -> Iterator[list[str]]:
        for batch in real_batches(*args, **kwargs):
            yield batch[:30]
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(exports, "iter_csv_line_batches", failing_batches)
    url = f"/research/activities/{activity.id}/responses.csv"
    response = client.get(url, buffered=False)
    assert response.status_code == 200  # the header went out before the failure
    # The body is cut off with an error (a browser shows "download failed"); it never ends
    # like a complete file.
    with pytest.raises(OSError, match="Input/output error"):
        b"".join(response.response)
    response.close()
    assert database_counts(db_session)[:2] == before, "no answer was changed by the export"
    from participation.models import AuditEvent

    recorded = db_session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.action.like("export_responses_csv%"))
        .order_by(AuditEvent.id)
    ).all()
    assert recorded == ["export_responses_csv_started", "export_responses_csv_failed"], (
        "an export that broke part-way is recorded as started and failed, never as done"
    )
    monkeypatch.setattr(exports, "iter_csv_line_batches", real_batches)
    again = client.get(url)
    assert again.status_code == 200 and again.get_data(as_text=True).count("\n") == 61
