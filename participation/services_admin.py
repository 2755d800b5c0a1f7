"""Administering services: Hubs, Spokes and the help links young people see."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from participation.models import Service
from participation.models.services import HUB, SPOKE


class ServiceError(ValueError):
    """A service could not be saved; `field` names the form field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def parse_signposting(text: str) -> list[dict[str, Any]] | None:
    """Read help links written one per line as "Name | what it offers | web address or phone"."""
    links = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3 or not parts[0] or not parts[1]:
            raise ServiceError(
                "signposting",
                f"Line {number}: write it as Name | what it offers | web address or phone number.",
            )
        name, detail, where = parts
        link: dict[str, Any] = {"name": name, "detail": detail}
        digits = where.replace(" ", "")
        if digits.isdigit():
            link["tel"] = digits
        elif where:
            if urlsplit(where).scheme != "https":
                raise ServiceError(
                    "signposting", f"Line {number}: web addresses must start with https://"
                )
            link["href"] = where
        links.append(link)
    return links or None


def format_signposting(links: list[dict[str, Any]] | None) -> str:
    """Write help links back as the lines `parse_signposting` reads."""
    return "\n".join(
        f"{link['name']} | {link['detail']} | {link.get('href') or link.get('tel', '')}"
        for link in links or []
    )


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
    links = parse_signposting(signposting)
    if service is None:
        service = Service(name=name)
        session.add(service)
    service.name = name
    service.parent = parent
    service.kind = SPOKE if parent else HUB
    service.signposting = links
    session.flush()
    return service
