"""Synthetic demo data: a Hub with two Spokes, staff for each role, activities and answers.

Everything here is made up. No real young person, worker or disclosure appears.
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from participation.activity_templates import TEMPLATES
from participation.auth.service import create_staff
from participation.clock import to_hour, utcnow
from participation.models import (
    Activity,
    Answer,
    ConsentVersion,
    ParticipationType,
    Question,
    Service,
    Submission,
)
from participation.models.activities import (
    CLOSED,
    EMOJI_SCALE,
    FREE_TEXT,
    MULTIPLE_CHOICE,
    OPEN,
    RANKING,
    REACH,
    RESEARCH_ASK,
    SINGLE_CHOICE,
    THREE_BOXES,
    TRAFFIC_LIGHT,
)
from participation.models.services import HUB, SPOKE
from participation.models.submissions import PENDING
from participation.seed import ensure_reference_data

DEMO_PASSWORD = "demo-participation-2026"  # noqa: S105 - published demo sign-in, demo data only
HUB_NAME = "Riverside Hub"
DEMO_CODE = "DEMOYP"

DEFAULT_CONSENT = (
    "We would like to know what you think. You do not give your name, so nobody can tell "
    "which answers are yours. You can skip any question and stop at any time. Workers at "
    "this service will read the answers to make things better for young people."
)

SYNTHETIC_TEXT = [
    "The workers actually listen to what we say",
    "I liked making the posters with everyone",
    "Having the same worker every week helps",
    "It was hard to get here on the bus",
    "More trips please",
    "I didn't know what would happen at first",
    "Sessions in the evening are better for me",
    "Being asked what I think makes me feel respected",
    "Sometimes the group is too loud",
    "I would change the room, it is too small",
    "Food was good",
    "I feel more confident talking to people now",
    "Helping to write the leaflet was the best bit",
    "Less forms to fill in",
    "Sometimes I want to run away from everything",
]


def load_demo(session: Session, *, submissions: int = 300, seed: int = 2015) -> bool:
    """Create the demo data unless it is already there; True when something was created."""
    ensure_reference_data(session)
    if session.scalar(select(Service.id).where(Service.name == HUB_NAME)):
        return False
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not security
    hub = Service(name=HUB_NAME, kind=HUB)
    north = Service(name="Millbrook Spoke", kind=SPOKE, parent=hub)
    east = Service(name="Eastgate Spoke", kind=SPOKE, parent=hub)
    session.add_all([hub, north, east])
    session.flush()
    create_staff(session, "admin@example.org", DEMO_PASSWORD, "admin", None)
    create_staff(
        session, "lead@hub.example.org", DEMO_PASSWORD, "lead", hub, safeguarding_lead=True
    )
    create_staff(session, "lead@north.example.org", DEMO_PASSWORD, "lead", north)
    create_staff(
        session,
        "safeguarding@north.example.org",
        DEMO_PASSWORD,
        "lead",
        north,
        safeguarding_lead=True,
    )
    create_staff(session, "lead@east.example.org", DEMO_PASSWORD, "lead", east)
    create_staff(session, "researcher@hub.example.org", DEMO_PASSWORD, "researcher", hub)

    plan = [
        ("taking-part", north, OPEN, DEMO_CODE, 0.4),
        ("workshop-day", hub, CLOSED, "WKSHP2", 0.25),
        ("group-work", north, OPEN, "GRPWK3", 0.12),
        ("one-to-one", east, OPEN, "ONE2NE", 0.1),
        ("working-well", east, CLOSED, "WRKWL5", 0.08),
        ("reach", hub, OPEN, "REACH7", 0.05),
    ]
    for key, service, status, code, share in plan:
        activity = activity_from_template(session, key, service, code)
        activity.status = status
        activity.research_sharing = RESEARCH_ASK
        activity.opened_at = utcnow() - timedelta(days=60)
        if status == CLOSED:
            activity.closed_at = utcnow() - timedelta(days=3)
        session.flush()
        add_synthetic_submissions(session, activity, max(6, int(submissions * share)), rng)
    return True


def activity_from_template(session: Session, key: str, service: Service, code: str) -> Activity:
    """Build a draft activity from one of the ready-made templates."""
    template = TEMPLATES[key]
    kind = session.scalar(
        select(ParticipationType).where(ParticipationType.name == template["participation_type"])
    )
    activity = Activity(
        service=service,
        participation_type=kind,
        title=template["title"],
        intro=template["intro"],
        join_code=code,
        lundy_focus=template.get("lundy_focus"),
    )
    activity.consent_versions.append(ConsentVersion(version=1, statement=DEFAULT_CONSENT))
    for position, spec in enumerate(template["questions"]):
        activity.questions.append(Question(position=position, **spec))
    session.add(activity)
    session.flush()
    return activity


def synthetic_answers(question: Question, rng: random.Random) -> list[dict[str, Any]]:
    """Plausible made-up answers to one question (empty means the question was passed)."""
    if rng.random() < 0.1:
        return []
    codes = [o["code"] for o in question.options]
    if question.kind in (EMOJI_SCALE, TRAFFIC_LIGHT):
        weights = [1, 2, 4, 6, 5][-len(codes) :]
        return [{"choice": rng.choices(codes, weights)[0]}]
    if question.kind in (SINGLE_CHOICE, REACH):
        return [{"choice": rng.choice(codes)}]
    if question.kind == MULTIPLE_CHOICE:
        picks = rng.sample(
            codes, rng.randint(1, min(len(codes), question.settings.get("max_picks", 3)))
        )
        return [{"choice": code} for code in picks]
    if question.kind == RANKING:
        order = rng.sample(codes, len(codes))
        return [{"choice": code, "part": place} for place, code in enumerate(order)]
    if question.kind == THREE_BOXES:
        return [{"part": part, "text": rng.choice(SYNTHETIC_TEXT[:-1])} for part in range(3)]
    if question.kind == FREE_TEXT:
        return [{"text": rng.choice(SYNTHETIC_TEXT[:-1])}]
    return []


def add_synthetic_submissions(
    session: Session, activity: Activity, count: int, rng: random.Random
) -> None:
    """Add `count` made-up submissions spread over the last eight weeks."""
    consent = activity.current_consent
    for _ in range(count):
        submission = Submission(
            activity_id=activity.id,
            consent_version_id=consent.id,
            research_consent=rng.random() < 0.7,
            withdrawal_code_hash=secrets.token_hex(32),
            idempotency_key=secrets.token_urlsafe(16),
            submitted_hour=to_hour(utcnow() - timedelta(hours=rng.randint(1, 24 * 56))),
        )
        for question in activity.questions:
            for value in synthetic_answers(question, rng):
                text = value.get("text")
                submission.answers.append(
                    Answer(question_id=question.id, moderation=PENDING if text else None, **value)
                )
        session.add(submission)
    activity.joined_count += count + count // 10
    session.flush()
