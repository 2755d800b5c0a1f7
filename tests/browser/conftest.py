"""Real-browser tests: the app under gunicorn with its own database, driven by Debian's Chromium.

One server and one browser serve the whole run; each test opens fresh browser contexts
(`visit`), so nothing carries over between tests. Without Chromium the tests are skipped and
the run ends by saying why — unless PARTICIPATION_REQUIRE_BROWSER=1 (CI), which turns a
browser that cannot start into a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
import pytest
import requests
from playwright.sync_api import Browser, Playwright, sync_playwright
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from participation.activities import content_version
from participation.commands.demo import DEMO_PASSWORD, DEMO_TOTP_SECRETS, load_demo
from participation.commands.migrate import upgrade
from participation.commands.seed import ensure_reference_data
from participation.db import make_engine
from participation.models import Activity, Service, Submission
from tests.browser.support import (
    ARTIFACTS,
    DEVICES,
    SCREENSHOTS,
    RunReport,
    Traffic,
    Visitor,
    slug,
)
from tests.browser.wsgi import NEUTRAL_PATH
from tests.databases import throwaway_postgres
from tests.factories import Factory

CHROMIUM = os.environ.get("PARTICIPATION_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
SERVER_SECRET = "browser-tests-secret-key-" + "x" * 24
SERVER_START_SECONDS = 30
REPORT_KEY = pytest.StashKey[RunReport]()

# The demo's Spoke that runs DEMOYP, and its staff (password: DEMO_PASSWORD).
SPOKE = "Millbrook Spoke"
LEAD = "lead@north.example.org"
SAFEGUARDING_LEAD = "safeguarding@north.example.org"


def backend() -> str:
    """Which database the server runs on, to keep each CI pass's artifacts apart."""
    return "postgresql" if os.environ.get("PARTICIPATION_TEST_DATABASE_URL") else "sqlite"


def screenshots() -> Path:
    """Where this run's screenshots go: artifacts/screenshots/<database>/<test>/..."""
    return SCREENSHOTS / backend()


def browser_required() -> bool:
    """Whether a missing or broken browser must fail the run (CI) rather than skip."""
    return os.environ.get("PARTICIPATION_REQUIRE_BROWSER", "").lower() in {"1", "true", "yes"}


def run_report(config: pytest.Config) -> RunReport:
    """The run's report, created on first use."""
    if REPORT_KEY not in config.stash:
        config.stash[REPORT_KEY] = RunReport()
    return config.stash[REPORT_KEY]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(
    terminalreporter: Any, exitstatus: int, config: pytest.Config
) -> Iterator[None]:
    """End the run by saying why browser tests were skipped, or what they measured."""
    result = yield  # after pytest's own summary, so this is the last thing before the counts
    report = config.stash.get(REPORT_KEY, None)
    if report is None:
        return result
    if report.skipped_reason:
        terminalreporter.write_line(
            f"browser tests were skipped: {report.skipped_reason}", yellow=True, bold=True
        )
        return result
    if report.youth_weights:
        terminalreporter.section("young people's pages, gzip-compressed HTML+CSS+JS")
        for name, size in sorted(report.youth_weights.items(), key=lambda item: -item[1]):
            terminalreporter.write_line(f"{size:>7} B  {name}")
    if report.axe_pages:
        terminalreporter.write_line(
            f"axe-core (WCAG 2.2 AA tags) ran on {len(report.axe_pages)} page views"
        )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"browser-report-{backend()}.json").write_text(
        json.dumps(
            {
                "youth_page_weights": report.youth_weights,
                "axe_pages": report.axe_pages,
            },
            indent=2,
        )
    )
    return result


# --- the app under a real WSGI server ------------------------------------------------------


@dataclass
class ActivityRef:
    """What a test needs to know about an activity it created."""

    id: int
    code: str
    title: str


