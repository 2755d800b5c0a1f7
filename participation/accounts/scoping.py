"""Who may see which service: the one place the scoping rule lives.

Spoke staff see their Spoke; Hub staff see the Hub and its Spokes; admins see all.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from sqlalchemy import ColumnElement, SQLColumnExpression, or_, select, true
from sqlalchemy.orm import Session

from participation.models import Service, Staff
from participation.problems import NotFound


class HasService(Protocol):
    """Anything that belongs to a service (an activity, a flag, a theme...)."""

    @property
    def service_id(self) -> int | None:
        """The id of the service it belongs to."""
        ...


Owned = TypeVar("Owned", bound=HasService)


def visible_service_ids(session: Session, staff: Staff) -> set[int] | None:
    """The ids of the services `staff` may see, or None meaning every service (admins)."""
    if staff.is_admin:
        return None
    if staff.service_id is None:
        return set()
    ids = {staff.service_id}
    ids.update(session.scalars(select(Service.id).where(Service.parent_id == staff.service_id)))
    return ids


def visible_services(session: Session, staff: Staff) -> list[Service]:
    """The services `staff` may see, Hubs first then by name."""
    query = select(Service).order_by(Service.kind, Service.name)
    return list(session.scalars(query.where(service_filter(session, staff, Service.id))))


def service_filter(
    session: Session, staff: Staff, column: SQLColumnExpression[int | None]
) -> ColumnElement[bool]:
    """A WHERE clause limiting `column` (a service id column) to what `staff` may see."""
    ids = visible_service_ids(session, staff)
    if ids is None:
        return true()
    return or_(column.in_(ids)) if ids else column.in_([-1])


def can_see_service(session: Session, staff: Staff, service_id: int | None) -> bool:
    """Whether `staff` may see things that belong to the service `service_id`."""
    ids = visible_service_ids(session, staff)
    return ids is None or service_id in ids


def ensure_can_see(session: Session, staff: Staff, service_id: int | None) -> None:
    """Raise NotFound when `staff` may not see the service (no hint that the thing exists)."""
    if not can_see_service(session, staff, service_id):
        raise NotFound()


def get_visible(session: Session, staff: Staff, model: type[Owned], item_id: int) -> Owned:
    """The `model` row `item_id` (anything with a service_id), or 404 if absent or out of scope."""
    item = session.get(model, item_id)
    if item is None:
        raise NotFound()
    ensure_can_see(session, staff, item.service_id)
    return item
