"""Typed SQLAlchemy models, one module per aggregate."""

from participation.db import Base
from participation.models.activities import (
    Activity,
    ConsentVersion,
    Question,
    RetiredJoinCode,
)
from participation.models.audit import AuditEvent
from participation.models.credentials import Passkey, RecoveryCode
from participation.models.outcomes import OutcomeQuestion
from participation.models.releases import ResearchRelease
from participation.models.services import ParticipationType, Service
from participation.models.staff import Staff
from participation.models.submissions import Answer, Submission
from participation.models.work import Action, AnswerTheme, Flag, SafeguardingPhrase, Theme

__all__ = [
    "Action",
    "Activity",
    "Answer",
    "AnswerTheme",
    "AuditEvent",
    "Base",
    "ConsentVersion",
    "Flag",
    "OutcomeQuestion",
    "ParticipationType",
    "Passkey",
    "Question",
    "RecoveryCode",
    "ResearchRelease",
    "RetiredJoinCode",
    "SafeguardingPhrase",
    "Service",
    "Staff",
    "Submission",
    "Theme",
]
