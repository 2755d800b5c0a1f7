"""What young people send: one submission, many answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.db import Base
from participation.models.activities import Activity, ConsentVersion, Question

PENDING, APPROVED, HIDDEN = "pending", "approved", "hidden"


class Submission(Base):
    """One young person's answers to one activity. Nothing here identifies them."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("activity_id", "idempotency_key"),
        Index("ix_submissions_activity_hour", "activity_id", "submitted_hour"),
        # How many submissions an activity has and which is newest (answer_queries.py).
        Index("ix_submissions_activity", "activity_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    consent_version_id: Mapped[int] = mapped_column(ForeignKey("consent_versions.id"))
    research_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawal_code_hash: Mapped[str] = mapped_column(String(64), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(64))
    # Rounded down to the hour: a precise time could single someone out.
    submitted_hour: Mapped[datetime] = mapped_column(DateTime)
    # The language the young person answered in ("en" or "cy"), as they chose it on the page.
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    # A keyed hash of the young person's own linking code, when they chose to give one: it
    # links their answers over time without saying who they are (participation.outcomes.linking).
    link_hash: Mapped[str | None] = mapped_column(String(64), index=True)

    activity: Mapped[Activity] = relationship()
    consent_version: Mapped[ConsentVersion] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", passive_deletes=True
    )


class Answer(Base):
    """One value given to one question.

    Passing a question stores no row. A choice stores its option code in `choice`; a
    multiple choice stores one row per option picked; a ranking stores one row per item
    with its place in `part` (0 = first); three boxes store one row per box (`part` 0-2).
    Text answers carry a moderation state for the live screen.
    """

    __tablename__ = "answers"
    __table_args__ = (
        # Result figures read these indexes and never the table (see answer_queries.py).
        Index("ix_answers_question_choice", "question_id", "choice", "part"),
        Index("ix_answers_question_submission", "question_id", "submission_id", "choice"),
        Index("ix_answers_submission", "submission_id"),
        # Text answers only: the live screen's approved answers and the moderation list.
        Index(
            "ix_answers_moderation",
            "question_id",
            "moderation",
            sqlite_where=text("moderation IS NOT NULL"),
            postgresql_where=text("moderation IS NOT NULL"),
        ),
        # Answers staff chose as quotes, for reports (reports.approved_quotes).
        Index(
            "ix_answers_quotes",
            "question_id",
            sqlite_where=text("is_quote = 1"),
            postgresql_where=text("is_quote"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    part: Mapped[int] = mapped_column(SmallInteger, default=0)
    choice: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    moderation: Mapped[str | None] = mapped_column(String(10))
    is_quote: Mapped[bool] = mapped_column(Boolean, default=False)

    submission: Mapped[Submission] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
