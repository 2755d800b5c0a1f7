"""Staff accounts: authenticate, create, change role, deactivate."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from participation.accounts.passwords import hash_password, policy_problem, verify_password
from participation.models import Service, Staff
from participation.models.staff import ADMIN, ROLES, new_session_token


class AccountError(ValueError):
    """A staff account could not be created or changed; the message says why."""


def authenticate(session: Session, email: str, password: str) -> Staff | None:
    """The active staff member with this email and password, or None (in constant-ish time)."""
    email = email.strip().lower()
    # PostgreSQL refuses NUL in text; no stored email holds one, so nobody matches.
    staff = None if "\x00" in email else session.scalar(select(Staff).where(Staff.email == email))
    ok = verify_password(staff.password_hash if staff else None, password)
    if staff is None or not ok or not staff.is_active:
        return None
    return staff


def create_staff(
    session: Session,
    email: str,
    password: str,
    role: str,
    service: Service | None,
    *,
    safeguarding_lead: bool = False,
    must_change_password: bool = False,
) -> Staff:
    """Add a staff member after checking role, service and password policy.

    `must_change_password` is for passwords someone else chose (an administrator's invite):
    the member must choose their own at first sign-in.
    """
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise AccountError("Enter an email address like name@example.org.")
    if role not in ROLES:
        raise AccountError(f"Role must be one of: {', '.join(ROLES)}.")
    if service is None and role != ADMIN:
        raise AccountError("Choose a service: only administrators can have none.")
    if session.scalar(select(Staff.id).where(Staff.email == email)) is not None:
        raise AccountError("There is already a staff account with that email address.")
    problem = policy_problem(password, email)
    if problem:
        raise AccountError(problem)
    staff = Staff(
        email=email,
        password_hash=hash_password(password),
        role=role,
        service=service,
        is_safeguarding_lead=safeguarding_lead,
        must_change_password=must_change_password,
    )
    session.add(staff)
    session.flush()
    return staff


def set_password(staff: Staff, password: str) -> None:
    """Change a password (policy-checked) and end every existing session of that member."""
    problem = policy_problem(password, staff.email)
    if problem:
        raise AccountError(problem)
    staff.password_hash = hash_password(password)
    staff.must_change_password = False
    end_sessions(staff)


def end_sessions(staff: Staff) -> None:
    """End every session of a staff member, on every device (a copied cookie stops working)."""
    staff.session_token = new_session_token()


def deactivate(staff: Staff) -> None:
    """Stop a staff member signing in and end their sessions."""
    staff.is_active = False
    end_sessions(staff)
