"""Removing every answer linked by one young person's linking code, in every Hub.

The young person doesn't say which Hub (they may not know, and telling would say more about
them than we need), so the code is hashed with each Hub's key in turn and every submission
carrying one of those hashes is found.

The rule for answers older than their activity's withdrawal window: the withdrawal code
refuses them (they may already be in a report or a research release). The linking code
can't delete them either, for the same reason, but it can unlink them: their link hash is
cleared, so they stop being linked to each other or to any later answers, and stay only as
the anonymous, unlinked answers anyone else gave. Answers within the window are deleted for
good, with their answers, flags and theme links, exactly as the withdrawal code does.
Nothing about the request is audited: there is no one to name.

A code made from the four prompts has few possible values, so two young people in a Hub can
make the same one; removing by it then removes both their linked answers. That is the price
of a code nobody has to keep; a card's code (about 39 bits) makes it vanishingly unlikely.
Guessing is slowed by the same per-client limit as the withdrawal code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from participation.answering.submissions import delete_submissions, within_withdrawal_window
from participation.clock import utcnow
from participation.models import Activity, Service, Submission
from participation.models.services import HUB
from participation.outcomes.linking import link_hash


@dataclass(frozen=True)
class LinkedWithdrawal:
    """What removing a linking code's answers did: how many were deleted and how many unlinked."""

    removed: int
    unlinked: int

    @property
    def found(self) -> bool:
        """Whether any answers carried the code."""
        return bool(self.removed or self.unlinked)


def hub_ids(session: Session) -> list[int]:
    """Every Hub's id: services that are Hubs, and Spokes with no Hub (each its own Hub)."""
    return list(
        session.scalars(
            select(Service.id)
            .where(or_(Service.kind == HUB, Service.parent_id.is_(None)))
            .order_by(Service.id)
        )
    )


def code_hashes(session: Session, key_dir: Path, code: str) -> list[str]:
    """The stored form of a normalised linking code in every Hub."""
    return [link_hash(key_dir, hub_id, code) for hub_id in hub_ids(session)]


def withdraw_linked(
    session: Session, code: str, key_dir: Path, now: datetime | None = None
) -> LinkedWithdrawal:
    """Delete every submission linked by `code` within its window; unlink the older ones.

    `code` is a normalised linking code (`prompt_code` or `card_code`). The caller commits.
    """
    hashes = code_hashes(session, key_dir, code)
    if not hashes:
        return LinkedWithdrawal(removed=0, unlinked=0)
    found = session.execute(
        select(Submission.id, Submission.submitted_hour, Activity.withdrawal_days)
        .join(Activity, Activity.id == Submission.activity_id)
        .where(Submission.link_hash.in_(hashes))
    ).all()
    now = now or utcnow()
    in_time = [
        row.id
        for row in found
        if within_withdrawal_window(row.submitted_hour, row.withdrawal_days, now)
    ]
    deleting = set(in_time)
    too_old = [row.id for row in found if row.id not in deleting]
    if too_old:
        session.execute(update(Submission).where(Submission.id.in_(too_old)).values(link_hash=None))
    if in_time:
        delete_submissions(session, in_time)
    return LinkedWithdrawal(removed=len(in_time), unlinked=len(too_old))
