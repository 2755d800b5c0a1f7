"""Shared pieces of the benchmarks: databases, gunicorn, the HTTP client, tables, CPU."""

from __future__ import annotations

import http.client
import itertools
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import text
from sqlalchemy.orm import Session

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
# The scripts run as `python bench/<name>.py` from a checkout: make the package importable.
sys.path.insert(0, str(ROOT))

from participation.activities.kinds import question_spec  # noqa: E402
from participation.activities.settings import MAX_GROUP  # noqa: E402
from participation.commands.migrate import upgrade  # noqa: E402
from participation.commands.seed import ensure_reference_data  # noqa: E402
from participation.db import make_engine  # noqa: E402
from participation.models import (  # noqa: E402
    Activity,
    ConsentVersion,
    ParticipationType,
    Question,
    Service,
)
from tests.databases import throwaway_postgres  # noqa: E402

SECRET = "bench-secret-key-" + "0123456789abcdef" * 3
DEFAULT_PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


# ---------------------------------------------------------------- databases


def migrate(url: str) -> None:
    """Migrate `url` to head and add the reference data."""
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        ensure_reference_data(session)
        session.commit()
    engine.dispose()


@contextmanager
def fresh_sqlite() -> Iterator[str]:
    """A migrated SQLite database in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="participation-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        migrate(url)
        yield url


@contextmanager
def fresh_postgres(admin_url: str = DEFAULT_PG_ADMIN) -> Iterator[str]:
    """A new, migrated PostgreSQL database (as tests/conftest.py makes), dropped afterwards."""
    with throwaway_postgres(
        os.environ.get("PARTICIPATION_BENCH_PG_ADMIN", admin_url), "bench"
    ) as url:
        migrate(url)
        yield url


def bench_questions() -> list[dict[str, Any]]:
    """Ten questions like a real workshop's: scales, choices, pick any and one text box."""
    return [
        question_spec("emoji_scale", "How did today feel?"),
        question_spec("traffic_light", "Do you get a say in what we do?"),
        question_spec("emoji_scale", "How safe do you feel in the group?"),
        question_spec("single_choice", "Would you come again?", options=["Yes", "Maybe", "No"]),
        question_spec("traffic_light", "Do staff listen to you?"),
        question_spec(
            "multiple_choice", "What did you enjoy?", options=["Art", "Games", "Food", "Trips"]
        ),
        question_spec("emoji_scale", "How was the food?"),
        question_spec(
            "single_choice", "How did you hear about us?", options=["Worker", "Friend", "School"]
        ),
        question_spec("traffic_light", "Is the place easy to get to?"),
        question_spec("free_text", "What should we change?", max_length=500),
    ]


def create_open_activity(
    url: str, *, one_page: bool = True, title: str = "Bench workshop"
) -> tuple[int, str]:
    """Add a service and an open activity of ten questions; (activity id, join code)."""
    engine = make_engine(url)
    with Session(engine) as session:
        service = Service(name=f"Bench Hub {secrets.token_hex(2)}", kind="hub")
        kind = session.query(ParticipationType).order_by(ParticipationType.position).first()
        activity = Activity(
            service=service,
            participation_type=kind,
            title=title,
            intro="Tell us about today.",
            join_code=secrets.choice("ABCDEFGHJKMNPQRSTUVWXYZ") + secrets.token_hex(3)[:5].upper(),
            status="open",
            one_page=one_page,
            opened_at=None,
            # Thousands join within one session window; nobody is there to let more join.
            expected_group_size=MAX_GROUP,
        )
        activity.consent_versions.append(
            ConsentVersion(
                version=1,
                statement="You can skip any question. Nobody will know which answers are yours.",
            )
        )
        for position, spec in enumerate(bench_questions()):
            activity.questions.append(Question(position=position, **spec))
        session.add(activity)
        session.commit()
        ids = activity.id, activity.join_code
    engine.dispose()
    return ids


