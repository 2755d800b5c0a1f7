"""The fixed vocabularies stored in the database; CHECK constraints refuse any other value.

Each is a `StrEnum`, so a member is also the plain string stored in its column and
compares equal to it.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import CheckConstraint


class QuestionKind(StrEnum):
    """What a question asks for; answers store choices as option codes and text in `text`."""

    EMOJI_SCALE = "emoji_scale"
    TRAFFIC_LIGHT = "traffic_light"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    FREE_TEXT = "free_text"
    THREE_BOXES = "three_boxes"
    RANKING = "ranking"
    REACH = "reach"


class ActivityStatus(StrEnum):
    """Where an activity is in its life: designed, answered, finished, put away."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    ARCHIVED = "archived"


class Role(StrEnum):
    """What a member of staff does, which decides what they may see."""

    ADMIN = "admin"
    LEAD = "lead"
    RESEARCHER = "researcher"


class FlagStatus(StrEnum):
    """A safeguarding flag is new until a safeguarding lead records an outcome."""

    NEW = "new"
    REVIEWED = "reviewed"
    DISCUSSED = "discussed"
    REFERRED = "referred"
    NO_CONCERN = "no_concern"


def one_of(column: str, values: type[StrEnum], name: str) -> CheckConstraint:
    """A CHECK constraint that `column` holds one of `values` (named `ck_<table>_<name>`)."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name)
