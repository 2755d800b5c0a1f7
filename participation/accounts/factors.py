"""Second factors for staff: TOTP codes, single-use recovery codes and passkeys (WebAuthn).

Nothing here touches the request: views keep the pending secret or WebAuthn challenge in
the signed session and pass it in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pyotp
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from participation.clock import utcnow
from participation.models import Passkey, RecoveryCode, Staff
from participation.problems import Conflict, FieldProblem

if TYPE_CHECKING:
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor

# webauthn (with its OpenSSL bindings) is imported inside the passkey functions below: only
# staff use passkeys, and loading it at import would cost every new worker's boot.

ISSUER = "Participation"
RECOVERY_CODE_COUNT = 10
# 16 characters of base32: 80 random bits, so a plain SHA-256 cannot be reversed by guessing.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 16


# --- TOTP ----------------------------------------------------------------------------------


def new_totp_secret() -> str:
    """A fresh random TOTP secret (base32, 160 bits)."""
    return pyotp.random_base32(32)


def totp_uri(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def _matching_step(secret: str, code: str, now: float | None) -> int | None:
    """The time step (previous, current or next) whose code is `code`, or None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    # One step either side allows for a phone clock a little out and a slow typist.
    current = int((time.time() if now is None else now) // totp.interval)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def check_totp(staff: Staff, code: str, now: float | None = None) -> bool:
    """Whether `code` is a current TOTP code of `staff` not used before; marks it used."""
    if not staff.totp_secret:
        return False
    step = _matching_step(staff.totp_secret, code, now)
    if step is None or (staff.totp_last_step is not None and step <= staff.totp_last_step):
        return False
    staff.totp_last_step = step
    return True


def enrol_totp(session: Session, staff: Staff, secret: str, code: str) -> list[str]:
    """Save `secret` as the member's TOTP once `code` proves their app has it.

    Returns new recovery codes to show once when the member had none left, else [].
    """
    step = _matching_step(secret, code, None)
    if step is None:
        raise FieldProblem(
            "code", "That code is not right. Enter the 6 numbers your app shows now."
        )
    staff.totp_secret = secret
    staff.totp_last_step = step
    return [] if remaining_recovery_codes(session, staff) else issue_recovery_codes(session, staff)


def remove_totp(session: Session, staff: Staff) -> None:
    """Forget the member's TOTP app, unless it is the only second factor they must have."""
    if staff.needs_second_factor and not _passkeys(session, staff):
        raise Conflict("Add a passkey first: your role needs a second way to sign in.")
    staff.totp_secret = None
    staff.totp_last_step = None


# --- recovery codes ------------------------------------------------------------------------


def _code_hash(code: str) -> str:
    normal = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


def issue_recovery_codes(session: Session, staff: Staff) -> list[str]:
    """Replace the member's recovery codes with ten new ones; only their hashes are kept."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == staff.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4)))
    session.add_all(RecoveryCode(staff_id=staff.id, code_hash=_code_hash(c)) for c in codes)
    session.flush()
    return codes


def remaining_recovery_codes(session: Session, staff: Staff) -> int:
    """How many unused recovery codes the member has."""
    return (
        session.scalar(
            select(func.count(RecoveryCode.id)).where(
                RecoveryCode.staff_id == staff.id, RecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )


def use_recovery_code(session: Session, staff: Staff, code: str) -> bool:
    """Whether `code` is an unused recovery code of `staff`; it cannot be used again."""
    found = session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.staff_id == staff.id,
            RecoveryCode.code_hash == _code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if found is None:
        return False
    found.used_at = utcnow()
    return True


def verify_code(session: Session, staff: Staff, code: str) -> str | None:
    """Check a TOTP code or a recovery code; the method that matched ("totp", "recovery")."""
    if check_totp(staff, code):
        return "totp"
    if len(code) > 12 and use_recovery_code(session, staff, code):
        return "recovery"
    return None


# --- passkeys ------------------------------------------------------------------------------


def relying_party(base_url: str) -> tuple[str, str]:
    """The WebAuthn relying-party id (the base URL's host) and origin."""
    parts = urlsplit(base_url)
    return parts.hostname or "localhost", f"{parts.scheme}://{parts.netloc}"


def _passkeys(session: Session, staff: Staff) -> list[Passkey]:
    return list(
        session.scalars(select(Passkey).where(Passkey.staff_id == staff.id).order_by(Passkey.id))
    )


def passkeys_of(session: Session, staff: Staff) -> list[Passkey]:
    """The member's passkeys, oldest first."""
    return _passkeys(session, staff)


def has_second_factor(session: Session, staff: Staff) -> bool:
    """Whether the member has a TOTP app or a passkey."""
    return bool(staff.totp_secret) or bool(_passkeys(session, staff))


def challenge_text(challenge: bytes) -> str:
    """A WebAuthn challenge as base64url text, to keep in the session cookie."""
    from webauthn.helpers import bytes_to_base64url

    return bytes_to_base64url(challenge)


def challenge_bytes(text: str) -> bytes:
    """The challenge kept by `challenge_text`, back as bytes."""
    from webauthn.helpers import base64url_to_bytes

    return base64url_to_bytes(text)


def _descriptors(passkeys: list[Passkey]) -> list[PublicKeyCredentialDescriptor]:
    from webauthn.helpers import base64url_to_bytes
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor

    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id)) for p in passkeys]