def count_rows(url: str) -> tuple[int, int]:
    """(submissions, answers) stored."""
    engine = make_engine(url)
    with engine.connect() as conn:
        submissions = conn.execute(text("SELECT count(*) FROM submissions")).scalar_one()
        answers = conn.execute(text("SELECT count(*) FROM answers")).scalar_one()
    engine.dispose()
    return submissions, answers


# ---------------------------------------------------------------- gunicorn


def free_port() -> int:
    """A TCP port nothing on localhost is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ServerSettings:
    """gunicorn settings shared by the hello app and the real app in one run."""

    workers: int = 4
    threads: int = 1
    worker_class: str = "sync"

    def describe(self) -> str:
        """A short label, e.g. '4 sync workers' or '2 gthread workers x 4 threads'."""
        if self.threads > 1:
            return f"{self.workers} gthread workers x {self.threads} threads"
        return f"{self.workers} {self.worker_class} workers"


class Gunicorn:
    """A gunicorn started with participation/gunicorn_conf.py (what production uses)."""

    def __init__(
        self,
        app: str | None,
        settings: ServerSettings,
        env: dict[str, str],
        log_dir: Path,
        extra: list[str] | None = None,
    ) -> None:
        self.port = free_port()
        self.settings = settings
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:participation.gunicorn_conf",
            "--pythonpath",
            str(BENCH_DIR),
            "--backlog",
            "4096",
        ]
        if settings.threads <= 1:
            command += ["-k", settings.worker_class]
        command += extra or []
        if app:
            command.append(app)
        full_env = {
            **os.environ,
            "PARTICIPATION_SECRET_KEY": SECRET,
            "PARTICIPATION_BIND": f"127.0.0.1:{self.port}",
            "PARTICIPATION_WORKERS": str(settings.workers),
            "PARTICIPATION_THREADS": str(settings.threads),
            "PARTICIPATION_ACCESS_LOG": str(log_dir / f"access-{self.port}.log"),
            # As behind nginx in production: each phone is counted by its own (forwarded)
            # address, not as one client sending everything, which the write limits refuse.
            "PARTICIPATION_PROXY_COUNT": "1",
            **env,
        }
        self.log = (log_dir / f"gunicorn-{self.port}.log").open("w")
        self.cpu_seen: dict[int, float] = {}
        self.process = subprocess.Popen(
            command, env=full_env, stdout=self.log, stderr=self.log, cwd=ROOT
        )
        threading.Thread(target=self._sampler, daemon=True).start()

    def wait_ready(self, path: str = "/", timeout: float = 60) -> None:
        """Wait until every worker has booted and the server answers `path`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", path)
                status = conn.getresponse().status
                conn.close()
                if status < 500 and len(self.worker_pids()) >= self.settings.workers:
                    time.sleep(0.5)
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not become ready; see {self.log.name}")

    def worker_pids(self) -> list[int]:
        """The worker processes' ids."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def sample(self) -> None:
        """Note the CPU time of the master and every current worker."""
        for pid in [self.process.pid, *self.worker_pids()]:
            used = process_cpu(pid)
            if used:
                self.cpu_seen[pid] = used

    def cpu_seconds(self) -> float:
        """CPU time used so far by the master and its workers, including workers since replaced
        (gunicorn recycles a worker after max_requests; a sampler notes each one every 0.2 s)."""
        self.sample()
        return sum(self.cpu_seen.values())

    def _sampler(self) -> None:
        while self.process.poll() is None:
            self.sample()
            time.sleep(0.2)

    def rss_kib(self) -> list[int]:
        """Resident memory of each worker (KiB)."""
        return [process_rss_kib(pid) for pid in self.worker_pids()]

    def stop(self) -> None:
        """Stop gracefully (bounded)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()


