"""Administering services: Hubs, Spokes and the help links young people see."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from participation.activities.help_links import check_help_links, parse_help_links
from participation.models import Service
from participation.models.services import HUB, SPOKE
from participation.problems import FieldProblem


class ServiceError(FieldProblem):
    """A service could not be saved; `field` names the form field at fault."""


def save_service(
    session: Session, service: Service | None, name: str, parent_id: int, signposting: str
) -> Service:
    """Create or update a service; a parent makes it a Spoke, none makes it a Hub."""
    name = name.strip()
    clash = select(Service.id).where(Service.name == name)
    if service is not None:
        clash = clash.where(Service.id != service.id)
    if session.scalar(clash):
        raise ServiceError("name", "There is already a service with that name.")
    parent = session.get(Service, parent_id) if parent_id else None
    if parent_id and (parent is None or parent.kind != HUB):
        raise ServiceError("parent_id", "Choose a Hub.")
    if service is not None and parent is not None and service.spokes:
        raise ServiceError("parent_id", "This Hub has Spokes, so it cannot become a Spoke.")
    links = parse_help_links(signposting) or None
    problems = check_help_links(links) if links else []
    if problems:
        raise ServiceError("signposting", " ".join(problems))
    if service is None:
        service = Service(name=name)
        session.add(service)
    service.name = name
    service.parent = parent
    service.kind = SPOKE if parent else HUB
    service.signposting = links
    session.flush()
    return service
