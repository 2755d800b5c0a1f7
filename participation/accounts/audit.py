"""Record staff actions in the audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from participation.models import AuditEvent, Staff


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
