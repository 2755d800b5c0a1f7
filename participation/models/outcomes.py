"""The outcomes bank: questions a Hub and its Spokes ask in the same words to measure change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.clock import utcnow
from participation.db import Base
from participation.models.services import Service


class OutcomeQuestion(Base):
    """One outcome question of a Hub's bank.

    The wording never changes once saved: figures over time compare answers by `key`, so a
    new wording is a new question with a new key, and the old one is retired.
    """

    __tablename__ = "outcome_questions"
    __table_args__ = (UniqueConstraint("hub_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), index=True)
    # "outcome:<slug>"; the same key in every activity that asks the question.
    key: Mapped[str] = mapped_column(String(80))
    # Which of the bank's outcome areas it measures (participation.outcomes.bank.AREAS).
    area: Mapped[str] = mapped_column(String(40))
    prompt: Mapped[str] = mapped_column(Text)
    hint: Mapped[str] = mapped_column(Text, default="")
    # {"cy": {"prompt": ..., "hint": ...}}
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    hub: Mapped[Service] = relationship()

    @property
    def is_retired(self) -> bool:
        """Whether the question may no longer be added to activities."""
        return self.retired_at is not None

    def __repr__(self) -> str:
        return f"<OutcomeQuestion {self.key!r} hub={self.hub_id}>"