@dataclass
class LiveServer:
    """The running app: where it is, and its database (which tests may read and write)."""

    base_url: str
    database_url: str
    engine: Engine
    log_path: Path
    # The server's linking-code keys (PARTICIPATION_LINK_KEY_DIR), one file per Hub.
    link_key_dir: Path

    @property
    def exit_url(self) -> str:
        """Where the quick exit goes in these tests: a neutral page on the same server."""
        return self.base_url + NEUTRAL_PATH

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session on the server's database; commits when the block succeeds."""
        # Changes made here count as content changes, as the server's own would.
        content_version.install()
        with Session(self.engine) as session:
            yield session
            session.commit()

    def add_activity(self, service: str = SPOKE, **fields: Any) -> ActivityRef:
        """Create an activity (open, one question of every kind unless told) in `service`."""
        with self.session() as session:
            owner = session.scalars(select(Service).where(Service.name == service)).one()
            activity: Activity = Factory(session).activity(owner, **fields)
            ref = ActivityRef(activity.id, activity.join_code, activity.title)
        return ref

    def stored(self, activity_id: int) -> list[dict[str, Any]]:
        """Each stored submission of an activity: research choice and rows per question position."""
        with self.session() as session:
            submissions = session.scalars(
                select(Submission).where(Submission.activity_id == activity_id)
            ).all()
            stored = []
            for submission in submissions:
                rows: dict[int, list[tuple[int, int | None, str | None]]] = {}
                for answer in submission.answers:
                    position = answer.question.position
                    rows.setdefault(position, []).append((answer.part, answer.choice, answer.text))
                stored.append(
                    {
                        "research_consent": submission.research_consent,
                        "rows": {position: sorted(found) for position, found in rows.items()},
                    }
                )
        return stored

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's log."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def prepare_database(url: str, link_key_dir: Path) -> None:
    """Migrate `url`, add reference data and the demo data (DEMOYP, the demo staff, outcomes)."""
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        ensure_reference_data(session)
        load_demo(session, submissions=60, link_key_dir=link_key_dir)
        session.commit()
    engine.dispose()


@contextmanager
def server_database(tmp: Path, link_key_dir: Path) -> Iterator[str]:
    """A database for the server only: a temporary SQLite file, or a fresh PostgreSQL one."""
    base = os.environ.get("PARTICIPATION_TEST_DATABASE_URL")
    if not base:
        url = f"sqlite:///{tmp / 'browser.sqlite3'}"
        prepare_database(url, link_key_dir)
        yield url
        return
    with throwaway_postgres(base, "browser") as url:
        prepare_database(url, link_key_dir)
        yield url


def free_port() -> int:
    """A localhost port nobody is listening on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(process: subprocess.Popen, base_url: str) -> bool:
    """Wait for the server to answer; False if it exited first."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            if requests.get(base_url + "/", timeout=5).status_code == 200:
                return True
        except requests.RequestException:
            pass  # still starting
        time.sleep(0.1)
    return False


@contextmanager
def gunicorn(
    database_url: str, log_path: Path, link_key_dir: Path, host: str = "127.0.0.1"
) -> Iterator[str]:
    """Serve the app with the production gunicorn settings on a free port; yield its URL.

    `host` names the server in its base URL (passkeys need a domain name such as localhost).
    """
    for _attempt in range(3):
        port = free_port()
        base_url = f"http://{host}:{port}"
        env = {
            **os.environ,
            "PARTICIPATION_DATABASE_URL": database_url,
            "PARTICIPATION_SECRET_KEY": SERVER_SECRET,
            "PARTICIPATION_BASE_URL": base_url,
            "PARTICIPATION_EXIT_URL": base_url + NEUTRAL_PATH,
            "PARTICIPATION_RATELIMIT_STORAGE_URI": "memory://",
            "PARTICIPATION_BIND": f"127.0.0.1:{port}",
            "PARTICIPATION_WORKERS": "2",
            "PARTICIPATION_THREADS": "4",
            "PARTICIPATION_ACCESS_LOG": str(log_path),
            "PARTICIPATION_LINK_KEY_DIR": str(link_key_dir),
        }
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    "python:participation.gunicorn_conf",
                    "tests.browser.wsgi:create()",
                ],
                cwd=Path(__file__).resolve().parents[2],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            if wait_until_serving(process, base_url):
                yield base_url
                return
            if "Address already in use" not in log_path.read_text(errors="replace"):
                break
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-30:])
    raise RuntimeError(f"gunicorn did not start serving the app:\n{tail}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with demo data, served by gunicorn on a free localhost port."""
    tmp = tmp_path_factory.mktemp("browser")
    log_path = tmp / "server.log"
    link_key_dir = tmp / "link-keys"
    with server_database(tmp, link_key_dir) as database_url:
        engine = make_engine(database_url)
        try:
            with gunicorn(database_url, log_path, link_key_dir) as base_url:
                yield LiveServer(base_url, database_url, engine, log_path, link_key_dir)
        finally:
            engine.dispose()
            ARTIFACTS.mkdir(exist_ok=True)
            if log_path.exists():
                shutil.copy(log_path, ARTIFACTS / f"browser-server-{backend()}.log")


# --- the browser ---------------------------------------------------------------------------


def _start_chromium() -> tuple[Playwright | None, Browser | None, str | None]:
    if not Path(CHROMIUM).exists():
        return None, None, f"no Chromium at {CHROMIUM} (install Debian's 'chromium' package)"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=60_000
        )
    except Exception as exc:  # any launch failure is reported the same way
        playwright.stop()
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return None, None, f"Chromium at {CHROMIUM} could not start: {first_line}"
    return playwright, browser, None


