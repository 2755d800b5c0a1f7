"""Record staff actions in the audit trail, and read it back for the audit log screen."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select, true
from sqlalchemy.orm import Session

from participation.accounts.scoping import service_filter
from participation.clock import to_hour, uk_to_utc, utc_to_uk
from participation.models import AuditEvent, Service, Staff
from participation.problems import Forbidden


def record(
    session: Session,
    action: str,
    *,
    staff: Staff | None,
    target: Any = None,
    service_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event by `staff` (None: the system) to the caller's transaction.

    Never about a young person. The caller names who acted: domain code knows no request.
    """
    if service_id is None and target is not None:
        service_id = getattr(target, "service_id", None)
    event = AuditEvent(
        staff_id=staff.id if staff is not None else None,
        action=action,
        target_type=type(target).__name__.lower() if target is not None else None,
        target_id=getattr(target, "id", None),
        service_id=service_id,
        detail=detail,
    )
    session.add(event)
    return event


# --- reading the trail: the audit log screen ------------------------------------------

PER_PAGE = 50
CSV_HEADER = ("when (UK time, to the hour)", "who", "action", "object", "service", "details")
FLAG_TARGET = "flag"


@dataclass(frozen=True)
class AuditFilters:
    """What the audit log is narrowed to: an action, a staff member, UK dates (inclusive)."""

    action: str | None = None
    staff_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class AuditLine:
    """One event as the log shows it: when to the hour (UK time), who, what, on which object."""

    hour: datetime
    who: str
    action: str
    target: str
    service: str
    details: str

    @property
    def cells(self) -> list[str]:
        """The line as CSV cells, in CSV_HEADER's order."""
        when = f"{self.hour:%Y-%m-%d %H:00}"
        return [when, self.who, self.action, self.target, self.service, self.details]


@dataclass(frozen=True)
class AuditPage:
    """One page of the log."""

    lines: list[AuditLine]
    page: int
    pages: int
    total: int


def audit_scope(session: Session, staff: Staff) -> ColumnElement[bool]:
    """The events `staff` may read: all for admins, their services' flags for safeguarding leads."""
    if staff.is_admin:
        return true()
    if staff.is_safeguarding_lead:
        return and_(
            AuditEvent.target_type == FLAG_TARGET,
            service_filter(session, staff, AuditEvent.service_id),
        )
    raise Forbidden("Only administrators and safeguarding leads can read the audit log.")


def _where(session: Session, staff: Staff, filters: AuditFilters) -> list[ColumnElement[bool]]:
    clauses = [audit_scope(session, staff)]
    if filters.action:
        clauses.append(AuditEvent.action == filters.action)
    if filters.staff_id is not None:
        clauses.append(AuditEvent.staff_id == filters.staff_id)
    if filters.date_from is not None:
        clauses.append(AuditEvent.at >= _uk_midnight(filters.date_from))
    if filters.date_to is not None and filters.date_to < date.max:
        clauses.append(AuditEvent.at < _uk_midnight(filters.date_to + timedelta(days=1)))
    return clauses


def _uk_midnight(day: date) -> datetime:
    moment = uk_to_utc(datetime.combine(day, time()))
    assert moment is not None  # a datetime always converts
    return moment


def audit_page(session: Session, staff: Staff, filters: AuditFilters, page: int = 1) -> AuditPage:
    """One page of the events `staff` may read, newest first."""
    where = _where(session, staff, filters)
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*where)) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    query = _events(where).offset((page - 1) * PER_PAGE).limit(PER_PAGE)
    return AuditPage([_line(*row) for row in session.execute(query)], page, pages, total)


def audit_lines(session: Session, staff: Staff, filters: AuditFilters) -> Iterator[AuditLine]:
    """Every event `staff` may read under `filters`, newest first (for the CSV)."""
    query = _events(_where(session, staff, filters)).execution_options(yield_per=500)
    for row in session.execute(query):
        yield _line(*row)


def audit_choices(session: Session, staff: Staff) -> tuple[list[str], list[tuple[int, str]]]:
    """The actions and the staff members that occur in the events `staff` may read."""
    scope = audit_scope(session, staff)
    actions = session.scalars(
        select(AuditEvent.action).where(scope).distinct().order_by(AuditEvent.action)
    )
    who = session.execute(
        select(Staff.id, Staff.email)
        .where(Staff.id.in_(select(AuditEvent.staff_id).where(scope)))
        .order_by(Staff.email)
    )
    return list(actions), [(staff_id, email) for staff_id, email in who]


def _events(where: list[ColumnElement[bool]]) -> Select[AuditEvent, str, str]:
    return (
        select(AuditEvent, Staff.email, Service.name)
        .outerjoin(Staff, Staff.id == AuditEvent.staff_id)
        .outerjoin(Service, Service.id == AuditEvent.service_id)
        .where(*where)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )


def _line(event: AuditEvent, email: str | None, service: str | None) -> AuditLine:
    target = f"{event.target_type} {event.target_id}" if event.target_type else ""
    if event.target_type and event.target_id is None:
        target = event.target_type
    details = "; ".join(
        f"{key}: {value}"
        for key, value in sorted((event.detail or {}).items())
        if value is not None
    )
    return AuditLine(
        hour=to_hour(utc_to_uk(event.at) or event.at),
        who=email or ("the command line" if (event.detail or {}).get("via") == "cli" else "—"),
        action=event.action,
        target=target,
        service=service or "",
        details=details,
    )


# Actions whose plain reading needs more than their code with spaces.
_ACTION_WORDS = {
    "sign_in": "Signed in",
    "sign_in_failed": "Sign-in refused (wrong details)",
    "sign_out": "Signed out",
    "signed_out_everywhere": "Signed out everywhere",
    "second_factor_failed": "Second factor refused",
    "totp_enrolled": "Set up an authenticator app",
    "totp_removed": "Removed an authenticator app",
    "recovery_codes_issued": "Recovery codes made",
    "flag_viewed": "Opened a flagged answer",
    "free_text_viewed": "Read written answers",
    "concern_raised": "Raised a concern",
    "staff_created_cli": "Staff account made (command line)",
    "outcome_added": "Added a question to the outcomes bank",
    "outcome_retired": "Retired an outcomes bank question",
    "outcome_restored": "Restored an outcomes bank question",
    "linking_cards_printed": "Printed linking-code cards",
}


def action_label(action: str) -> str:
    """The plain words for an audit action code ("activity_opened" -> "Activity opened")."""
    if action in _ACTION_WORDS:
        return _ACTION_WORDS[action]
    for suffix, words in (("_started", "started"), ("_failed", "failed")):
        if action.endswith(suffix) and action != suffix:
            return f"{action_label(action.removesuffix(suffix))}: {words}"
    return action.replace("_", " ").capitalize()
