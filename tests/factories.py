"""Factories that build test data through the real models (a pytest plugin of fixtures)."""

from __future__ import annotations

import itertools
import secrets
from datetime import datetime
from functools import cache
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from participation.accounts.passwords import hash_password
from participation.activities.codes import new_join_code
from participation.activities.kinds import question_spec
from participation.clock import to_hour, utcnow
from participation.models import (
    Activity,
    Answer,
    ConsentVersion,
    ParticipationType,
    Question,
    Service,
    Staff,
    Submission,
)
from participation.models.activities import OPEN
from participation.models.enums import QuestionKind
from participation.models.services import HUB, SPOKE
from participation.models.submissions import PENDING
from tests.helpers import PASSWORD

_sequence = itertools.count(1)


@cache
def password_hash() -> str:
    """One argon2 hash of the test password, computed once (hashing is slow by design)."""
    return hash_password(PASSWORD)


def every_kind_of_question() -> list[dict[str, Any]]:
    """One question of each kind, as specs."""
    return [
        question_spec(QuestionKind.EMOJI_SCALE, "How do you feel about the group?"),
        question_spec(QuestionKind.TRAFFIC_LIGHT, "Do you get a say in what we do?"),
        question_spec(
            QuestionKind.SINGLE_CHOICE, "Would you come again?", options=["Yes", "Maybe", "No"]
        ),
        question_spec(
            QuestionKind.MULTIPLE_CHOICE,
            "What did you enjoy?",
            options=["Art", "Games", "Food", "Trips"],
            max_picks=2,
        ),
        question_spec(QuestionKind.FREE_TEXT, "What is hard about taking part?", max_length=200),
        question_spec(QuestionKind.THREE_BOXES, "About the group"),
        question_spec(
            QuestionKind.RANKING,
            "Put these in order",
            options=["Feeling safe", "Having fun", "Learning"],
        ),
        question_spec(QuestionKind.REACH, "", topic="age_band"),
    ]


class Factory:
    """Builds services, staff, activities and submissions in the test's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def service(
        self, name: str | None = None, *, hub: Service | None = None, kind: str | None = None
    ) -> Service:
        """A Spoke under `hub`, or a Hub when `kind` is "hub"."""
        service = Service(
            name=name or f"Service {next(_sequence)}",
            kind=kind or (SPOKE if hub else HUB),
            parent=hub,
        )
        self.session.add(service)
        self.session.flush()
        return service

    def staff(
        self,
        role: str = "lead",
        service: Service | None = None,
        *,
        safeguarding: bool = False,
        **kw: Any,
    ) -> Staff:
        """A staff member whose password is tests.helpers.PASSWORD."""
        if service is None and role != "admin":
            service = self.service()
        staff = Staff(
            email=kw.pop("email", f"staff{next(_sequence)}@example.org"),
            password_hash=password_hash(),
            role=role,
            service=service,
            is_safeguarding_lead=safeguarding,
            **kw,
        )
        self.session.add(staff)
        self.session.flush()
        return staff

    def participation_type(self, name: str = "Group work") -> ParticipationType:
        """A seeded participation type by name."""
        return self.session.scalars(
            select(ParticipationType).where(ParticipationType.name == name)
        ).one()

    def activity(
        self,
        service: Service | None = None,
        *,
        questions: list[dict[str, Any]] | None = None,
        status: str = OPEN,
        type_name: str = "Group work",
        consent: str = "You can skip any question. Nobody will know which answers are yours.",
        **fields: Any,
    ) -> Activity:
        """An activity (open by default) with every kind of question unless given others."""
        activity = Activity(
            service=service or self.service(),
            participation_type=self.participation_type(type_name),
            title=fields.pop("title", f"Activity {next(_sequence)}"),
            intro=fields.pop("intro", "Tell us what you think."),
            join_code=fields.pop("join_code", new_join_code()),
            status=status,
            **fields,
        )
        activity.consent_versions.append(ConsentVersion(version=1, statement=consent))
        specs = every_kind_of_question() if questions is None else questions
        for position, spec in enumerate(specs):
            activity.questions.append(Question(position=position, **spec))
        self.session.add(activity)
        self.session.flush()
        return activity

    def submission(
        self,
        activity: Activity,
        values: dict[int, list[dict[str, Any]]] | None = None,
        *,
        research_consent: bool = True,
        link_hash: str | None = None,
        submitted_hour: datetime | None = None,
    ) -> Submission:
        """A submission with answers given as {question position: [answer fields, ...]}."""
        submission = Submission(
            activity_id=activity.id,
            consent_version_id=activity.current_consent.id,
            research_consent=research_consent,
            withdrawal_code_hash=secrets.token_hex(32),
            idempotency_key=secrets.token_urlsafe(16),
            submitted_hour=to_hour(submitted_hour or utcnow()),
            link_hash=link_hash,
        )
        for position, rows in (values or {}).items():
            question = activity.questions[position]
            for row in rows:
                moderation = PENDING if row.get("text") else None
                submission.answers.append(
                    Answer(question_id=question.id, moderation=moderation, **row)
                )
        self.session.add(submission)
        self.session.flush()
        return submission


@pytest.fixture
def make(db_session: Session) -> Factory:
    """The factory for this test."""
    return Factory(db_session)
