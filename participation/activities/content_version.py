"""Every change to an activity's content adds one to its `content_version`, in one place.

Young people's pages keep each activity as plain data per content version (see
participation.activities.snapshot), so a change nobody counted would leave them showing old
questions or taking answers after a lead closed the activity. Rather than trusting every studio
page to remember, a flush listener on all sessions bumps the version of the activity owning any
row added, changed or deleted: the activity itself, and any row that points to an activity
(`activity_id`) or to a question (`question_id`), whatever its table, unless it is what young
people or staff produce from answers (listed in ANSWER_DATA). A changed service bumps its
activities (its name and help links are on their pages). A bulk ORM UPDATE of activities
bumps the version too, unless it only counts joins.

Counting is done by the database (`content_version + 1`), so two staff saving at once in two
processes cannot both write the same new number.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, Update, event, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.util import identity_key

from participation.models import (
    Action,
    Activity,
    Answer,
    AnswerTheme,
    AuditEvent,
    Flag,
    Question,
    ResearchRelease,
    Service,
    Submission,
    Theme,
)

# Rows made from answers or about them; they never change what a young person is shown.
ANSWER_DATA: tuple[type, ...] = (
    Submission,
    Answer,
    Flag,
    AnswerTheme,
    Theme,
    Action,
    ResearchRelease,
    AuditEvent,
)
# Columns a bulk UPDATE of activities may set without it being a change of content.
_NOT_CONTENT = frozenset({"joined_count", "updated_at", "content_version"})


def _history_values(obj: object, attribute: str) -> set[int]:
    """The current and (for a changed row) previous values of an id attribute."""
    state = inspect(obj)
    if attribute not in state.attrs:
        return set()
    history = state.attrs[attribute].history
    values = {*history.added, *history.unchanged, *history.deleted}
    return {value for value in values if isinstance(value, int)}


def _owner_ids(session: Session, obj: object) -> set[int]:
    """The activities whose content `obj` is part of (empty for answer data and other rows)."""
    if isinstance(obj, ANSWER_DATA):
        return set()
    ids = _history_values(obj, "activity_id")
    owner = getattr(obj, "activity", None) if "activity" in inspect(obj).attrs else None
    if isinstance(owner, Activity) and owner.id is not None:
        ids.add(owner.id)
    question_ids = _history_values(obj, "question_id") if not isinstance(obj, Question) else set()
    if question_ids:
        ids |= set(
            session.scalars(select(Question.activity_id).where(Question.id.in_(question_ids)))
        )
    if isinstance(obj, Service) and obj.id is not None:
        ids |= set(session.scalars(select(Activity.id).where(Activity.service_id == obj.id)))
    return ids


def _changed_objects(session: Session) -> Iterable[Any]:
    yield from session.new
    yield from (obj for obj in session.dirty if session.is_modified(obj))
    yield from session.deleted


def bump(session: Session, activity_ids: Iterable[int]) -> None:
    """Add one to the content version of each activity (counted by the database)."""
    loose: list[int] = []
    for activity_id in set(activity_ids):
        loaded = session.identity_map.get(identity_key(Activity, activity_id))
        if loaded is None:
            loose.append(activity_id)
        elif loaded not in session.deleted:
            loaded.content_version = Activity.content_version + 1
    if loose:
        table: Table = Activity.__table__  # type: ignore[assignment]
        session.connection().execute(
            update(table)
            .where(table.c.id.in_(loose))
            .values(content_version=table.c.content_version + 1)
        )


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    touched: set[int] = set()
    for obj in list(_changed_objects(session)):
        if isinstance(obj, Activity):
            if obj not in session.new and obj not in session.deleted:
                touched.add(obj.id)
            continue
        touched |= _owner_ids(session, obj)
    if touched:
        bump(session, touched)


def _bulk_activity_update(state: ORMExecuteState) -> None:
    statement = state.statement
    if not (state.is_update and isinstance(statement, Update)):
        return
    entity = state.bind_mapper.class_ if state.bind_mapper is not None else None
    if entity is not Activity:
        return
    columns = {getattr(key, "key", str(key)) for key in statement._values or {}}
    if columns <= _NOT_CONTENT:
        return
    state.statement = statement.values(content_version=Activity.content_version + 1)


def install() -> None:
    """Listen on every session (idempotent): the app factory calls this once."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
    if not event.contains(Session, "do_orm_execute", _bulk_activity_update):
        event.listen(Session, "do_orm_execute", _bulk_activity_update)


install()
