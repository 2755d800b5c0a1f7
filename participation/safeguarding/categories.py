"""What a possible disclosure is about, and how urgent each kind is, in queue order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum


class Severity(IntEnum):
    """How soon a safeguarding lead should look: lower comes first in the queue."""

    IMMEDIATE = 1
    HIGH = 2
    CONCERN = 3


@dataclass(frozen=True)
class Category:
    """One kind of possible disclosure, with the words a safeguarding lead reads."""

    key: str
    label: str
    severity: Severity


# In queue order: immediate danger first, then harm, then concerns.
CATEGORY_LIST = (
    Category("immediate_danger", "In danger now", Severity.IMMEDIATE),
    Category("suicide", "Suicide", Severity.IMMEDIATE),
    Category("self_harm", "Self-harm", Severity.HIGH),
    Category("sexual_exploitation", "Sexual exploitation and grooming", Severity.HIGH),
    Category("sexual_assault", "Coerced sexual activity and assault", Severity.HIGH),
    Category("online_coercion", "Online coercion, sextortion and image sharing", Severity.HIGH),
    Category("criminal_exploitation", "Criminal exploitation and county lines", Severity.HIGH),
    Category("missing_trafficking", "Going missing and trafficking", Severity.HIGH),
    Category("physical_domestic_abuse", "Physical and domestic abuse", Severity.HIGH),
    Category("neglect", "Neglect", Severity.CONCERN),
    Category("substance_misuse", "Substance misuse", Severity.CONCERN),
    Category("bullying", "Bullying", Severity.CONCERN),
    Category("friend_worry", "Worry about a friend", Severity.CONCERN),
)
CATEGORIES = tuple(category.key for category in CATEGORY_LIST)
BY_KEY = {category.key: category for category in CATEGORY_LIST}

# Names used before the categories were split up, for reading old rows and phrase lists.
RENAMED = {
    "sexual_exploitation_abuse": "sexual_exploitation",
    "going_missing": "missing_trafficking",
    "violence": "physical_domestic_abuse",
}


# Queue order is most urgent first, so the lowest position is the most urgent category.
QUEUE_ORDER = {category.key: position for position, category in enumerate(CATEGORY_LIST)}


def most_urgent(keys: Iterable[str]) -> str | None:
    """The most urgent known category among `keys` (old names read as their new ones)."""
    known = [key for key in (RENAMED.get(key, key) for key in keys) if key in BY_KEY]
    return min(known, key=QUEUE_ORDER.__getitem__, default=None)


def severity_of(keys: Iterable[str]) -> Severity:
    """The most urgent severity among category `keys` (unknown keys count as CONCERN)."""
    key = most_urgent(keys)
    return BY_KEY[key].severity if key else Severity.CONCERN


def label_of(key: str) -> str:
    """The words a safeguarding lead reads for category `key`."""
    category = BY_KEY.get(RENAMED.get(key, key))
    return category.label if category else key.replace("_", " ").capitalize()
