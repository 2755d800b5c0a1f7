"""Sign-in and sign-out views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from participation import audit, throttle
from participation.auth import bp
from participation.auth.forms import SignInForm
from participation.auth.service import authenticate
from participation.clock import utcnow
from participation.db import get_session

GENERIC_FAILURE = "The email address or password is not right."


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and "//" not in target:
        return target
    return url_for("results.dashboard")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Show the sign-in form and sign staff in."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = SignInForm()
    error = None
    status = 200
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        account_key = "account:" + throttle.client_key_for(email)
        client_key = "client:" + throttle.client_key()
        try:
            too_many = throttle.blocked(
                throttle.SIGN_IN_PER_ACCOUNT, "sign-in", account_key, fail_open=False
            ) or throttle.blocked(
                throttle.SIGN_IN_PER_CLIENT, "sign-in", client_key, fail_open=False
            )
        except throttle.ThrottleUnavailable:
            too_many = True
        if too_many:
            error = "Too many attempts. Wait 15 minutes and try again, or ask an administrator."
            status = 429
        else:
            db = get_session()
            staff = authenticate(db, email, form.password.data)
            if staff is None:
                throttle.hit(throttle.SIGN_IN_PER_ACCOUNT, "sign-in", account_key, fail_open=True)
                throttle.hit(throttle.SIGN_IN_PER_CLIENT, "sign-in", client_key, fail_open=True)
                audit.record(db, "sign_in_failed")
                db.commit()
                error = GENERIC_FAILURE
            else:
                throttle.reset(throttle.SIGN_IN_PER_ACCOUNT, "sign-in", account_key)
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
    elif form.is_submitted():
        status = 400
    return render_template("auth/sign_in.html", form=form, error=error), status


@bp.post("/sign-out")
def sign_out():
    """Sign out and forget the session."""
    if current_user.is_authenticated:
        db = get_session()
        audit.record(db, "sign_out")
        db.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.sign_in"))
