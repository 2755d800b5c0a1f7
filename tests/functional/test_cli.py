"""The console commands: create-user, demo, db upgrade and serve."""

from __future__ import annotations

import os
import socket
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from participation import create_app
from participation.commands.migrate import alembic_config
from participation.config import load_settings, served_base_url
from participation.db import make_engine
from participation.models import Activity, ParticipationType, Service, Staff, Submission
from tests.conftest import TEST_SECRET
from tests.databases import throwaway_postgres

ROOT = Path(__file__).resolve().parents[2]


def test_create_first_admin_without_a_service(runner, db_session):
    result = runner.invoke(
        args=["create-user", "First.Admin@Example.org", "--role", "admin", "--password-stdin"],
        input="a long enough passphrase\n",
    )
    assert result.exit_code == 0, result.output
    staff = db_session.scalar(select(Staff).where(Staff.email == "first.admin@example.org"))
    assert staff.role == "admin" and staff.service_id is None


def test_create_user_refuses_weak_password_and_missing_service(runner, make):
    service = make.service("Northside Spoke")
    weak = runner.invoke(
        args=[
            "create-user",
            "a@example.org",
            "--role",
            "lead",
            "--service",
            service.name,
            "--password-stdin",
        ],
        input="password\n",
    )
    assert weak.exit_code != 0 and "at least 12" in weak.output
    no_service = runner.invoke(
        args=["create-user", "b@example.org", "--role", "lead", "--password-stdin"],
        input="a long enough passphrase\n",
    )
    assert no_service.exit_code != 0 and "Choose a service" in no_service.output


def test_demo_is_idempotent_and_has_the_demo_code(runner, db_session):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Loaded demo data" in first.output and "/j/DEMOYP" in first.output
    counts = (
        db_session.scalar(select(func.count()).select_from(Service)),
        db_session.scalar(select(func.count()).select_from(Submission)),
    )
    second = runner.invoke(args=["demo"])
    assert "already loaded" in second.output
    assert counts == (
        db_session.scalar(select(func.count()).select_from(Service)),
        db_session.scalar(select(func.count()).select_from(Submission)),
    )
    demo = db_session.scalar(select(Activity).where(Activity.join_code == "DEMOYP"))
    assert demo.status == "open"
    assert counts[1] >= 200


# --- db upgrade says what it did -------------------------------------------------------


def head_revision() -> str:
    """The newest migration in the package."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


@pytest.fixture
def fresh_database(tmp_path) -> Iterator[tuple[str, str]]:
    """An empty database on the suite's kind of server, and where `db upgrade` says it is."""
    base = os.environ.get("PARTICIPATION_TEST_DATABASE_URL")
    if not base:
        path = tmp_path / "new" / "participation.sqlite3"
        path.parent.mkdir()
        yield f"sqlite:///{path}", str(path)
        return
    with throwaway_postgres(base, "cli") as url:
        yield url, make_url(url).render_as_string(hide_password=True)


def upgrade_on(url: str, *args: str):
    """Run `participation db upgrade ARGS` on an app whose database is `url`."""
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": TEST_SECRET})
    try:
        result = app.test_cli_runner().invoke(args=["db", "upgrade", *args])
    finally:
        app.extensions["engine"].dispose()
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_db_upgrade_says_it_created_then_upgraded_then_found_it_up_to_date(fresh_database):
    url, where = fresh_database
    head = head_revision()
    assert head != "0002"
    assert upgrade_on(url, "--revision", "0002") == f"Created the database at {where} (0002)."
    assert upgrade_on(url) == f"Upgraded the database from 0002 to {head}."
    assert upgrade_on(url) == f"The database is up to date ({head})."
    engine = make_engine(url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ParticipationType)) >= 8
    engine.dispose()


