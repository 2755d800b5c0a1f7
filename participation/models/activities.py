"""Activities, their questions and consent statements."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.clock import utcnow
from participation.db import Base
from participation.models.enums import ActivityStatus, QuestionKind, one_of
from participation.models.services import ParticipationType, Service

DRAFT, OPEN, CLOSED, ARCHIVED = ActivityStatus
STATUSES = tuple(ActivityStatus)

CONSENT_SELF, CONSENT_FACILITATED = "self", "facilitated"
RESEARCH_OFF, RESEARCH_ASK = "off", "ask"
LUNDY_FOCUS = ("space", "voice", "audience", "influence")

QUESTION_KINDS = tuple(QuestionKind)
TEXT_KINDS = (QuestionKind.FREE_TEXT, QuestionKind.THREE_BOXES)


class Activity(Base):
    """A feedback activity young people join with a code."""

    __tablename__ = "activities"
    __table_args__ = (
        # A join code is unique among activities that can still be joined or shown.
        Index(
            "uq_activities_join_code_live",
            "join_code",
            unique=True,
            sqlite_where=text("status != 'archived'"),
            postgresql_where=text("status != 'archived'"),
        ),
        Index("ix_activities_service_type", "service_id", "participation_type_id"),
        one_of("status", ActivityStatus, "status"),
    )
    # The database sets content_version; it is read when first needed, not after every insert.
    __mapper_args__ = {"eager_defaults": False}

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    participation_type_id: Mapped[int] = mapped_column(ForeignKey("participation_types.id"))
    title: Mapped[str] = mapped_column(String(120))
    intro: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=DRAFT, index=True)
    join_code: Mapped[str] = mapped_column(String(6))
    joining_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    # How many young people the lead expects at one session; past it (with a margin) new
    # joiners wait until the lead lets more in (see participation.activities.group_size).
    expected_group_size: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    opens_at: Mapped[datetime | None] = mapped_column(DateTime)
    closes_at: Mapped[datetime | None] = mapped_column(DateTime)
    consent_mode: Mapped[str] = mapped_column(String(12), default=CONSENT_SELF)
    research_sharing: Mapped[str] = mapped_column(String(4), default=RESEARCH_OFF)
    k_threshold: Mapped[int] = mapped_column(Integer, default=5)
    retention_days: Mapped[int] = mapped_column(Integer, default=365)
    withdrawal_days: Mapped[int] = mapped_column(Integer, default=28)
    lundy_focus: Mapped[str | None] = mapped_column(String(10))
    hart_rung: Mapped[int | None] = mapped_column(Integer)
    one_page: Mapped[bool] = mapped_column(Boolean, default=False)
    # Easy read on from the start (young people can still switch it off, or on elsewhere).
    easy_read: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Second-language wording: {"cy": {"title": ..., "intro": ...}} (see activities/translations.py).
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    # None inherits the service's help links.
    signposting: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    joined_count: Mapped[int] = mapped_column(Integer, default=0)
    # One more for every change to what young people see or may do (see
    # participation.activities.content_version); their pages keep the activity per version.
    content_version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # "You said, we did" shows on the activity's own /j/<CODE> page while published, up to
    # and including `you_said_until` when set.
    you_said_published: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    you_said_until: Mapped[date | None] = mapped_column(Date)

    service: Mapped[Service] = relationship()
    participation_type: Mapped[ParticipationType] = relationship()
    questions: Mapped[list[Question]] = relationship(
        back_populates="activity",
        order_by="Question.position",
        cascade="all, delete-orphan",
    )
    consent_versions: Mapped[list[ConsentVersion]] = relationship(
        back_populates="activity",
        order_by="ConsentVersion.version",
        cascade="all, delete-orphan",
    )

    @property
    def current_consent(self) -> ConsentVersion | None:
        """The consent statement young people see now (the newest version)."""
        return self.consent_versions[-1] if self.consent_versions else None

    def __repr__(self) -> str:
        return f"<Activity {self.id} {self.join_code} {self.status}>"


class ConsentVersion(Base):
    """One wording of an activity's consent statement; submissions record which they saw."""

    __tablename__ = "consent_versions"
    __table_args__ = (UniqueConstraint("activity_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    statement: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(12), default=CONSENT_SELF)
    # The statement in a second language, {"cy": "..."}: part of this version, never edited in place.
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    activity: Mapped[Activity] = relationship(back_populates="consent_versions")


def wording_key(kind: str, prompt: str) -> str:
    """The key of a lead's own question: from its kind and first wording, so questions worded
    alike in different activities are counted together, and later rewording keeps the key."""
    wording = " ".join(prompt.split()).casefold()
    digest = hashlib.blake2s(f"{kind}\x1f{wording}".encode(), digest_size=8).hexdigest()
    return f"wording:{digest}"


def _first_wording_key(context: DefaultExecutionContext) -> str:
    # SQLAlchemy leaves get_current_parameters unannotated (it returns the row's parameters).
    parameters = context.get_current_parameters()  # type: ignore[no-untyped-call]
    return wording_key(str(parameters["kind"]), parameters["prompt"] or "")


class Question(Base):
    """One question of an activity.

    `options` is a list of {"code": int, "label": str} for choice-like kinds; `settings`
    holds kind-specific extras such as {"max_picks": 2}, {"max_length": 500} or
    {"topic": "age_band"} for reach questions.
    """

    __tablename__ = "questions"
    # Server defaults are read when used, not returned by every insert.
    __mapper_args__ = {"eager_defaults": False}
    __table_args__ = (
        Index("ix_questions_activity_position", "activity_id", "position"),
        one_of("kind", QuestionKind, "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    prompt: Mapped[str] = mapped_column(Text)
    hint: Mapped[str] = mapped_column(Text, default="")
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Results never shown on the shared present screen. Only a server default, so an insert
    # that does not set it leaves it out; the studio and templates set it for reach questions.
    never_on_screen: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # The question's identity across activities and rewordings: the dashboard groups by it.
    key: Mapped[str] = mapped_column(String(80), default=_first_wording_key, index=True)
    # {"cy": {"prompt": ..., "hint": ..., "options": {"1": ...}, "boxes": [...]}}; answers
    # are stored against the question and option codes whichever language was shown.
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")

    activity: Mapped[Activity] = relationship(back_populates="questions")

    def option_label(self, code: int) -> str:
        """The label of the option with `code`, or an empty string."""
        return next((o["label"] for o in self.options if o["code"] == code), "")

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.kind}>"


class RetiredJoinCode(Base):
    """A join code replaced by "new code", so its old QR code can say it is no longer in use."""

    __tablename__ = "retired_join_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    retired_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
