"""The audit trail of staff actions. Never records anything about a young person."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from participation.clock import utcnow
from participation.db import Base


class AuditEvent(Base):
    """Who did what to which thing, and when."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None]
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
