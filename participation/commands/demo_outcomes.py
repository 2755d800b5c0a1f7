"""Synthetic outcomes for the demo: made-up young people answering their Hub's outcome questions
at check-ins a month or so apart, most of them with a linking code, so change over time shows.

One Spoke deliberately has only 3 linked young people, so its figures show "fewer than 5".
Everything here is made up; the linking codes are random and thrown away once hashed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from participation.activities.codes import new_idempotency_key
from participation.activities.consent import default_consent
from participation.answering.submissions import record_submission
from participation.clock import utcnow
from participation.models import (
    Activity,
    ConsentVersion,
    OutcomeQuestion,
    ParticipationType,
    Question,
    Service,
    Submission,
)
from participation.models.activities import CLOSED, OPEN, RESEARCH_ASK
from participation.outcomes import bank, hub_id_of, linking

# (how many days ago each check-in opened, its name); the last is still open.
ROUNDS = ((84, "autumn"), (49, "winter"), (14, "spring"))
ROUND_DAYS_OPEN = 10


@dataclass(frozen=True)
class OutcomeGroup:
    """A service's made-up young people: how many link their answers, how many never do."""

    service_name: str
    code_prefix: str
    participation_type: str
    linked: int
    unlinked_per_round: int


def outcome_groups(hub_name: str) -> tuple[OutcomeGroup, ...]:
    """The demo Hub and its Spokes; Eastgate has only 3 linked young people on purpose."""
    return (
        OutcomeGroup("Millbrook Spoke", "OCM", "Group work", linked=24, unlinked_per_round=13),
        OutcomeGroup("Eastgate Spoke", "OCE", "One-to-one work", linked=3, unlinked_per_round=3),
        OutcomeGroup(hub_name, "OCH", "Workshop day", linked=16, unlinked_per_round=9),
    )


def _synthetic_code(rng: random.Random, index: int) -> str:
    """A made-up normalised linking code: from the prompts or from a card, alternately."""
    if index % 2:
        symbols = "".join(rng.choice(linking.CARD_ALPHABET) for _ in range(linking.CARD_LENGTH))
        code, _ = linking.card_code(symbols)
    else:
        prompts = linking.CodePrompts(
            birth_month=str(rng.randint(1, 12)),
            pet_letter=rng.choice("ABCDEFGHJKLMNPRSTW-"),
            town_letter=rng.choice("ABCDEGHKLMNPRSTW"),
            older_siblings=str(rng.randint(0, 3)),
        )
        code, _ = linking.prompt_code(prompts)
    if code is None:
        raise RuntimeError("a synthetic linking code did not pass its own check")
    return code


class YoungPerson:
    """A made-up young person's sense of each outcome, drifting (mostly upward) over time."""

    def __init__(self, rng: random.Random, keys: list[str], link_hash: str | None) -> None:
        self.rng = rng
        self.link_hash = link_hash
        self.levels = {key: rng.choices((1, 2, 3, 4), (2, 4, 4, 2))[0] for key in keys}

    def answers(self, questions: list[Question]) -> dict[int, int | None]:
        """Today's answers (about 1 in 12 passed), then a step towards the next check-in."""
        given: dict[int, int | None] = {}
        for question in questions:
            level = self.levels[question.key]
            given[question.id] = None if self.rng.random() < 0.08 else level
            step = self.rng.choices((-1, 0, 1, 2), (1, 4, 5, 1))[0]
            self.levels[question.key] = min(5, max(1, level + step))
        return given


def _check_in(
    session: Session,
    service: Service,
    group: OutcomeGroup,
    number: int,
    items: list[OutcomeQuestion],
) -> Activity:
    days_ago, season = ROUNDS[number]
    opened = utcnow() - timedelta(days=days_ago)
    kind = session.scalar(
        select(ParticipationType).where(ParticipationType.name == group.participation_type)
    )
    activity = Activity(
        service=service,
        participation_type=kind,
        title=f"How are things for you? ({season} check-in)",
        intro="A few questions we ask every couple of months, to see if things are getting "
        "better for you. Skip any you like.",
        join_code=f"{group.code_prefix}{number + 1}{season[0].upper()}X",
        research_sharing=RESEARCH_ASK,
        status=OPEN,
        opened_at=opened,
    )
    for position, item in enumerate(items):
        activity.questions.append(Question(position=position, **bank.question_fields(item)))
    session.add(activity)
    session.flush()
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


def _send(
    session: Session,
    activity: Activity,
    person: YoungPerson,
    rng: random.Random,
    secret: str,
    days_ago: int,
) -> None:
    consent = activity.current_consent
    if consent is None:
        raise ValueError(f"{activity.title!r} has no consent statement")
    result = record_submission(
        session,
        activity,
        consent,
        rng.random() < 0.7,
        person.answers(list(activity.questions)),
        new_idempotency_key(),
        secret,
        now=utcnow() - timedelta(days=days_ago, hours=rng.randint(1, 24 * (ROUND_DAYS_OPEN - 1))),
        language="cy" if rng.random() < 0.15 else "en",
    )
    if person.link_hash is not None:
        session.execute(
            update(Submission)
            .where(Submission.id == result.submission_id)
            .values(link_hash=person.link_hash)
        )


def _group_check_ins(
    session: Session,
    service: Service,
    group: OutcomeGroup,
    key_dir: Path,
    rng: random.Random,
    secret: str,
) -> None:
    hub_id = hub_id_of(service)
    items = bank.bank_for(session, hub_id, include_retired=False)
    keys = [item.key for item in items]
    linked = [
        YoungPerson(rng, keys, linking.link_hash(key_dir, hub_id, _synthetic_code(rng, index)))
        for index in range(group.linked)
    ]
    last = len(ROUNDS) - 1
    for number, (days_ago, _) in enumerate(ROUNDS):
        activity = _check_in(session, service, group, number, items)
        # Every linked young person comes to the first and the latest check-in, most between.
        present = [p for p in linked if number in (0, last) or rng.random() < 0.6]
        present += [YoungPerson(rng, keys, None) for _ in range(group.unlinked_per_round)]
        rng.shuffle(present)
        for person in present:
            _send(session, activity, person, rng, secret, days_ago)
        activity.joined_count += len(present) + len(present) // 8
        if number != last:
            activity.status = CLOSED
            activity.closed_at = utcnow() - timedelta(days=days_ago - ROUND_DAYS_OPEN)
    session.flush()


def load_demo_outcomes(
    session: Session, hub_name: str, key_dir: Path, rng: random.Random, secret: str
) -> bool:
    """Add the outcome check-ins unless they are there already; True when something was added."""
    groups = outcome_groups(hub_name)
    first_code = f"{groups[0].code_prefix}1{ROUNDS[0][1][0].upper()}X"
    if session.scalar(select(Activity.id).where(Activity.join_code == first_code)):
        return False
    for group in groups:
        service = session.scalar(select(Service).where(Service.name == group.service_name))
        if service is not None:
            _group_check_ins(session, service, group, key_dir, rng, secret)
    return True
