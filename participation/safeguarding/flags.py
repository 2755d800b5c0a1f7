"""Making flags: by the safeguarding check, or by hand ("Raise a concern"); and releasing them.

Every flag gets, when it is made, the severity of its most urgent category (the queue's
order) and a group key. Near-duplicate answers to one activity arriving in a burst (equal
once digits, punctuation, case and spacing are taken out, each within `BURST_WINDOW` of
the one before) share a key, so the queue shows a flood as one row. Flag times are kept to
the hour (a time a young person caused must not single them out), so the window is counted
in whole hours. A concern raised by hand is always a group of its own.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.activities.snapshot import ActivityData
from participation.clock import to_hour, utcnow
from participation.figures.text_answers import find_text_answer
from participation.models import Activity, Flag, Staff
from participation.models.submissions import APPROVED, PENDING
from participation.models.work import FLAG_AUTOMATIC, FLAG_NEW, FLAG_STAFF
from participation.problems import Conflict, FieldProblem, Forbidden, NotFound
from participation.safeguarding.categories import CATEGORIES, severity_of
from participation.safeguarding.visibility import may_read_flagged

BURST_WINDOW = timedelta(hours=1)  # this hour or the one before, on hour-rounded times
MAX_NOTE = 2000
_NOT_LETTERS = re.compile(r"[^a-z]+")


def similar_form(text: str) -> str:
    """The text as compared for bursts: letters only, lower case, single spaces."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    folded = folded.replace("'", "")  # "I'm" and "im" are the same answer
    return " ".join(_NOT_LETTERS.sub(" ", folded).split())


def burst_key(session: Session, activity_id: int, text: str, answer_id: int, now: datetime) -> str:
    """The group key of a new automatic flag: a recent near-duplicate's, or a new one."""
    form = similar_form(text)
    if not form:
        return f"a{answer_id}"
    digest = hashlib.blake2s(form.encode(), digest_size=8).hexdigest()
    prefix = f"t{activity_id}.{digest}."
    recent = session.scalar(
        select(Flag.group_key)
        .where(
            Flag.group_key.between(prefix, prefix + "~"),
            Flag.activity_id == activity_id,
            Flag.created_at >= to_hour(now) - BURST_WINDOW,
        )
        .order_by(Flag.created_at.desc(), Flag.id.desc())
        .limit(1)
    )
    return recent or f"{prefix}{answer_id}"


def new_flag(
    session: Session,
    activity: Activity | ActivityData,
    answer_id: int,
    text: str,
    categories: list[str],
    now: datetime | None = None,
) -> Flag:
    """Add the flag the safeguarding check raised on an answer (the caller flushes)."""
    now = now or utcnow()
    flag = Flag(
        answer_id=answer_id,
        activity_id=activity.id,
        service_id=activity.service_id,
        categories=",".join(categories),
        severity=int(severity_of(categories)),
        group_key=burst_key(session, activity.id, text, answer_id, now),
        source=FLAG_AUTOMATIC,
        created_at=to_hour(now),
    )
    session.add(flag)
    return flag


def _check_concern(category: str, note: str) -> str:
    note = note.strip()
    if category not in CATEGORIES:
        raise FieldProblem("category", "Select what worries you about this answer.")
    if len(note) > MAX_NOTE:
        raise FieldProblem("note", f"The note must be {MAX_NOTE} characters or fewer.")
    return note


def raise_concern(
    session: Session, staff: Staff, activity: Activity, answer_id: int, category: str, note: str
) -> Flag:
    """Flag a written answer by hand, routed like an automatic flag; audited. Caller commits.

    From now on the words are withheld from everyone but safeguarding leads. An approved
    answer goes back to waiting for approval, so it leaves the live screen at once.
    """
    note = _check_concern(category, note)
    answer = find_text_answer(session, activity, answer_id)
    if answer is None:
        raise NotFound("That answer is no longer here.")
    flag = session.scalar(select(Flag).where(Flag.answer_id == answer.id))
    if flag is not None and flag.released_at is None:
        raise Conflict("This answer is already with the safeguarding lead.")
    now = utcnow()
    if flag is None:
        flag = Flag(answer_id=answer.id, activity_id=activity.id, service_id=activity.service_id)
        session.add(flag)
    flag.categories = category
    flag.severity = int(severity_of([category]))
    flag.group_key = f"a{answer.id}"
    flag.source = FLAG_STAFF
    flag.raised_by_id = staff.id
    flag.concern_note = note
    flag.status = FLAG_NEW
    flag.created_at = to_hour(now)
    flag.released_at = flag.released_by_id = None
    flag.release_reason = ""
    if answer.moderation == APPROVED:
        answer.moderation = PENDING
    session.flush()
    audit.record(session, "concern_raised", staff=staff, target=flag, category=category)
    return flag


def release(session: Session, flag: Flag, staff: Staff, reason: str) -> None:
    """Let other staff read a flag's words again (say, a false alarm); audited. Caller commits."""
    if not may_read_flagged(staff):
        raise Forbidden("Only a safeguarding lead can release an answer.")
    if flag.released_at is not None:
        raise Conflict("This answer was already released.")
    reason = reason.strip()
    if not reason:
        raise FieldProblem("reason", "Enter why other staff may now read this answer.")
    if len(reason) > MAX_NOTE:
        raise FieldProblem("reason", f"The reason must be {MAX_NOTE} characters or fewer.")
    flag.released_at = to_hour(utcnow())
    flag.released_by_id = staff.id
    flag.release_reason = reason
    audit.record(session, "flag_released", staff=staff, target=flag)
