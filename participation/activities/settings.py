"""An activity's settings as the studio form holds them, and every problem with them.

The limits here are the studio's: a lead sees each problem beside the form field it
belongs to (`ActivityError`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from participation.accounts.scoping import can_see_service
from participation.activities.help_links import check_help_links
from participation.models import Activity, ParticipationType, Service, Staff
from participation.models.activities import (
    CONSENT_FACILITATED,
    CONSENT_SELF,
    LUNDY_FOCUS,
    RESEARCH_ASK,
    RESEARCH_OFF,
)

MAX_TITLE = 120
MAX_INTRO = 1000
MAX_CONSENT = 3000
MIN_K, MAX_K = 3, 100
MAX_RETENTION_DAYS = 3650
MAX_WITHDRAWAL_DAYS = 365
# The largest size is for big online consultations, where nobody is there to let more join.
MIN_GROUP, MAX_GROUP = 1, 100_000

HART_RUNGS = {
    1: "Manipulation",
    2: "Decoration",
    3: "Tokenism",
    4: "Assigned but informed",
    5: "Consulted and informed",
    6: "Adult-initiated, shared decisions with children",
    7: "Child-initiated and directed",
    8: "Child-initiated, shared decisions with adults",
}
LUNDY_LABELS = {
    "space": "Space: a safe, inclusive place to give views",
    "voice": "Voice: help to form and express views",
    "audience": "Audience: views are listened to by people who can act",
    "influence": "Influence: views are acted on, and young people hear what happened",
}

Problem = tuple[str, str]  # (form field name, message)


class ActivityError(ValueError):
    """A change the studio refuses; each problem names the form field its message belongs to."""

    def __init__(self, *problems: Problem) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(message for _, message in problems))


@dataclass
class ActivitySettings:
    """Everything a lead sets on the settings form."""

    title: str
    participation_type_id: int | None
    service_id: int | None
    intro: str = ""
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    consent_mode: str = CONSENT_SELF
    consent_statement: str = ""
    research_sharing: str = RESEARCH_OFF
    k_threshold: int = 5
    retention_days: int = 365
    withdrawal_days: int = 28
    lundy_focus: str | None = None
    hart_rung: int | None = None
    one_page: bool = False
    signposting: list[dict[str, Any]] | None = None
    expected_group_size: int = 30
    easy_read: bool = False


# Fields copied straight between ActivitySettings and Activity.
PLAIN_FIELDS = tuple(f.name for f in fields(ActivitySettings) if f.name != "consent_statement")


def settings_of(activity: Activity) -> ActivitySettings:
    """The current settings of an activity, as the settings form shows them."""
    values = {name: getattr(activity, name) for name in PLAIN_FIELDS}
    consent = activity.current_consent
    return ActivitySettings(**values, consent_statement=consent.statement if consent else "")


# --- checking settings -------------------------------------------------------------------


def _number_problems(settings: ActivitySettings) -> list[Problem]:
    """Problems with the numbers on the settings form (k, days, group size)."""
    problems: list[Problem] = []
    if not MIN_K <= settings.k_threshold <= MAX_K:
        problems.append(
            ("k_threshold", f"The smallest group shown must be between {MIN_K} and {MAX_K}.")
        )
    if not 1 <= settings.retention_days <= MAX_RETENTION_DAYS:
        problems.append(
            ("retention_days", f"Keep answers for between 1 and {MAX_RETENTION_DAYS} days.")
        )
    if not 1 <= settings.withdrawal_days <= MAX_WITHDRAWAL_DAYS:
        problems.append(
            (
                "withdrawal_days",
                f"Young people need between 1 and {MAX_WITHDRAWAL_DAYS} days to withdraw.",
            )
        )
    if not MIN_GROUP <= settings.expected_group_size <= MAX_GROUP:
        problems.append(
            ("expected_group_size", f"The group size must be between {MIN_GROUP} and {MAX_GROUP}.")
        )
    return problems


def check_settings(session: Session, staff: Staff, settings: ActivitySettings) -> list[Problem]:
    """Every problem with these settings, each tied to its form field."""
    return [
        *_wording_problems(settings),
        *_placement_problems(session, staff, settings),
        *_consent_problems(settings),
        *_number_problems(settings),
        *_framework_problems(settings),
    ]


def _wording_problems(settings: ActivitySettings) -> list[Problem]:
    problems: list[Problem] = []
    title = settings.title.strip()
    if not title:
        problems.append(("title", "Enter a title."))
    elif len(title) > MAX_TITLE:
        problems.append(("title", f"Use {MAX_TITLE} characters or fewer for the title."))
    if len(settings.intro.strip()) > MAX_INTRO:
        problems.append(("intro", f"Use {MAX_INTRO} characters or fewer for the introduction."))
    return problems


def _placement_problems(
    session: Session, staff: Staff, settings: ActivitySettings
) -> list[Problem]:
    """Where the activity belongs and when it runs: type, service, opening window."""
    problems: list[Problem] = []
    kind = (
        session.get(ParticipationType, settings.participation_type_id)
        if settings.participation_type_id
        else None
    )
    if kind is None:
        problems.append(("participation_type_id", "Choose a participation type."))
    if settings.service_id is None or not (
        session.get(Service, settings.service_id)
        and can_see_service(session, staff, settings.service_id)
    ):
        problems.append(("service_id", "Choose one of your services."))
    if settings.opens_at and settings.closes_at and settings.closes_at <= settings.opens_at:
        problems.append(("closes_at", "The closing time must be after the opening time."))
    return problems


def _consent_problems(settings: ActivitySettings) -> list[Problem]:
    problems: list[Problem] = []
    if settings.consent_mode not in (CONSENT_SELF, CONSENT_FACILITATED):
        problems.append(("consent_mode", "Choose who gives consent."))
    statement = settings.consent_statement.strip()
    if not statement:
        problems.append(("consent_statement", "Enter the consent statement young people see."))
    elif len(statement) > MAX_CONSENT:
        problems.append(
            ("consent_statement", f"Use {MAX_CONSENT} characters or fewer for the statement.")
        )
    if settings.research_sharing not in (RESEARCH_OFF, RESEARCH_ASK):
        problems.append(("research_sharing", "Choose whether to ask about research sharing."))
    return problems


def _framework_problems(settings: ActivitySettings) -> list[Problem]:
    """Lundy focus, Hart's rung and the help links young people see."""
    problems: list[Problem] = []
    if settings.lundy_focus is not None and settings.lundy_focus not in LUNDY_FOCUS:
        problems.append(("lundy_focus", "Choose a Lundy focus from the list."))
    if settings.hart_rung is not None and settings.hart_rung not in HART_RUNGS:
        problems.append(("hart_rung", "Choose a rung between 1 and 8."))
    if settings.signposting is not None:
        problems.extend(("signposting", m) for m in check_help_links(settings.signposting))
    return problems
