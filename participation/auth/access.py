"""Signed-in staff: loading, session timeouts and role checks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import select

from participation.clock import utcnow
from participation.db import get_session
from participation.extensions import login_manager
from participation.models import Staff

STAFF_SESSION_KEYS = ("signed_in_at", "last_seen")
# A password accepted, waiting for the second factor: {"token", "at", "next"}.
PENDING_KEY = "pending_sign_in"
PENDING_SECONDS = 10 * 60


@login_manager.user_loader
def load_staff(token: str) -> Staff | None:
    """Find the active staff member whose current session token is `token`."""
    return get_session().scalar(
        select(Staff).where(Staff.session_token == token, Staff.is_active.is_(True))
    )


def pending_staff() -> Staff | None:
    """The member whose password was accepted in this session, awaiting a second factor."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if utcnow().timestamp() - float(pending.get("at", 0)) > PENDING_SECONDS:
        session.pop(PENDING_KEY, None)
        return None
    return load_staff(str(pending.get("token", "")))


def init_app(app: Flask) -> None:
    """Install the login manager, the session timeouts and the account set-up checks."""
    # The staff member is loaded only when a page reads current_user (young people's never do).
    login_manager.init_app(app, add_context_processor=False)
    # A global rather than a context processor: nothing runs on pages that never ask.
    app.add_template_global(current_user, "current_user")
    app.before_request(enforce_session_timeouts)
    app.before_request(enforce_account_setup)


def enforce_account_setup() -> Any:
    """Send staff to change an issued password, or to set up a required second factor, first."""
    if "_user_id" not in session or request.blueprint in (None, "auth", "youth"):
        return None
    if not current_user.is_authenticated:
        return None
    if current_user.must_change_password:
        flash("Choose your own password before you go on.", "info")
        return redirect(url_for("auth.change_password"))
    if current_user.needs_second_factor and not session.get("second_factor"):
        flash(
            "Your role can see possible disclosures, so set up a second way to sign in first.",
            "info",
        )
        return redirect(url_for("auth.account_security"))
    return None


def enforce_session_timeouts() -> Any:
    """Sign staff out after 30 idle minutes or 12 hours, whichever comes first."""
    if "_user_id" not in session:
        return None
    now = utcnow().timestamp()
    idle = timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"]).total_seconds()
    absolute = timedelta(hours=current_app.config["STAFF_ABSOLUTE_HOURS"]).total_seconds()
    signed_in_at = session.get("signed_in_at", 0)
    last_seen = session.get("last_seen", 0)
    if now - last_seen > idle or now - signed_in_at > absolute:
        logout_user()
        session.clear()
        flash("You were signed out because the session timed out. Please sign in again.", "info")
        return redirect(
            url_for("auth.sign_in", next=request.full_path if request.method == "GET" else None)
        )
    # Only rewrite the cookie once a minute, so polling screens do not churn it.
    if now - last_seen > 60:
        session["last_seen"] = now
    return None


def staff_required(*roles: str, safeguarding: bool = False) -> Callable:
    """Require a signed-in, active staff member, optionally of `roles` or a safeguarding lead."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and current_user.role not in roles:
                abort(403)
            if safeguarding and not current_user.is_safeguarding_lead:
                abort(403)
            return view(*args, **kwargs)

        # A mark on the view function: mypy knows no attributes set on a function.
        wrapped.staff_only = True  # type: ignore[attr-defined]
        return wrapped

    return decorator