@pytest.fixture(scope="session")
def browser(pytestconfig: pytest.Config) -> Iterator[Browser]:
    """Headless Chromium with a fresh profile, shared by the run; skip or fail without it."""
    playwright, chromium, reason = _start_chromium()
    if reason:
        if browser_required():
            pytest.fail(f"PARTICIPATION_REQUIRE_BROWSER is set and {reason}", pytrace=False)
        run_report(pytestconfig).skipped_reason = reason
        pytest.skip(reason)
    assert playwright is not None and chromium is not None
    shutil.rmtree(screenshots(), ignore_errors=True)
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture
def visit(
    browser: Browser,
    live_server: LiveServer,
    request: pytest.FixtureRequest,
    pytestconfig: pytest.Config,
) -> Iterator[Callable[..., Visitor]]:
    """Open a new, separate browser context on the app: `visit("phone", javascript=False)`."""
    opened: list[Visitor] = []
    report = run_report(pytestconfig)

    def open_visitor(device: str = "phone", *, javascript: bool = True, **options: Any) -> Visitor:
        context = browser.new_context(
            **DEVICES[device],
            java_script_enabled=javascript,
            locale="en-GB",
            **options,
        )
        context.set_default_timeout(10_000)
        traffic = Traffic(live_server.base_url)
        traffic.attach(context)
        label = f"{len(opened) + 1}-{device}" + ("" if javascript else "-no-js")
        shots = screenshots() / slug(request.node.name) / label
        visitor = Visitor(
            context, traffic, live_server.base_url, shots, report, device, javascript=javascript
        )
        opened.append(visitor)
        return visitor

    yield open_visitor
    for visitor in opened:
        visitor.close()
    for visitor in opened:
        assert not visitor.traffic.outside, "requests left the app: " + ", ".join(
            visitor.traffic.outside
        )


# The TOTP time step each demo member last used: the server accepts each code once.
_TOTP_STEPS: dict[str, int] = {}


def demo_totp_code(email: str) -> str:
    """A code from the demo member's authenticator app that the server has not seen yet."""
    totp = pyotp.TOTP(DEMO_TOTP_SECRETS[email])
    last = _TOTP_STEPS.get(email)
    while True:
        current = int(time.time() // totp.interval)
        step = current if last is None or last < current else last + 1
        if step <= current + 1:  # the server also takes the next half-minute's code
            break
        time.sleep(1)
    _TOTP_STEPS[email] = step
    return totp.generate_otp(step)


def sign_in(visitor: Visitor, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign a member of staff in through the real forms (with their authenticator code)."""
    page = visitor.page
    visitor.goto("/staff/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    if page.url.endswith("/staff/sign-in/code"):
        page.get_by_label("Code").fill(demo_totp_code(email))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state("load")
    assert "/staff/sign-in" not in page.url, f"sign-in failed for {email}"
