"""The default consent statements young people read, in plain English (reading age 9-11)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from participation.models.activities import CONSENT_FACILITATED, RESEARCH_ASK, RESEARCH_OFF

if TYPE_CHECKING:
    from participation.models import Activity


@dataclass(frozen=True)
class ResearchWording:
    """What one research-sharing option means, said the same way to leads, staff and readers."""

    lead: str  # the option's label on the settings form
    staff: str  # the research page and the pack README


# One wording per option: the settings form, the research page and the pack README quote
# these, and the young person's statement (RESEARCH_ASK_PARAGRAPH) says the same thing.
RESEARCH_WORDING = {
    RESEARCH_OFF: ResearchWording(
        lead="Off: answers stay with this service. Researchers get nothing from this activity",
        staff="Research sharing is off for this activity: its answers stay with the service.",
    ),
    RESEARCH_ASK: ResearchWording(
        lead="Ask: each young person chooses. Researchers get only the answers of those who "
        "say yes",
        staff="This activity asked each young person whether researchers may see their "
        "answers: only the answers of those who said yes are shared.",
    ),
}
RESEARCH_ASK_PARAGRAPH = (
    "Below, you can also choose to let researchers see your answers. They will not "
    "know who you are. You can say no."
)


def research_wording(option: str) -> ResearchWording:
    """The wording of a research-sharing option; anything unknown reads (and acts) as off."""
    return RESEARCH_WORDING.get(option, RESEARCH_WORDING[RESEARCH_OFF])


def how_long(days: int) -> str:
    """A number of days said the way a young person would say it ("1 year", "6 months")."""
    if days % 365 == 0:
        years = days // 365
        return f"{years} year" if years == 1 else f"{years} years"
    if days % 30 == 0:
        months = days // 30
        return f"{months} month" if months == 1 else f"{months} months"
    if days % 7 == 0:
        weeks = days // 7
        return f"{weeks} week" if weeks == 1 else f"{weeks} weeks"
    return f"{days} day" if days == 1 else f"{days} days"


# The facts a young person needs before saying yes. Each paragraph of the default statement
# tells some of them; the consent page lists only those the statement does not tell.
WHO = "who"
PARENT_CHECKED = "parent_checked"
PURPOSE = "purpose"
ANONYMOUS = "anonymous"
CHOICE = "choice"
WHO_SEES = "who_sees"
WORRIED = "worried"
KEPT = "kept"
WITHDRAWAL = "withdrawal"
RESEARCH = "research"
FACTS = (WHO, PARENT_CHECKED, PURPOSE, ANONYMOUS, CHOICE, WHO_SEES, WORRIED, KEPT, WITHDRAWAL)


def default_paragraphs(
    mode: str,
    *,
    service_name: str,
    retention_days: int,
    withdrawal_days: int,
    research_sharing: str,
) -> list[tuple[frozenset[str], str]]:
    """The default statement's paragraphs, each with the facts it tells."""
    who = service_name or "this service"
    if mode == CONSENT_FACILITATED:
        opening = (
            frozenset({WHO, PARENT_CHECKED}),
            f"These questions are from the workers at {who}. A worker has checked that your "
            "parent or carer is happy for you to take part. But it is still your choice. "
            "You only take part if you want to.",
        )
    else:
        opening = (
            frozenset({WHO}),
            f"These questions are from the workers at {who}. It is your choice if you take part.",
        )
    paragraphs = [
        opening,
        (
            frozenset({PURPOSE}),
            "We want to know what you think, so we can make things better for young people.",
        ),
        (
            frozenset({ANONYMOUS}),
            "You do not give your name. Nobody can tell which answers are yours.",
        ),
        (
            frozenset({CHOICE}),
            "You can pass any question. You can stop at any time. If you stop before you send "
            "your answers, nothing is kept.",
        ),
        (
            frozenset({WHO_SEES, WORRIED}),
            f"Only workers at {who} read your answers. If you write something that makes us "
            "worried about someone's safety, the worker in charge of keeping young people safe "
            "will read it too. Anything you write is checked by a worker before it is shown to "
            "a group.",
        ),
        (
            frozenset({KEPT}),
            f"We keep the answers for {how_long(retention_days)} after this activity ends. "
            "Then we delete them.",
        ),
        (
            frozenset({WITHDRAWAL}),
            "When you finish you get a code. If you change your mind, you can use it to delete "
            f"your answers for up to {how_long(withdrawal_days)}.",
        ),
    ]
    if research_sharing == RESEARCH_ASK:
        paragraphs.append((frozenset({RESEARCH}), RESEARCH_ASK_PARAGRAPH))
    paragraphs.append(
        (
            frozenset(),
            "We cannot tell who you are from your answers, so we cannot get in touch. If you "
            "need help or do not feel safe, talk to a worker you trust or use the help links "
            "on this page.",
        )
    )
    return paragraphs


def default_consent(
    mode: str,
    *,
    service_name: str,
    retention_days: int,
    withdrawal_days: int,
    research_sharing: str,
) -> str:
    """The default statement for a consent mode: who asks, why, and what happens to answers."""
    paragraphs = default_paragraphs(
        mode,
        service_name=service_name,
        retention_days=retention_days,
        withdrawal_days=withdrawal_days,
        research_sharing=research_sharing,
    )
    return "\n\n".join(text for _facts, text in paragraphs)


def statement_paragraphs(statement: str) -> list[str]:
    """A statement's paragraphs (split at blank lines), each line trimmed."""
    blocks = re.split(r"\n[ \t]*\n", statement.replace("\r\n", "\n").strip())
    paragraphs = (
        "\n".join(line.strip() for line in block.strip().splitlines()) for block in blocks
    )
    return [paragraph for paragraph in paragraphs if paragraph]


def _plain(text: str) -> str:
    return " ".join(text.split())


def facts_untold(activity: Activity) -> list[str]:
    """The facts the activity's consent page must list: those its statement does not tell.

    A fact counts as told when the statement keeps the default paragraph that tells it, word
    for word; a statement a lead rewrote is not second-guessed, so every fact is listed.
    """
    consent = activity.current_consent
    statement = consent.statement if consent else ""
    kept = {_plain(paragraph) for paragraph in statement_paragraphs(statement)}
    defaults = default_paragraphs(
        activity.consent_mode,
        service_name=activity.service.name if activity.service else "",
        retention_days=activity.retention_days,
        withdrawal_days=activity.withdrawal_days,
        research_sharing=activity.research_sharing,
    )
    told: set[str] = set()
    for facts, text in defaults:
        if _plain(text) in kept:
            told |= facts
    if activity.intro:
        told.add(PURPOSE)  # the page shows the activity's own introduction
    needed = [
        fact
        for fact in FACTS
        if fact != PARENT_CHECKED or activity.consent_mode == CONSENT_FACILITATED
    ]
    if activity.research_sharing == RESEARCH_ASK:
        needed.append(RESEARCH)
    return [fact for fact in needed if fact not in told]
