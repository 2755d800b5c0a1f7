"""The live workshop screen's state: counts, results once k have answered, approved text.

Screens poll `live_state` through a small JSON endpoint. `live_version` is a strong ETag
built from a few indexed counts, so a screen whose data has not changed gets a 304 without
any figures being computed, however many screens are open.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from participation.answer_queries import SubmissionStats
from participation.figures import ActivityFigures, activity_figures
from participation.models import Activity, Answer, Flag
from participation.models.submissions import APPROVED
from participation.models.work import FLAG_NEW
from participation.moderation import approved_for_screen
from participation.text_answers import text_questions

SCREEN_TEXTS = 30


@dataclass(frozen=True)
class LiveState:
    """What the live screen shows now."""

    joined: int
    submitted: int
    joining_locked: bool
    status: str
    k: int
    figures: ActivityFigures | None  # None until at least k young people have answered
    texts: tuple[str, ...]  # approved, redacted; empty until k have answered

    @property
    def ready(self) -> bool:
        """Whether results may be shown (at least k young people have sent answers)."""
        return self.figures is not None

    @property
    def waiting_for(self) -> int:
        """How many more answers are needed before results appear."""
        return max(self.k - self.submitted, 0)


def live_version(session: Session, activity: Activity, stats: SubmissionStats) -> str:
    """A strong ETag (unquoted) for the live screen: changes whenever anything on it could."""
    approved = (0, 0, 0)
    ids = [q.id for q in text_questions(activity)]
    if ids:
        # Reads the partial index of text answers only.
        approved = session.execute(
            select(func.count(), func.coalesce(func.sum(Answer.id), 0), func.max(Answer.id)).where(
                Answer.question_id.in_(ids), Answer.moderation == APPROVED
            )
        ).one()
    waiting_flags = session.scalar(
        select(func.count())
        .select_from(Flag)
        .where(Flag.activity_id == activity.id, Flag.status == FLAG_NEW)
    )
    parts = (
        activity.id,
        activity.status,
        activity.joining_locked,
        activity.joined_count,
        activity.k_threshold,
        activity.join_code,
        *stats,
        *approved,
        waiting_flags,
    )
    return hashlib.blake2s(repr(parts).encode(), digest_size=12).hexdigest()


def live_state(session: Session, activity: Activity, stats: SubmissionStats) -> LiveState:
    """The live screen's content; results and text only once k young people have answered."""
    # The count itself is shown as it is: everyone in the room can count the phones, and
    # the screen says how many more answers it needs before showing anything else.
    submitted = stats.count
    ready = submitted >= activity.k_threshold
    return LiveState(
        joined=activity.joined_count,
        submitted=submitted,
        joining_locked=activity.joining_locked,
        status=activity.status,
        k=activity.k_threshold,
        figures=activity_figures(session, activity, stats=stats) if ready else None,
        texts=tuple(approved_for_screen(session, activity, SCREEN_TEXTS)) if ready else (),
    )
