"""The live workshop screen's state: counts, results once k have answered, approved text.

Screens poll `live_state` through a small JSON endpoint. `live_version` is a strong ETag
built from a few indexed counts, so a screen whose data has not changed gets a 304 without
any figures being computed, however many screens are open. A screen that has not seen the
current version gets a body made once per process and version (`screen_body`): the ETag
names everything the body shows, so a body kept under it can never be out of date.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from participation.activities.group_size import Joining
from participation.figures.queries import SubmissionStats
from participation.figures.results import ActivityFigures, activity_figures
from participation.figures.text_answers import text_questions
from participation.follow_up.moderation import approved_for_screen
from participation.models import Activity, Answer, Flag
from participation.models.submissions import APPROVED
from participation.safeguarding.visibility import withholds

SCREEN_TEXTS = 30
BODIES_KEPT = 32  # a body is about 50 KB; this many versions per process

_bodies: OrderedDict[str, bytes] = OrderedDict()
_bodies_lock = threading.Lock()


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
    joining: Joining | None = None  # this session's joins against the expected group size

    @property
    def ready(self) -> bool:
        """Whether results may be shown (at least k young people have sent answers)."""
        return self.figures is not None

    @property
    def waiting_for(self) -> int:
        """How many more answers are needed before results appear."""
        return max(self.k - self.submitted, 0)


def live_version(
    session: Session, activity: Activity, stats: SubmissionStats, joining: Joining | None = None
) -> str:
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
    # A flag raised or released changes which words the screen may show.
    waiting_flags = session.execute(
        select(func.count(), func.coalesce(func.sum(Flag.id), 0)).where(
            Flag.activity_id == activity.id, withholds()
        )
    ).one()
    # Question wording and options are on the screen too (a draft's can still change).
    questions = [
        (q.id, q.position, q.kind, q.prompt, q.options, q.settings, q.never_on_screen)
        for q in activity.questions
    ]
    parts = (
        activity.id,
        activity.status,
        activity.joining_locked,
        activity.joined_count,
        activity.k_threshold,
        activity.join_code,
        *stats,
        *approved,
        *waiting_flags,
        questions,
        joining,
    )
    return hashlib.blake2s(repr(parts).encode(), digest_size=12).hexdigest()


def screen_body(version: str, make: Callable[[], bytes]) -> bytes:
    """The body for `version` (a `live_version`), made by `make` only when not already kept."""
    with _bodies_lock:
        body = _bodies.get(version)
        if body is not None:
            _bodies.move_to_end(version)
            return body
    body = make()
    with _bodies_lock:
        _bodies[version] = body
        while len(_bodies) > BODIES_KEPT:
            _bodies.popitem(last=False)
    return body


def live_state(
    session: Session, activity: Activity, stats: SubmissionStats, joining: Joining | None = None
) -> LiveState:
    """The live screen's content; results and text only once k young people have answered."""
    # The count itself is shown as it is: everyone in the room can count the phones, and
    # the screen says how many more answers it needs before showing anything else.
    submitted = stats.submissions
    ready = submitted >= activity.k_threshold
    return LiveState(
        joined=activity.joined_count,
        submitted=submitted,
        joining_locked=activity.joining_locked,
        status=activity.status,
        k=activity.k_threshold,
        figures=activity_figures(session, activity, stats=stats) if ready else None,
        texts=tuple(approved_for_screen(session, activity, SCREEN_TEXTS)) if ready else (),
        joining=joining,
    )
