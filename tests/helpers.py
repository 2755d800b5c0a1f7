"""Helpers for tests: parsing pages and submitting forms with their CSRF token."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyotp
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.test import TestResponse

from participation import db

PASSWORD = "correct-horse-battery-staple-7"


def page(response: TestResponse) -> BeautifulSoup:
    """Parse a response's HTML."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text_of(response: TestResponse) -> str:
    """The visible text of a page, whitespace collapsed."""
    return " ".join(page(response).get_text(" ").split())


def csrf_token(response: TestResponse) -> str:
    """The CSRF token of the first form on the page."""
    field = page(response).find("input", attrs={"name": "csrf_token"})
    assert field is not None, "no csrf_token on the page"
    return field["value"]


def submit_form(
    client: FlaskClient,
    url: str,
    data: dict[str, Any],
    *,
    form_url: str | None = None,
    follow_redirects: bool = False,
) -> TestResponse:
    """GET the page holding the form (default: `url`), then POST `data` with its CSRF token."""
    token = csrf_token(client.get(form_url or url))
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=follow_redirects)


def totp_code(secret: str, last_step: int | None = None) -> str:
    """A TOTP code for `secret` the server will accept: a time step after `last_step` if used.

    The server takes the previous, current or next step, each once.
    """
    totp = pyotp.TOTP(secret)
    current = int(time.time() // totp.interval)
    step = current if last_step is None or last_step < current else last_step + 1
    assert step <= current + 1, "every TOTP code of this half-minute has been used"
    return totp.generate_otp(step)


@contextmanager
def recorded_statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements run while the block runs, in order: those `engine` runs and the
    plain reads sent straight to the database driver (participation.db.first_row)."""
    statements: list[str] = []
    plain_read = db.first_row

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    def recorded_read(session: Any, sql: str, params: tuple[Any, ...]) -> Any:
        statements.append(sql)
        return plain_read(session, sql, params)

    event.listen(engine, "before_cursor_execute", record)
    db.first_row = recorded_read
    try:
        yield statements
    finally:
        db.first_row = plain_read
        event.remove(engine, "before_cursor_execute", record)


def drawn_then_kept(app: Any, draw: Any) -> tuple[Any, Any, Any]:
    """What `draw()` gives with kept markup off, then twice with it on (kept, then reused)."""
    app.config["KEEP_QUESTION_MARKUP"] = False
    drawn = draw()
    app.config["KEEP_QUESTION_MARKUP"] = True
    return drawn, draw(), draw()
