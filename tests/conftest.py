"""Shared fixtures: a migrated database per run, an app per test, each test rolled back.

Set PARTICIPATION_TEST_DATABASE_URL to run on PostgreSQL: a fresh database is created for
the run (so parallel runs never collide) and dropped afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from participation import create_app
from participation.commands.migrate import upgrade
from participation.commands.seed import ensure_reference_data
from participation.db import make_engine
from participation.models import Staff
from tests import helpers
from tests.databases import throwaway_postgres

pytest_plugins = ["tests.factories"]

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A brand-new, migrated database for this test run."""
    base = os.environ.get("PARTICIPATION_TEST_DATABASE_URL")
    if not base:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        prepare(url)
        yield url
        return
    with throwaway_postgres(base, "run") as url:
        prepare(url)
        yield url


@pytest.fixture
def empty_database_url(tmp_path) -> Iterator[str]:
    """An empty database of the kind the suite runs on (SQLite file or new PostgreSQL db)."""
    base = os.environ.get("PARTICIPATION_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
        return
    with throwaway_postgres(base, "upgrade") as url:
        yield url


def prepare(url: str) -> None:
    """Migrate `url` to head and add the reference data."""
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        ensure_reference_data(session)
        session.commit()
    engine.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """The engine every test shares."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    conn = engine.connect()
    transaction = conn.begin()
    yield conn
    if transaction.is_active:
        transaction.rollback()
    conn.close()


@pytest.fixture
def app(connection: Connection, database_url: str, tmp_path: Path) -> Flask:
    """The app, with every session joined to the test's rolled-back transaction."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "ENGINE": connection.engine,
            "SECRET_KEY": TEST_SECRET,
            "BASE_URL": "http://participation.test",
            "LINK_KEY_DIR": tmp_path / "link-keys",
        }
    )
    app.instance_path = str(tmp_path / "instance")
    app.extensions["sessionmaker"] = sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    # No app context stays pushed: each request must get its own `g`, as in production.
    return app


@pytest.fixture
def db_session(app: Flask) -> Iterator[Session]:
    """A session on the test's transaction: it sees what requests write, and they see its flushes."""
    session = app.extensions["sessionmaker"]()
    yield session
    session.close()


@pytest.fixture
def app_context(app: Flask) -> Iterator[None]:
    """Push an app context for tests that call code needing `current_app`."""
    with app.app_context():
        yield


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    """A CLI runner for the app."""
    return app.test_cli_runner()


@pytest.fixture
def sign_in(client: FlaskClient, db_session: Session):
    """Sign `staff` in through the real forms; returns the client.

    Staff with an authenticator app enter its current code; admins and safeguarding leads
    without one set it up on the real set-up page, as they would at their first sign-in.
    """

    def do_sign_in(staff, password: str = helpers.PASSWORD, *, into=None) -> FlaskClient:
        browser = into or client
        response = helpers.submit_form(
            browser, "/staff/sign-in", {"email": staff.email, "password": password}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        if response.headers["Location"].endswith("/staff/sign-in/code"):
            secret, last_step = db_session.execute(
                select(Staff.totp_secret, Staff.totp_last_step).where(Staff.id == staff.id)
            ).one()
            code = helpers.totp_code(secret, last_step)
            response = helpers.submit_form(browser, "/staff/sign-in/code", {"code": code})
            assert response.status_code == 302, response.get_data(as_text=True)
        elif staff.needs_second_factor:
            enrol_totp(browser)
        return browser

    return do_sign_in


def enrol_totp(client: FlaskClient) -> str:
    """Set up an authenticator app for the signed-in member on the real page; its secret."""
    setup = client.get("/staff/account/totp")
    secret = "".join(helpers.page(setup).select_one("[data-totp-secret]").get_text().split())
    response = helpers.submit_form(
        client, "/staff/account/totp", {"code": helpers.totp_code(secret)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    client.get(response.headers["Location"])  # the recovery codes, shown once
    return secret
