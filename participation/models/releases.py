"""Research releases: frozen snapshots of what researchers may download from an activity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from participation.db import Base

BY_LEAD, ON_CLOSE = "lead", "closed"


class ResearchRelease(Base):
    """One release: the shareable submissions with ids up to `last_submission_id`.

    The rows are those submissions that research consent allows at download time (so a
    withdrawal still removes its row); `seed` keys the shuffle that orders them.
    """

    __tablename__ = "research_releases"
    __table_args__ = (UniqueConstraint("activity_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    # To the hour, like every time a young person's action leads to.
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_submission_id: Mapped[int] = mapped_column(Integer)
    submissions: Mapped[int] = mapped_column(Integer)  # shareable when it was made
    added: Mapped[int] = mapped_column(Integer)  # of them, new since the release before
    seed: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(10), default=BY_LEAD)