def registration_options(session: Session, staff: Staff, base_url: str) -> tuple[str, bytes]:
    """The JSON for navigator.credentials.create() and its challenge (kept by the caller)."""
    from webauthn import generate_registration_options, options_to_json
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    rp_id, _origin = relying_party(base_url)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=ISSUER,
        user_id=f"staff-{staff.id}".encode(),
        user_name=staff.email,
        user_display_name=staff.email,
        exclude_credentials=_descriptors(_passkeys(session, staff)),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    return options_to_json(options), options.challenge


def register_passkey(
    session: Session,
    staff: Staff,
    credential: dict[str, Any],
    challenge: bytes,
    base_url: str,
    name: str,
) -> Passkey:
    """Check a new credential against `challenge` and keep it as one of the member's passkeys."""
    from webauthn import verify_registration_response
    from webauthn.helpers import bytes_to_base64url
    from webauthn.helpers.exceptions import WebAuthnException

    rp_id, origin = relying_party(base_url)
    try:
        verified = verify_registration_response(
            credential=json.dumps(credential),
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise FieldProblem("passkey", "That passkey could not be checked. Try again.") from exc
    passkey = Passkey(
        staff_id=staff.id,
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=("".join(ch for ch in name if ch.isprintable()).strip() or "Passkey")[:80],
    )
    session.add(passkey)
    session.flush()
    return passkey


def authentication_options(session: Session, staff: Staff, base_url: str) -> tuple[str, bytes]:
    """The JSON for navigator.credentials.get() with the member's passkeys, and its challenge."""
    from webauthn import generate_authentication_options, options_to_json
    from webauthn.helpers.structs import UserVerificationRequirement

    rp_id, _origin = relying_party(base_url)
    options = generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=_descriptors(_passkeys(session, staff)),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return options_to_json(options), options.challenge


def check_passkey(
    session: Session, staff: Staff, credential: dict[str, Any], challenge: bytes, base_url: str
) -> Passkey | None:
    """The member's passkey that signed `challenge` in `credential`, or None."""
    from webauthn import verify_authentication_response
    from webauthn.helpers.exceptions import WebAuthnException

    rp_id, origin = relying_party(base_url)
    credential_id = str(credential.get("id", ""))
    if not credential_id.isascii() or not credential_id.isprintable() or len(credential_id) > 1400:
        return None  # a base64url id never holds these; PostgreSQL refuses NUL outright
    passkey = session.scalar(
        select(Passkey).where(Passkey.staff_id == staff.id, Passkey.credential_id == credential_id)
    )
    if passkey is None:
        return None
    try:
        verified = verify_authentication_response(
            credential=json.dumps(credential),
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError, AttributeError):
        return None
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = utcnow()
    return passkey


def remove_passkey(session: Session, staff: Staff, passkey_id: int) -> Passkey:
    """Delete one of the member's passkeys, unless the member would be left without a factor."""
    passkeys = _passkeys(session, staff)
    passkey = next((p for p in passkeys if p.id == passkey_id), None)
    if passkey is None:
        raise FieldProblem("passkey", "That passkey is not one of yours.")
    if staff.needs_second_factor and not staff.totp_secret and len(passkeys) == 1:
        raise Conflict("Set up another way to sign in first: your role needs a second factor.")
    session.delete(passkey)
    session.flush()
    return passkey
