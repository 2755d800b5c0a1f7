"""Account security: TOTP app, passkeys and recovery codes (required for some roles)."""

from __future__ import annotations

from typing import Any

from flask import (
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from participation.accounts import audit, factors
from participation.activities.qr import qr_svg
from participation.auth import bp
from participation.auth.access import staff_required
from participation.auth.forms import CodeForm, EmptyForm, PasskeyNameForm
from participation.db import get_session
from participation.problems import Conflict, FieldProblem

TOTP_KEY = "totp_setup"
CHALLENGE_KEY = "webauthn_register"
# New recovery codes wait here (in the member's own signed cookie) until shown, once.
NEW_CODES_KEY = "new_recovery_codes"


def _me() -> Any:
    return current_user._get_current_object()


@bp.get("/account")
@staff_required()
def account_security():
    """Your second factors, recovery codes and sessions."""
    db = get_session()
    staff = _me()
    return render_template(
        "auth/security.html",
        staff=staff,
        passkeys=factors.passkeys_of(db, staff),
        codes_left=factors.remaining_recovery_codes(db, staff),
        has_factor=factors.has_second_factor(db, staff),
        form=EmptyForm(),
        passkey_form=PasskeyNameForm(),
    )


@bp.route("/account/totp", methods=["GET", "POST"])
@staff_required()
def totp_setup():
    """Set up an authenticator app: its secret as text and as a QR code, then one code."""
    staff = _me()
    secret = session.get(TOTP_KEY) or factors.new_totp_secret()
    session[TOTP_KEY] = secret
    form = CodeForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            codes = factors.enrol_totp(db, staff, secret, form.code.data)
        except FieldProblem as problem:
            form.code.errors.append(problem.message)
        else:
            session.pop(TOTP_KEY, None)
            session["second_factor"] = "totp"
            audit.record(db, "totp_enrolled", staff=staff, target=staff)
            db.commit()
            return _show_new_codes(codes, "Your authenticator app is set up.")
    uri = factors.totp_uri(secret, staff.email)
    return render_template(
        "auth/totp_setup.html",
        form=form,
        secret_groups=[secret[i : i + 4] for i in range(0, len(secret), 4)],
        qr=qr_svg(uri, label="QR code for your authenticator app", module_size=4),
    ), (400 if form.errors else 200)


def _show_new_codes(codes: list[str], message: str) -> Any:
    flash(message, "success")
    if not codes:
        return redirect(url_for("auth.account_security"))
    session[NEW_CODES_KEY] = codes
    return redirect(url_for("auth.recovery_codes"))


@bp.get("/account/recovery-codes")
@staff_required()
def recovery_codes():
    """Show new recovery codes once; afterwards only how many are left."""
    codes = session.pop(NEW_CODES_KEY, None)
    if not codes:
        return redirect(url_for("auth.account_security"))
    return render_template("auth/recovery_codes.html", codes=codes)


@bp.post("/account/recovery-codes")
@staff_required()
def new_recovery_codes():
    """Replace your recovery codes with ten new ones."""
    db = get_session()
    staff = _me()
    if not EmptyForm().validate_on_submit() or not factors.has_second_factor(db, staff):
        return redirect(url_for("auth.account_security"))
    codes = factors.issue_recovery_codes(db, staff)
    audit.record(db, "recovery_codes_issued", staff=staff, target=staff)
    db.commit()
    return _show_new_codes(codes, "Your old recovery codes no longer work.")


@bp.post("/account/totp/remove")
@staff_required()
def totp_remove():
    """Stop using your authenticator app."""
    db = get_session()
    staff = _me()
    if EmptyForm().validate_on_submit():
        try:
            factors.remove_totp(db, staff)
        except Conflict as exc:
            flash(exc.message, "error")
        else:
            audit.record(db, "totp_removed", staff=staff, target=staff)
            db.commit()
            flash("Your authenticator app is no longer used to sign in.", "success")
    return redirect(url_for("auth.account_security"))


@bp.post("/account/passkeys/options")
@staff_required()
def passkey_register_options():
    """The options for navigator.credentials.create()."""
    options, challenge = factors.registration_options(
        get_session(), _me(), current_app.config["BASE_URL"]
    )
    session[CHALLENGE_KEY] = factors.challenge_text(challenge)
    return options, 200, {"Content-Type": "application/json"}


@bp.post("/account/passkeys")
@staff_required()
def passkey_register():
    """Keep the passkey the browser just made, after checking it answers our challenge."""
    challenge = session.pop(CHALLENGE_KEY, None)
    body: Any = request.get_json(silent=True)
    if not challenge or not isinstance(body, dict) or not isinstance(body.get("credential"), dict):
        return jsonify(error="Please try again."), 400
    db = get_session()
    staff = _me()
    try:
        passkey = factors.register_passkey(
            db,
            staff,
            body["credential"],
            factors.challenge_bytes(challenge),
            current_app.config["BASE_URL"],
            str(body.get("name") or ""),
        )
    except FieldProblem as problem:
        return jsonify(error=problem.message), 400
    codes = (
        []
        if factors.remaining_recovery_codes(db, staff)
        else factors.issue_recovery_codes(db, staff)
    )
    session["second_factor"] = session.get("second_factor") or "passkey"
    audit.record(db, "passkey_added", staff=staff, target=passkey)
    db.commit()
    _show_new_codes(codes, f"Passkey “{passkey.name}” added.")
    target = url_for("auth.recovery_codes") if codes else url_for("auth.account_security")
    return jsonify(redirect=target)


@bp.post("/account/passkeys/<int:passkey_id>/remove")
@staff_required()
def passkey_remove(passkey_id: int):
    """Delete one of your passkeys."""
    db = get_session()
    staff = _me()
    if EmptyForm().validate_on_submit():
        try:
            passkey = factors.remove_passkey(db, staff, passkey_id)
        except (Conflict, FieldProblem) as exc:
            flash(exc.message, "error")
        else:
            audit.record(db, "passkey_removed", staff=staff, target=passkey)
            db.commit()
            flash(f"Passkey “{passkey.name}” removed.", "success")
    return redirect(url_for("auth.account_security"))
