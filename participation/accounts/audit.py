"""Record staff actions in the audit trail."""

from __future__ import annotations

from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy.orm import Session

from participation.models import AuditEvent, Staff


def record(
    session: Session,
    action: str,
    *,
    staff: Staff | None = None,
    target: Any = None,
    service_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event (committed with the caller's transaction); never about a young person."""
    if staff is None and has_request_context() and current_user.is_authenticated:
        staff = current_user
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
