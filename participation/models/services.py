"""Services (Hubs and Spokes) and the participation-type taxonomy."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.clock import utcnow
from participation.db import Base

HUB = "hub"
SPOKE = "spoke"


class Service(Base):
    """A Hub, or a Spoke that belongs to a Hub."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default=SPOKE)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), index=True)
    # A list of {"name", "detail", "href"}; None means the default help links.
    signposting: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    parent: Mapped[Service | None] = relationship(remote_side=[id], back_populates="spokes")
    spokes: Mapped[list[Service]] = relationship(back_populates="parent", order_by="Service.name")

    @property
    def is_hub(self) -> bool:
        """Whether this service is a Hub."""
        return self.kind == HUB

    def __repr__(self) -> str:
        return f"<Service {self.name!r} {self.kind}>"


class ParticipationType(Base):
    """A kind of participation work (group work, advocacy, …); editable by admins."""

    __tablename__ = "participation_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"<ParticipationType {self.name!r}>"
