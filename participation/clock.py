"""Time helpers: the app stores naive UTC datetimes everywhere."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time as a naive UTC datetime (how every column stores time)."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_hour(moment: datetime) -> datetime:
    """Round a datetime down to the hour, so stored times cannot single anyone out."""
    return moment.replace(minute=0, second=0, microsecond=0)
