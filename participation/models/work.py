"""Staff work on answers: safeguarding flags, themes and "you said, we did" actions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.clock import this_hour, utcnow
from participation.db import Base
from participation.models.activities import Activity
from participation.models.submissions import Answer

FLAG_NEW = "new"
FLAG_OUTCOMES = ("reviewed", "discussed", "referred", "no_concern")


class SafeguardingPhrase(Base):
    """A phrase that marks free text as a possible disclosure; admins edit the list."""

    __tablename__ = "safeguarding_phrases"
    __table_args__ = (UniqueConstraint("category", "phrase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    phrase: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class Flag(Base):
    """A possible disclosure found in a free-text answer, for the safeguarding lead."""

    __tablename__ = "flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answers.id", ondelete="CASCADE"), unique=True
    )
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    categories: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default=FLAG_NEW, index=True)
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    # A young person's answer raised it: to the hour, like the submission it came from.
    created_at: Mapped[datetime] = mapped_column(DateTime, default=this_hour)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)

    answer: Mapped[Answer] = relationship()
    activity: Mapped[Activity] = relationship()


class Theme(Base):
    """A qualitative code staff apply to free-text answers, shared across a service."""

    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("service_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AnswerTheme(Base):
    """Links a free-text answer to a theme."""

    __tablename__ = "answer_themes"

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Action(Base):
    """A "you said, we did" record: what staff did in response to an activity or theme."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
