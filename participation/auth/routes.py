"""Sign-in and sign-out views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from participation import throttle
from participation.accounts import audit
from participation.accounts.passwords import verify_password
from participation.accounts.staff import AccountError, authenticate, set_password
from participation.auth import bp
from participation.auth.access import staff_required
from participation.auth.forms import ChangePasswordForm, SignInForm
from participation.clock import utcnow
from participation.db import get_session

GENERIC_FAILURE = "The email address or password is not right."
TOO_MANY = "Too many attempts. Wait 15 minutes and try again, or ask an administrator."
PAUSED = "Signing in is paused for a few minutes. Please try again shortly."


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and "//" not in target:
        return target
    return url_for("results.dashboard")


def _throttle_keys(email: str) -> tuple[tuple[str, str], ...]:
    return (
        (throttle.SIGN_IN_PER_ACCOUNT, "account:" + throttle.client_key_for(email)),
        (throttle.SIGN_IN_PER_CLIENT, "client:" + throttle.client_key()),
    )


def _throttled(keys: tuple[tuple[str, str], ...]) -> tuple[str, int] | None:
    """The refusal (message, status) when sign-in attempts must stop, else None."""
    try:
        if any(throttle.blocked(limit, "sign-in", key, fail_open=False) for limit, key in keys):
            return TOO_MANY, 429
    except throttle.ThrottleUnavailable:
        # Without the attempt counter guessing would be unlimited: refuse until it is back.
        return PAUSED, 503
    return None


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Show the sign-in form and sign staff in."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = SignInForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("auth/sign_in.html", form=form, error=None), status
    email = form.email.data.strip().lower()
    keys = _throttle_keys(email)
    refusal = _throttled(keys)
    if refusal:
        return render_template("auth/sign_in.html", form=form, error=refusal[0]), refusal[1]
    db = get_session()
    staff = authenticate(db, email, form.password.data)
    if staff is None:
        for limit, key in keys:
            throttle.hit(limit, "sign-in", key, fail_open=True)
        audit.record(db, "sign_in_failed", staff=None)
        db.commit()
        return render_template("auth/sign_in.html", form=form, error=GENERIC_FAILURE)
    throttle.reset(keys[0][0], "sign-in", keys[0][1])
    # A brand-new session: nothing from before sign-in carries over.
    session.clear()
    login_user(staff)
    now = utcnow()
    session["signed_in_at"] = session["last_seen"] = now.timestamp()
    session.permanent = True
    staff.last_sign_in_at = now
    audit.record(db, "sign_in", staff=staff, service_id=staff.service_id)
    db.commit()
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/sign-out")
def sign_out():
    """Sign out and forget the session."""
    if current_user.is_authenticated:
        db = get_session()
        audit.record(db, "sign_out", staff=current_user)
        db.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/password", methods=["GET", "POST"])
@staff_required()
def change_password():
    """Change your own password; every other session of yours ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        staff = current_user._get_current_object()
        if not verify_password(staff.password_hash, form.current_password.data):
            form.current_password.errors.append("Your current password is not right.")
        else:
            try:
                set_password(staff, form.new_password.data)
            except AccountError as exc:
                form.new_password.errors.append(str(exc))
            else:
                db = get_session()
                audit.record(db, "password_changed", staff=staff, service_id=staff.service_id)
                db.commit()
                login_user(staff)  # this session carries on under the new token
                flash(
                    "Your password has been changed. Other devices have been signed out.", "success"
                )
                return redirect(url_for("results.dashboard"))
    return render_template("auth/change_password.html", form=form)
