"""What young people's pages read of an activity, as frozen plain data kept per content version.

Each young person's page used to load the activity, its questions, consent statements and
service through the ORM. Now the first request after a change loads them once into the
frozen dataclasses below, and the process keeps them keyed by the activity's
`content_version` (see participation.activities.content_version, which bumps it on every
change). Every request still reads the version (one small indexed query, or the same row as
the join-code look-up), so a change saved in another process is seen on the next request.

The attribute names are the models' own, so templates and domain functions read either. The
number of young people who joined is not here: it changes without a new version.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, TypeVar

from sqlalchemy.orm import Session, joinedload, selectinload

from participation import db
from participation.models import Activity, ConsentVersion, Question, Service

# Columns kept out of the snapshot on purpose (they change without a new content version).
NOT_IN_SNAPSHOT = {"activities": frozenset({"joined_count"})}
# More activities than this in one process's memory and the oldest go (a few KB each).
MAX_KEPT = 500


@dataclass(frozen=True, slots=True)
class ServiceData:
    """A service's name and help links, as the activity's pages show them."""

    id: int
    name: str
    kind: str
    parent_id: int | None
    signposting: tuple[Mapping[str, Any], ...] | None
    created_at: datetime

    @property
    def is_hub(self) -> bool:
        """Whether this service is a Hub."""
        return self.kind == "hub"


@dataclass(frozen=True, slots=True)
class ConsentData:
    """One wording of the consent statement."""

    id: int
    activity_id: int
    version: int
    statement: str
    mode: str
    created_at: datetime
    translations: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class QuestionData:
    """One question with its options ({"code", "label", ...}) and kind-specific settings."""

    id: int
    activity_id: int
    position: int
    kind: str
    prompt: str
    hint: str
    options: tuple[Mapping[str, Any], ...]
    settings: Mapping[str, Any]
    key: str
    never_on_screen: bool
    translations: Mapping[str, Any]

    def option_label(self, code: int) -> str:
        """The label of the option with `code`, or an empty string."""
        return next((str(o["label"]) for o in self.options if o["code"] == code), "")


@dataclass(frozen=True, slots=True)
class ActivityData:
    """An activity as young people's pages and the send read it, at one content version."""

    id: int
    service_id: int
    participation_type_id: int
    title: str
    intro: str
    status: str
    join_code: str
    joining_locked: bool
    expected_group_size: int
    opens_at: datetime | None
    closes_at: datetime | None
    consent_mode: str
    research_sharing: str
    k_threshold: int
    retention_days: int
    withdrawal_days: int
    lundy_focus: str | None
    hart_rung: int | None
    one_page: bool
    signposting: tuple[Mapping[str, Any], ...] | None
    content_version: int
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None
    you_said_published: bool
    you_said_until: date | None
    easy_read: bool
    translations: Mapping[str, Any]
    service: ServiceData
    questions: tuple[QuestionData, ...]
    consent_versions: tuple[ConsentData, ...]

    @property
    def current_consent(self) -> ConsentData | None:
        """The consent statement young people see now (the newest version)."""
        return self.consent_versions[-1] if self.consent_versions else None

    def consent_version(self, consent_id: int) -> ConsentData | None:
        """One of this activity's consent statements by id (a draft may carry an older one)."""
        return next((c for c in self.consent_versions if c.id == consent_id), None)


AnyActivity = Activity | ActivityData
AnyQuestion = Question | QuestionData
AnyConsent = ConsentVersion | ConsentData

Data = TypeVar("Data")


def freeze(value: Any) -> Any:
    """A read-only copy of JSON-like data (dicts become mapping proxies, lists tuples)."""
    if isinstance(value, dict):
        return MappingProxyType({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    return value


def _copy(cls: type[Data], row: object, **given: Any) -> Data:
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    values = {name: freeze(getattr(row, name)) for name in names if name not in given}
    return cls(**values, **given)


def from_model(activity: Activity) -> ActivityData:
    """The frozen copy of a loaded activity, its service, questions and consent statements."""
    service: Service = activity.service
    return _copy(
        ActivityData,
        activity,
        service=_copy(ServiceData, service),
        questions=tuple(_copy(QuestionData, q) for q in activity.questions),
        consent_versions=tuple(_copy(ConsentData, c) for c in activity.consent_versions),
    )


_lock = threading.Lock()
_kept: dict[int, ActivityData] = {}


# What tells one activity's content apart: its version, and when it was made (an id can be
# used again after a rollback or a restored backup; its creation time cannot).
Stamp = tuple[int, datetime]


# Read on every young person's request, so sent as plain SQL straight to the driver
# (participation.db.first_row): no statement to build, compile or dispatch.
_BY_CODE = (
    "SELECT id, content_version, created_at FROM activities "
    "WHERE join_code = {0} AND status != 'archived'"
)
_BY_ID = "SELECT content_version, created_at FROM activities WHERE id = {0}"


def _stamp(version: int, created_at: datetime | str) -> Stamp:
    if isinstance(created_at, str):  # SQLite keeps times as text
        created_at = datetime.fromisoformat(created_at)
    return (version, created_at)


def version_by_code(session: Session, code: str) -> tuple[int, Stamp] | None:
    """The id and content stamp of the joinable (not archived) activity with `code`."""
    row = db.first_row(session, _BY_CODE, (code,))
    return (row[0], _stamp(row[1], row[2])) if row is not None else None


def version_of(session: Session, activity_id: int) -> Stamp | None:
    """The content stamp of an activity now (None when it is gone)."""
    row = db.first_row(session, _BY_ID, (activity_id,))
    return _stamp(row[0], row[1]) if row is not None else None


def load(session: Session, activity_id: int) -> ActivityData | None:
    """Read an activity afresh into plain data and keep it for its version."""
    activity = session.get(
        Activity,
        activity_id,
        options=[
            joinedload(Activity.service),
            selectinload(Activity.questions),
            selectinload(Activity.consent_versions),
        ],
        populate_existing=True,
    )
    if activity is None:
        return None
    data = from_model(activity)
    with _lock:
        kept = _kept.get(activity_id)
        newer = kept is None or kept.created_at != data.created_at
        if newer or (kept is not None and kept.content_version <= data.content_version):
            if len(_kept) >= MAX_KEPT:
                _kept.clear()
            _kept[activity_id] = data
    return data


def at_version(session: Session, activity_id: int, stamp: Stamp) -> ActivityData | None:
    """The activity at `stamp` (just read from the database): kept, or loaded now."""
    kept = _kept.get(activity_id)
    if kept is not None and (kept.content_version, kept.created_at) == stamp:
        return kept
    return load(session, activity_id)


def current(session: Session, activity_id: int) -> ActivityData | None:
    """The activity as it is now: one small query for its version, then usually no more."""
    stamp = version_of(session, activity_id)
    if stamp is None:
        return None
    return at_version(session, activity_id, stamp)


def forget() -> None:
    """Drop every kept activity (tests, and after restoring a backup into a running app)."""
    with _lock:
        _kept.clear()
