"""Sign-in (password, then a second factor when the member has one), sign-out, password change."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from participation import throttle
from participation.accounts import audit, factors
from participation.accounts.passwords import verify_password
from participation.accounts.staff import AccountError, authenticate, end_sessions, set_password
from participation.auth import bp
from participation.auth.access import PENDING_KEY, staff_required
from participation.auth.forms import ChangePasswordForm, SignInForm
from participation.clock import utcnow
from participation.db import get_session
from participation.models import Staff

GENERIC_FAILURE = "The email address or password is not right."
TOO_MANY = (
    "Too many attempts from this device. Wait 15 minutes and try again, or ask an administrator."
)
PAUSED = "Signing in is paused for a few minutes. Please try again shortly."


def safe_next(target: str | None) -> str:
    """`target` when it is a path on this site, else the dashboard."""
    if target and not urlsplit(target).netloc and target.startswith("/") and "//" not in target:
        return target
    return url_for("results.dashboard")


def _refusal(email: str) -> tuple[str, int] | None:
    """The refusal (message, status) when this client must stop trying, else None."""
    try:
        if throttle.sign_in_refused(email):
            return TOO_MANY, 429
    except throttle.ThrottleUnavailable:
        # Without the attempt counter guessing would be unlimited: refuse until it is back.
        return PAUSED, 503
    return None


def complete_sign_in(staff: Staff, method: str | None, target: str | None) -> str:
    """Start a brand-new session for `staff` (signed in with `method`); where to go next."""
    session.clear()  # nothing from before sign-in carries over
    login_user(staff)
    now = utcnow()
    session["signed_in_at"] = session["last_seen"] = now.timestamp()
    session["second_factor"] = method
    session.permanent = True
    staff.last_sign_in_at = now
    db = get_session()
    audit.record(db, "sign_in", staff=staff, service_id=staff.service_id, second_factor=method)
    db.commit()
    return safe_next(target)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Show the sign-in form and check the password; a second factor comes next if set up."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = SignInForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("auth/sign_in.html", form=form, error=None), status
    email = form.email.data.strip().lower()
    refusal = _refusal(email)
    if refusal:
        return render_template("auth/sign_in.html", form=form, error=refusal[0]), refusal[1]
    db = get_session()
    staff = authenticate(db, email, form.password.data)
    if staff is None:
        throttle.sign_in_failed(email)
        audit.record(db, "sign_in_failed", staff=None)
        db.commit()
        return render_template("auth/sign_in.html", form=form, error=GENERIC_FAILURE)
    throttle.sign_in_succeeded(email)
    if not factors.has_second_factor(db, staff):
        return redirect(complete_sign_in(staff, None, request.args.get("next")))
    session.clear()
    session[PENDING_KEY] = {
        "token": staff.session_token,
        "at": utcnow().timestamp(),
        "next": request.args.get("next"),
    }
    return redirect(url_for("auth.second_factor"))


def _end_this_session() -> None:
    logout_user()
    session.clear()


@bp.post("/sign-out")
def sign_out():
    """Sign out: the member's sessions end on the server, so a copied cookie is dead too."""
    if current_user.is_authenticated:
        db = get_session()
        staff = current_user._get_current_object()
        end_sessions(staff)
        audit.record(db, "sign_out", staff=staff)
        db.commit()
    _end_this_session()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.sign_in"))


@bp.post("/sign-out-everywhere")
@staff_required()
def sign_out_everywhere():
    """End every session of yours, on every device."""
    db = get_session()
    staff = current_user._get_current_object()
    end_sessions(staff)
    audit.record(db, "signed_out_everywhere", staff=staff, target=staff)
    db.commit()
    _end_this_session()
    flash("You have signed out on every device.", "info")
    return redirect(url_for("auth.sign_in"))


def _current_password_ok(staff: Staff, password: str) -> str | None:
    """The problem with the current password typed on the change page, or None."""
    try:
        if not throttle.account_attempts_left(throttle.REAUTH_PER_ACCOUNT, "reauth", staff.id):
            return "Too many wrong passwords. Wait 15 minutes and try again."
    except throttle.ThrottleUnavailable:
        return PAUSED
    if verify_password(staff.password_hash, password):
        return None
    throttle.hit(throttle.REAUTH_PER_ACCOUNT, "reauth", f"staff:{staff.id}", fail_open=True)
    return "Your current password is not right."


@bp.route("/password", methods=["GET", "POST"])
@staff_required()
def change_password():
    """Change your own password; every other session of yours ends."""
    form = ChangePasswordForm()
    staff = current_user._get_current_object()
    if form.validate_on_submit():
        problem = _current_password_ok(staff, form.current_password.data)
        if problem:
            form.current_password.errors.append(problem)
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
    return render_template("auth/change_password.html", form=form, staff=staff)
