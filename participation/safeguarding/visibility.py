"""Who may read the words of an answer that is with the safeguarding lead: one rule for all.

An answer with a flag that has not been released is "withheld". Its words reach designated
safeguarding leads only (on staff pages, within the services they may see). Every other
member of staff, and every file and shared screen whoever asks for it, gets `WITHHELD`
and no words. Once a lead releases the flag, the answer follows the normal rules again
(moderation, redaction).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, select

from participation.models import Flag, Staff
from participation.models.staff import RESEARCHER

WITHHELD = "Withheld: with the safeguarding lead"


def may_read_flagged(staff: Staff | None) -> bool:
    """Whether `staff` is a designated safeguarding lead (researchers never; files never)."""
    return staff is not None and bool(staff.is_safeguarding_lead) and staff.role != RESEARCHER


def may_read_words(staff: Staff | None, *, withheld: bool) -> bool:
    """Whether `staff` (None: a file or shared screen) may read an answer's words."""
    return not withheld or may_read_flagged(staff)


def words_for(staff: Staff | None, text: str, *, withheld: bool) -> str:
    """The answer's words if `staff` may read them, otherwise `WITHHELD`."""
    return text if may_read_words(staff, withheld=withheld) else WITHHELD


def withholds() -> ColumnElement[bool]:
    """True for a flag that still withholds its answer's words (not released)."""
    return Flag.released_at.is_(None)


def withheld_answer_ids() -> Select[int]:
    """The ids of every answer whose words are withheld, for `Answer.id.not_in(...)`."""
    return select(Flag.answer_id).where(withholds())