def test_db_upgrade_on_a_new_sqlite_file_names_the_file(tmp_path):
    path = tmp_path / "instance" / "participation.sqlite3"
    path.parent.mkdir()
    assert upgrade_on(f"sqlite:///{path}") == (
        f"Created the database at {path} ({head_revision()})."
    )
    assert path.stat().st_size > 0


# --- serve: the port, and QR codes that follow it ---------------------------------------


def free_port() -> int:
    """A local port nothing listens on (just now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(monkeypatch):
    """Stand in for the development server; records the apps it was asked to serve."""
    calls: list[tuple[str, int, object]] = []

    def fake_run_simple(host, port, app, **_options):
        calls.append((host, port, app))

    monkeypatch.setattr("werkzeug.serving.run_simple", fake_run_simple)
    return calls


def test_serve_refuses_a_busy_port_before_saying_it_serves(runner, served):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(args=["serve", "--port", str(port)])
    assert result.exit_code == 1
    assert f"Port {port} is already in use: try make run PORT={port + 1}" in result.output
    assert "Serving on" not in result.output
    assert served == []


def test_serve_points_qr_codes_at_its_own_port_when_no_base_url_is_set(
    app, runner, served, sign_in, make
):
    app.config["BASE_URL_FOLLOWS_SERVER"] = True  # as when PARTICIPATION_BASE_URL is unset
    port = free_port()
    result = runner.invoke(args=["serve", "--port", str(port)])
    assert result.exit_code == 0, result.output
    assert f"Serving on http://127.0.0.1:{port}" in result.output
    assert served == [("127.0.0.1", port, app)]

    spoke = make.service("Millbrook Spoke")
    activity = make.activity(spoke)
    response = sign_in(make.staff("lead", spoke)).get(f"/studio/activities/{activity.id}/qr.svg")
    svg = ET.fromstring(response.get_data(as_text=True))
    assert svg.get("aria-label") == f"QR code for http://127.0.0.1:{port}/j/{activity.join_code}"


def test_serve_keeps_the_base_url_it_was_given(app, runner, served):
    port = free_port()
    result = runner.invoke(args=["serve", "--port", str(port)])
    assert result.exit_code == 0, result.output
    assert "QR codes and links point at http://participation.test" in result.output
    assert app.config["BASE_URL"] == "http://participation.test"


def test_only_an_unset_base_url_follows_the_server(monkeypatch, tmp_path):
    monkeypatch.delenv("PARTICIPATION_BASE_URL", raising=False)
    assert load_settings(tmp_path, {"SECRET_KEY": TEST_SECRET})["BASE_URL_FOLLOWS_SERVER"]
    monkeypatch.setenv("PARTICIPATION_BASE_URL", "https://feedback.example.org")
    settings = load_settings(tmp_path, {"SECRET_KEY": TEST_SECRET})
    assert not settings["BASE_URL_FOLLOWS_SERVER"]
    assert settings["BASE_URL"] == "https://feedback.example.org"
    assert served_base_url("0.0.0.0", 5001) == "http://127.0.0.1:5001"  # noqa: S104 (not binding)


@pytest.mark.parametrize(("args", "port"), [((), "5000"), (("PORT=5001",), "5001")])
def test_make_run_serves_on_the_port_it_is_given(tmp_path, args, port):
    # A stand-in `participation` records how make calls it, and what base URL it is handed.
    fake = tmp_path / "participation"
    fake.write_text('#!/bin/sh\necho "participation $* base=${PARTICIPATION_BASE_URL-unset}"\n')
    fake.chmod(0o755)
    environment = {
        k: v for k, v in os.environ.items() if k not in ("PORT", "PARTICIPATION_BASE_URL")
    }
    result = subprocess.run(
        ["make", "--no-print-directory", "run", f"BIN={tmp_path}", "STAMP=", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    calls = [line for line in result.stdout.splitlines() if line.startswith("participation ")]
    assert calls == [
        "participation db upgrade base=unset",
        "participation demo base=unset",
        f"participation serve --host 127.0.0.1 --port {port} base=unset",
    ]
