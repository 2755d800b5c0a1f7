"""Synthetic demo data: a Hub with two Spokes, staff for each role, activities and answers.

Everything here is made up. No real young person, worker or disclosure appears.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from participation.accounts.staff import create_staff
from participation.activities.codes import new_idempotency_key
from participation.activities.consent import default_consent
from participation.activities.library import TEMPLATES
from participation.answering.submissions import record_submission
from participation.clock import utcnow
from participation.commands.demo_outcomes import load_demo_outcomes
from participation.commands.seed import ensure_reference_data
from participation.exports.releases import release_if_ready
from participation.models import (
    Activity,
    ConsentVersion,
    ParticipationType,
    Question,
    Service,
    Staff,
)
from participation.models.activities import CLOSED, OPEN, RESEARCH_ASK
from participation.models.enums import QuestionKind
from participation.models.services import HUB, SPOKE

DEMO_PASSWORD = "demo-participation-2026"  # noqa: S105 - published demo sign-in, demo data only
# Published, made-up authenticator-app secrets of the demo staff whose role needs a second
# factor (administrators and safeguarding leads). Demo data only: production refuses to start
# while any demo account exists.
DEMO_TOTP_SECRETS = {
    "admin@example.org": "DEMOADMINTOTPKEYFORPARTICIPATION",
    "lead@hub.example.org": "DEMOHUBLEADTOTPKEYPARTICIPATION2",
    "safeguarding@north.example.org": "DEMONORTHSAFEGUARDINGTOTPKEYAAAA",
}
# Every demo staff account and who it is, in the order `participation demo` prints them.
DEMO_STAFF = {
    "lead@hub.example.org": "Hub lead, safeguarding lead",
    "lead@north.example.org": "Spoke lead",
    "safeguarding@north.example.org": "Spoke safeguarding lead",
    "lead@east.example.org": "Spoke lead",
    "researcher@hub.example.org": "researcher",
    "admin@example.org": "administrator",
}
HUB_NAME = "Riverside Hub"
DEMO_CODE = "DEMOYP"

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
]

# Made-up sentences the safeguarding check flags, so the demo's safeguarding queue has
# something to show. Not from any real young person.
SYNTHETIC_DISCLOSURES = [
    "Sometimes I want to run away from everything",
    "I do not feel safe at home some nights",
    "My older boyfriend makes me do things I do not want to",
]


def load_demo(
    session: Session,
    *,
    submissions: int = 300,
    seed: int = 2015,
    link_key_dir: Path | None = None,
) -> bool:
    """Create the demo data unless it is already there; True when something was created.

    With `link_key_dir` (the app's LINK_KEY_DIR when there is an app), the Hub and its
    Spokes also get outcome check-ins, most answers linked over time.
    """
    ensure_reference_data(session)
    if link_key_dir is None and has_app_context():
        link_key_dir = current_app.config.get("LINK_KEY_DIR")
    if session.scalar(select(Service.id).where(Service.name == HUB_NAME)):
        enrol_demo_second_factors(session)  # demo data loaded before second factors existed
        # Demo data loaded before outcomes existed gets its check-ins now.
        return link_key_dir is not None and _load_outcomes(session, link_key_dir, seed)
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
    enrol_demo_second_factors(session)

    plan = [
        ("taking-part", north, OPEN, DEMO_CODE, 0.4),
        ("workshop-day", hub, CLOSED, "WKSHP2", 0.25),
        ("group-work", north, OPEN, "GRPWK3", 0.12),
        ("one-to-one", east, OPEN, "ONE2NE", 0.1),
        ("working-well", east, CLOSED, "WRKWL5", 0.08),
        ("reach", hub, OPEN, "REACH7", 0.05),
    ]
    # Withdrawal codes of made-up answers are thrown away, so any key will do for their hashes.
    secret = secrets.token_hex(32)
    disclosures = iter(SYNTHETIC_DISCLOSURES)
    for key, service, status, code, share in plan:
        activity = activity_from_template(session, key, service, code)
        activity.status = OPEN
        activity.opened_at = utcnow() - timedelta(days=60)
        session.flush()
        count = max(6, int(submissions * share))
        add_synthetic_submissions(session, activity, count, rng, secret, disclosures)
        if status == CLOSED:
            activity.status = CLOSED
            activity.closed_at = utcnow() - timedelta(days=3)
        release_if_ready(session, None, activity)  # the demo researcher has a release to open
    session.flush()
    if link_key_dir is not None:
        _load_outcomes(session, link_key_dir, seed)
    return True


def _load_outcomes(session: Session, link_key_dir: Path, seed: int) -> bool:
    rng = random.Random(seed + 1)  # noqa: S311 - reproducible synthetic data, not security
    # As for the other made-up answers, withdrawal codes are thrown away: any key will do.
    return load_demo_outcomes(session, HUB_NAME, link_key_dir, rng, secrets.token_hex(32))


def enrol_demo_second_factors(session: Session) -> None:
    """Give the demo staff whose role needs a second factor their published TOTP secret."""
    for member in session.scalars(select(Staff).where(Staff.email.in_(DEMO_TOTP_SECRETS))):
        member.totp_secret = member.totp_secret or DEMO_TOTP_SECRETS[member.email]
    session.flush()


def demo_sign_in_text() -> str:
    """How to sign in as each demo member of staff, with the authenticator secrets."""
    lines = [f"Demo staff sign in at /staff/sign-in with password {DEMO_PASSWORD!r}:"]
    for email, who in DEMO_STAFF.items():
        lines.append(f"  {email} ({who})")
        if email in DEMO_TOTP_SECRETS:
            lines.append(f"      authenticator app key (TOTP): {DEMO_TOTP_SECRETS[email]}")
    lines.append(
        'Add a key to any authenticator app (or run: .venv/bin/python -c "import pyotp; '
        "print(pyotp.TOTP('KEY').now())\") for the 6-number code asked after the password."
    )
    return "\n".join(lines)


def activity_from_template(session: Session, key: str, service: Service, code: str) -> Activity:
    """A draft activity from a ready-made template that asks about research, with the default consent."""
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
        research_sharing=RESEARCH_ASK,
    )
    for position, spec in enumerate(template["questions"]):
        activity.questions.append(Question(position=position, **spec))
    session.add(activity)
    session.flush()  # fills in the defaults (consent mode, how long answers are kept) it names
    statement = default_consent(
        activity.consent_mode,
        service_name=service.name,
        retention_days=activity.retention_days,
        withdrawal_days=activity.withdrawal_days,
        research_sharing=activity.research_sharing,
    )
    activity.consent_versions.append(ConsentVersion(version=1, statement=statement))
    session.flush()
    return activity


def synthetic_answers(question: Question, rng: random.Random) -> Any:
    """A plausible made-up answer to one question, as record_submission takes it (None = pass)."""
    if rng.random() < 0.1:
        return None
    codes = [o["code"] for o in question.options]
    if question.kind in (QuestionKind.EMOJI_SCALE, QuestionKind.TRAFFIC_LIGHT):
        weights = [1, 2, 4, 6, 5][-len(codes) :]
        return rng.choices(codes, weights)[0]
    if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.REACH):
        return rng.choice(codes)
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        limit = min(len(codes), question.settings.get("max_picks", 3))
        return rng.sample(codes, rng.randint(1, limit))
    if question.kind == QuestionKind.RANKING:
        order = rng.sample(codes, len(codes))
        return {str(code): place for place, code in enumerate(order, start=1)}
    if question.kind == QuestionKind.THREE_BOXES:
        return [rng.choice(SYNTHETIC_TEXT) for _ in range(3)]
    if question.kind == QuestionKind.FREE_TEXT:
        return rng.choice(SYNTHETIC_TEXT)
    return None


def add_synthetic_submissions(
    session: Session,
    activity: Activity,
    count: int,
    rng: random.Random,
    secret: str,
    disclosures: Iterator[str] | None = None,
) -> None:
    """Add `count` made-up submissions over the last eight weeks, through the real submit path.

    The first free-text answer of the activity takes the next of `disclosures`, if any.
    """
    consent = activity.current_consent
    if consent is None:
        raise ValueError(f"{activity.title!r} has no consent statement to answer under")
    free_text = next((q for q in activity.questions if q.kind == QuestionKind.FREE_TEXT), None)
    for index in range(count):
        answers = {q.id: synthetic_answers(q, rng) for q in activity.questions}
        if free_text is not None and index == count // 2:
            answers[free_text.id] = next(disclosures or iter(()), answers[free_text.id])
        record_submission(
            session,
            activity,
            consent,
            rng.random() < 0.7,
            answers,
            new_idempotency_key(),
            secret,
            now=utcnow() - timedelta(hours=rng.randint(1, 24 * 56)),
        )
    activity.joined_count += count + count // 10
    session.flush()
