"""Friendly error pages."""

from __future__ import annotations

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import BadRequest, HTTPException

from participation.problems import DomainError

MESSAGES = {
    400: ("Something went wrong with that request", "Go back and try again."),
    403: ("You cannot see this page", "Your account does not have access to it."),
    404: ("Page not found", "Check the web address, or go back to the start."),
    405: ("That did not work", "Go back and try again."),
    413: (
        "That was too much to send in one go",
        "Some answers were very long. Go back, shorten your longest answer and send again.",
    ),
    429: ("Too many tries", "Wait a few minutes, then try again."),
    500: (
        "Sorry, something went wrong on our side",
        "Nothing you did caused this. Try again in a minute.",
    ),
    503: ("Sorry, we are busy right now", "Wait a moment and try again."),
}

STAFF_PREFIXES = ("/staff", "/studio", "/results", "/research", "/admin")

OUT_OF_RANGE = (
    "Something in what you sent could not be stored, like a number or date that is far too "
    "big. Go back, check what you typed and try again."
)


class BadInput(BadRequest):
    """A 400 whose description is plain advice for the person who sent the request."""


def is_youth_path(path: str) -> bool:
    """Whether `path` belongs to the young people's side (which needs quick exit and help)."""
    return not path.startswith(STAFF_PREFIXES)


def render_error(code: int, description: str | None = None):
    """Render the friendly page for an HTTP error code."""
    title, advice = MESSAGES.get(code, MESSAGES[500])
    layout = "youth/base.html" if is_youth_path(request.path) else "staff/base.html"
    html = render_template(
        "errors/error.html", layout=layout, code=code, title=title, advice=description or advice
    )
    return html, code


# Fields never echoed back into a page, even a young person's own.
_NOT_CARRIED = {"csrf_token", "password"}


def posted_fields() -> list[tuple[str, str]]:
    """What a form posted, to carry on a try-again page (never the CSRF token or a password)."""
    if request.method != "POST":
        return []
    return [(k, v) for k, v in request.form.items(multi=True) if k not in _NOT_CARRIED]


def render_busy():
    """The 503 "try again" page; a young person's posted form rides along so nothing is lost."""
    from participation.db import close_session

    # The failed transaction is rolled back before anything else touches the database.
    close_session()
    title, advice = MESSAGES[503]
    youth = is_youth_path(request.path)
    carried = posted_fields() if youth else []
    html = render_template(
        "errors/busy.html",
        layout="youth/base.html" if youth else "staff/base.html",
        title=title,
        advice=advice,
        carried=carried,
        action=request.path,
    )
    return html, 503, {"Retry-After": "5"}


def roll_back() -> None:
    """Roll back the request's transaction, so the error page can still read the database.

    After a failed statement the session refuses all work (PendingRollbackError) until then,
    and the page reads the signed-in staff member for its menu.
    """
    session = g.get("db_session")
    if session is None:
        return
    try:
        session.rollback()
    except Exception:  # a broken connection: start afresh instead
        from participation.db import close_session

        close_session()


def init_app(app: Flask) -> None:
    """Register handlers for HTTP errors, CSRF failures and input the database refused."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        roll_back()
        return render_error(exc.code or 500, exc.description if isinstance(exc, BadInput) else None)

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def out_of_range(exc: Exception):
        # A value the database can't hold (a huge number, a year past 9999, NUL in text):
        # the request was at fault, not the server.
        app.logger.warning(
            "Input out of range on %s %s: %s", request.method, request.path, type(exc).__name__
        )
        roll_back()
        return render_error(400, OUT_OF_RANGE)

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        roll_back()
        return render_error(exc.status, exc.message or None)

    @app.errorhandler(CSRFError)
    def csrf_error(_exc: CSRFError):
        return render_error(400, "The form had expired. Go back, refresh the page and try again.")

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError):
        # A locked SQLite file or a database that is restarting: nothing was written (the
        # transaction is rolled back), so the honest answer is "try again", not "error".
        if "database is locked" in str(exc.orig):
            app.logger.warning("Database busy on %s %s", request.method, request.path)
        else:
            app.logger.exception("Database unavailable on %s %s", request.method, request.path)
        return render_busy()

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        roll_back()
        return render_error(500)
