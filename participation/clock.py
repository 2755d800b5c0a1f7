"""Time helpers: the app stores naive UTC datetimes everywhere; staff read UK time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# Staff read and type times by the clock on the wall (GMT in winter, BST in summer).
UK = ZoneInfo("Europe/London")

# Dates staff type must fall in these years: "the day after" 31 December 9999 overflows, and
# no activity ran before 2000 or will run after 2100.
FIRST_YEAR, LAST_YEAR = 2000, 2100
YEARS_MESSAGE = f"Enter a date between {FIRST_YEAR} and {LAST_YEAR}."


def utcnow() -> datetime:
    """The current time as a naive UTC datetime (how every column stores time)."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_hour(moment: datetime) -> datetime:
    """Round a datetime down to the hour, so stored times cannot single anyone out."""
    return moment.replace(minute=0, second=0, microsecond=0)


def this_hour() -> datetime:
    """The current naive UTC time rounded down to the hour (for traces a young person leaves)."""
    return to_hour(utcnow())


def in_sane_years(moment: date | None) -> bool:
    """Whether a date staff typed falls within the years the app works with (None does)."""
    return moment is None or FIRST_YEAR <= moment.year <= LAST_YEAR


def uk_to_utc(value: datetime | None) -> datetime | None:
    """A UK wall-clock time as naive UTC."""
    return value.replace(tzinfo=UK).astimezone(UTC).replace(tzinfo=None) if value else None


def utc_to_uk(value: datetime | None) -> datetime | None:
    """A naive UTC time as naive UK wall-clock time."""
    return value.replace(tzinfo=UTC).astimezone(UK).replace(tzinfo=None) if value else None
