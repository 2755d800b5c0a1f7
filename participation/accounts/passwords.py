"""Password hashing (argon2id) and the NCSC-style password policy."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 128
# zxcvbn's "safely unguessable" band: about 10^8 guesses or more.
MIN_STRENGTH = 3

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    # Verifying against this keeps the time of a sign-in for an unknown email the same. Made
    # on first use rather than at import: hashing costs every new worker a tenth of a second.
    return _hasher.hash("participation-timing-equaliser")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of the most common passwords, lower-cased."""
    text = (files("participation") / "data" / "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def policy_problem(password: str, email: str = "") -> str | None:
    """Why `password` is not acceptable, in plain words, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters. A few words together works well."
    if len(password) > MAX_LENGTH:
        return f"Use no more than {MAX_LENGTH} characters."
    lowered = password.lower()
    local_part = email.split("@")[0].lower()
    if lowered in common_passwords() or lowered.rstrip("0123456789!") in common_passwords():
        return "That password is too common. Choose something harder to guess."
    if len(set(password)) < 4:
        return "That password is too easy to guess. Choose something less repetitive."
    if local_part and len(local_part) >= 4 and local_part in lowered:
        return "Do not use your email address in your password."
    return strength_problem(password, email)


def strength_problem(password: str, email: str = "") -> str | None:
    """Why zxcvbn finds `password` too easy to guess (score below 3), or None."""
    # Parts of the email (name, organisation) are the first things an attacker tries.
    # Imported here: only staff setting a password need it, and loading its word lists at
    # import would cost every new worker's boot.
    from zxcvbn import zxcvbn

    user_inputs = [part for part in re.split(r"[@._+-]+", email.lower()) if len(part) >= 3]
    result = zxcvbn(password, user_inputs=user_inputs)
    if result["score"] >= MIN_STRENGTH:
        return None
    warning = result["feedback"]["warning"]
    advice = "Three or four random words together work well."
    return " ".join(
        part for part in ("That password is too easy to guess.", warning, advice) if part
    )


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check `password` against the hash; with no hash, spend the same time and fail."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False
