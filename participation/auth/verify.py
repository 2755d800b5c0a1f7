"""The second step of sign-in: a code from an authenticator app, a recovery code or a passkey."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, jsonify, redirect, render_template, request, session, url_for

from participation import throttle
from participation.accounts import audit, factors
from participation.auth import bp
from participation.auth.access import PENDING_KEY, pending_staff
from participation.auth.forms import CodeForm
from participation.auth.routes import PAUSED, complete_sign_in
from participation.db import get_session
from participation.models import Staff

CHALLENGE_KEY = "webauthn_sign_in"
WRONG_CODE = "That code is not right. Check your app and try again."
TOO_MANY_CODES = "Too many wrong codes. Wait 15 minutes and sign in again."


def _base_url() -> str:
    return current_app.config["BASE_URL"]


def _refused(staff: Staff) -> str | None:
    try:
        if not throttle.account_attempts_left(
            throttle.SECOND_FACTOR_PER_ACCOUNT, "second-factor", staff.id
        ):
            return TOO_MANY_CODES
    except throttle.ThrottleUnavailable:
        return PAUSED
    return None


def _failed(staff: Staff) -> None:
    db = get_session()
    throttle.hit(
        throttle.SECOND_FACTOR_PER_ACCOUNT, "second-factor", f"staff:{staff.id}", fail_open=True
    )
    audit.record(db, "second_factor_failed", staff=staff)
    db.commit()


def _finish(staff: Staff, method: str) -> str:
    target = (session.get(PENDING_KEY) or {}).get("next")
    return complete_sign_in(staff, method, target)


@bp.route("/sign-in/code", methods=["GET", "POST"])
def second_factor():
    """Ask for the second factor after a correct password."""
    staff = pending_staff()
    if staff is None:
        flash("Please sign in again.", "info")
        return redirect(url_for("auth.sign_in"))
    db = get_session()
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        problem = _refused(staff)
        method = None if problem else factors.verify_code(db, staff, form.code.data)
        if method:
            target = _finish(staff, method)
            if method == "recovery":
                left = factors.remaining_recovery_codes(db, staff)
                flash(f"You used a recovery code. You have {left} left.", "info")
            return redirect(target)
        if not problem:
            _failed(staff)
        form.code.errors.append(problem or WRONG_CODE)
        status = 429 if problem == TOO_MANY_CODES else 200
    elif form.is_submitted():
        status = 400
    passkeys = factors.passkeys_of(db, staff)
    return render_template(
        "auth/second_factor.html", form=form, has_totp=bool(staff.totp_secret), passkeys=passkeys
    ), status


@bp.post("/sign-in/passkey/options")
def passkey_sign_in_options():
    """The options for navigator.credentials.get(), for the member signing in."""
    staff = pending_staff()
    if staff is None:
        return jsonify(error="Please sign in again."), 400
    options, challenge = factors.authentication_options(get_session(), staff, _base_url())
    session[CHALLENGE_KEY] = factors.challenge_text(challenge)
    return options, 200, {"Content-Type": "application/json"}


@bp.post("/sign-in/passkey")
def passkey_sign_in():
    """Check the passkey's answer to the challenge and finish signing in."""
    staff = pending_staff()
    challenge = session.pop(CHALLENGE_KEY, None)
    credential: Any = request.get_json(silent=True)
    if staff is None or not challenge or not isinstance(credential, dict):
        return jsonify(error="Please sign in again."), 400
    problem = _refused(staff)
    if problem:
        return jsonify(error=problem), 429
    db = get_session()
    if factors.check_passkey(
        db, staff, credential, factors.challenge_bytes(challenge), _base_url()
    ):
        return jsonify(redirect=_finish(staff, "passkey"))
    _failed(staff)
    return jsonify(error="That passkey did not work. Try again, or use a code."), 400