def process_cpu(pid: int) -> float:
    """utime + stime of a process in seconds (0 when it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_rss_kib(pid: int) -> int:
    """Resident set size of a process in KiB (0 when it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# ---------------------------------------------------------------- a cheap HTTP client


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
DRAFT_RE = re.compile(r'name="draft" value="([^"]+)"')
STEP_RE = re.compile(r'name="step" value="([^"]+)"')
CHOICE_RE = re.compile(r'type="(radio|checkbox)" id="[^"]*" name="(q\d+)" value="(\d+)"')
TEXTAREA_RE = re.compile(r'<textarea[^>]*name="(q\d+)"')
FORM_ACTION_RE = re.compile(r'<form method="post" action="([^"]+)"')
COOKIE_RE = re.compile(r"^session=([^;]*)")


_phone_numbers = itertools.count(1)


class Client:
    """One phone: a keep-alive connection (reopened when the server closes it) and a cookie."""

    def __init__(self, host: str, port: int) -> None:
        self.conn = http.client.HTTPConnection(host, port, timeout=120)
        self.cookie: str | None = None
        number = next(_phone_numbers)
        self.address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"

    def request(
        self, method: str, path: str, form: dict[str, Any] | list[tuple[str, Any]] | None = None
    ) -> tuple[int, str]:
        """Send one request; (status, body)."""
        headers = {"X-Forwarded-For": self.address}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookie:
            headers["Cookie"] = f"session={self.cookie}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read().decode(errors="replace")  # downloads are bytes
        except (http.client.HTTPException, OSError):
            self.conn.close()
            raise
        for value in response.headers.get_all("Set-Cookie") or ():
            match = COOKIE_RE.match(value)
            if match:
                self.cookie = match.group(1)
        if response.will_close:
            self.conn.close()
        return response.status, data

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def answer_form(page: str, rng: Any) -> list[tuple[str, Any]]:
    """Fill the answer form on `page`: one pick per scale or choice, two for pick any, some text."""
    form: list[tuple[str, Any]] = [
        ("csrf_token", CSRF_RE.search(page).group(1)),
        ("draft", DRAFT_RE.search(page).group(1)),
        ("step", STEP_RE.search(page).group(1)),
    ]
    groups: dict[str, tuple[str, list[str]]] = {}
    for kind, name, value in CHOICE_RE.findall(page):
        groups.setdefault(name, (kind, []))[1].append(value)
    for name, (kind, values) in groups.items():
        picks = (
            rng.sample(values, 2)
            if kind == "checkbox" and len(values) > 1
            else [rng.choice(values)]
        )
        form += [(name, value) for value in picks]
    for name in TEXTAREA_RE.findall(page):
        form.append((name, rng.choice(TEXTS)))
    return form


TEXTS = [
    "More trips please and longer sessions on Fridays.",
    "The room is cold in the winter.",
    "Keep the art sessions, they are good.",
    "Better snacks and more time to talk.",
]


# ---------------------------------------------------------------- figures


def percentile(values: list[float], share: float) -> float:
    """The `share` (0-1) percentile of `values` (nearest rank); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def print_table(headers: list[str], rows: list[list[Any]]) -> None:
    """Print a plain aligned table."""
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for number, row in enumerate(cells):
        print(
            "  ".join(
                cell.rjust(width) if i else cell.ljust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
        )
        if number == 0:
            print("  ".join("-" * width for width in widths))


def print_json(name: str, figures: dict[str, Any]) -> None:
    """The final machine-readable line."""
    print(json.dumps({"bench": name, **figures}, sort_keys=True))


def machine() -> dict[str, Any]:
    """What ran the benchmark, and how busy the machine was (1-minute load average)."""
    return {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "load_average": round(os.getloadavg()[0], 2),
    }


def release_for_research(url: str, activity_id: int) -> None:
    """Ask about research sharing in the activity and release its shareable answers."""
    from participation.exports.releases import make_release

    engine = make_engine(url)
    with Session(engine) as session:
        activity = session.get(Activity, activity_id)
        activity.research_sharing = "ask"
        make_release(session, None, activity)
        session.commit()
    engine.dispose()
