"""The participation types staff group activities by (one-to-one work, workshop day, ...)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from participation.models import ParticipationType


def participation_types(
    session: Session, *, in_use_only: bool = False, keep_id: int | None = None
) -> list[ParticipationType]:
    """Participation types in their set order; `in_use_only` drops retired ones but `keep_id`."""
    query = select(ParticipationType).order_by(ParticipationType.position)
    if in_use_only:
        in_use = ParticipationType.is_active.is_(True)
        query = query.where(or_(in_use, ParticipationType.id == keep_id) if keep_id else in_use)
    return list(session.scalars(query))
