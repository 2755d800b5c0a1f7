"""Staff work on answers: safeguarding flags, themes and "you said, we did" actions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.clock import this_hour, utcnow
from participation.db import Base
from participation.models.activities import Activity
from participation.models.enums import FlagStatus, one_of
from participation.models.submissions import Answer

FLAG_NEW = FlagStatus.NEW
FLAG_OUTCOMES = tuple(status for status in FlagStatus if status is not FlagStatus.NEW)
FLAG_AUTOMATIC = "auto"  # found by the safeguarding check
FLAG_STAFF = "staff"  # raised by hand by a member of staff
SEVERITY_DEFAULT = 3  # categories.Severity.CONCERN: the least urgent


def _own_group(context: DefaultExecutionContext) -> str:
    """A group of its own (one per answer) for a flag made without a group key."""
    # SQLAlchemy leaves get_current_parameters unannotated (it returns the row's parameters).
    parameters = context.get_current_parameters()  # type: ignore[no-untyped-call]
    return f"a{parameters['answer_id']}"


class SafeguardingPhrase(Base):
    """A rule safeguarding leads added to the check: a phrase, a pattern or an exception."""

    __tablename__ = "safeguarding_phrases"
    __table_args__ = (UniqueConstraint("category", "phrase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    phrase: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    kind: Mapped[str] = mapped_column(String(12), default="phrase", server_default="phrase")


class Flag(Base):
    """A possible disclosure found in a free-text answer, for the safeguarding lead."""

    __tablename__ = "flags"
    __table_args__ = (
        one_of("status", FlagStatus, "status"),
        # The queue: new flags by severity, newest first, grouped by burst.
        Index("ix_flags_queue", "status", "severity", "created_at"),
        Index("ix_flags_group_key", "group_key"),
    )

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
    severity: Mapped[int] = mapped_column(
        Integer, default=SEVERITY_DEFAULT, server_default=str(SEVERITY_DEFAULT)
    )
    # Near-duplicate flags arriving in a burst share a key, so the queue groups them.
    group_key: Mapped[str] = mapped_column(String(120), default=_own_group)
    source: Mapped[str] = mapped_column(
        String(12), default=FLAG_AUTOMATIC, server_default=FLAG_AUTOMATIC
    )
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    concern_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    released_at: Mapped[datetime | None] = mapped_column(DateTime)  # to the hour
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    release_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

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
