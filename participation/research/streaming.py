"""Audited downloads that stream: "started" before the first byte, the outcome after the last.

A download is recorded as started (committed before anything is sent), then as completed
only once its last chunk has been made, or as failed or stopped when the stream breaks,
each in a transaction of its own. So an export that fails part-way never leaves a record
claiming it succeeded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from flask import g
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.models import Staff

logger = logging.getLogger(__name__)
Chunks = Callable[[Session], Iterator[bytes]]
Outcome = Callable[[], dict[str, Any]]


def record_started(session: Session, staff: Staff, action: str, target: Any, **detail: Any) -> None:
    """Record (and commit) that a download has started."""
    audit.record(session, f"{action}_started", staff=staff, target=target, **detail)
    session.commit()


def audited(
    make_chunks: Chunks,
    *,
    staff: Staff,
    action: str,
    target: Any,
    outcome: Outcome,
    **detail: Any,
) -> Chunks:
    """Wrap a stream so its end is audited: `action` when complete, `action`_failed if not."""

    def chunks(session: Session) -> Iterator[bytes]:
        try:
            yield from make_chunks(session)
        except GeneratorExit:  # the client went away: closed part-way
            try:
                _finish(session, f"{action}_failed", staff, target, outcome="stopped", **detail)
            except SQLAlchemyError:  # closing cannot raise; say so in the log instead
                logger.exception("Could not record that a download of %s stopped", action)
            raise
        except Exception as exc:
            error = type(exc).__name__
            _finish(
                session, f"{action}_failed", staff, target, outcome="failed", error=error, **detail
            )
            raise
        _finish(session, action, staff, target, outcome="completed", **detail, **outcome())

    return chunks


def _finish(session: Session, action: str, staff: Staff, target: Any, **detail: Any) -> None:
    session.rollback()  # end the stream's read (or its broken transaction) first
    # A new write transaction after the view's commit: take the write lock as the view did.
    g.db_committed = False
    audit.record(session, action, staff=staff, target=target, **detail)
    session.commit()
