"""The default consent statements young people read, in plain English (reading age 9-11)."""

from __future__ import annotations

from participation.models.activities import CONSENT_FACILITATED, RESEARCH_ASK


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


def default_consent(
    mode: str,
    *,
    service_name: str,
    retention_days: int,
    withdrawal_days: int,
    research_sharing: str,
) -> str:
    """The default statement for a consent mode: who asks, why, and what happens to answers."""
    who = service_name or "this service"
    if mode == CONSENT_FACILITATED:
        opening = (
            f"These questions are from the workers at {who}. A worker has checked that your "
            "parent or carer is happy for you to take part. But it is still your choice. "
            "You only take part if you want to."
        )
    else:
        opening = (
            f"These questions are from the workers at {who}. It is your choice if you take part."
        )
    paragraphs = [
        opening,
        "We want to know what you think, so we can make things better for young people.",
        "You do not give your name. Nobody can tell which answers are yours.",
        "You can pass any question. You can stop at any time. If you stop before you send "
        "your answers, nothing is kept.",
        f"Only workers at {who} read your answers. If you write something that makes us "
        "worried about someone's safety, the worker in charge of keeping young people safe "
        "will read it too. Anything you write is checked by a worker before it is shown to "
        "a group.",
        f"We keep the answers for {how_long(retention_days)} after this activity ends. "
        "Then we delete them.",
        "When you finish you get a code. If you change your mind, you can use it to delete "
        f"your answers for up to {how_long(withdrawal_days)}.",
    ]
    if research_sharing == RESEARCH_ASK:
        paragraphs.append(
            "At the end we will ask if researchers can see your answers too. They will not "
            "know who you are. You can say no."
        )
    paragraphs.append(
        "We cannot tell who you are from your answers, so we cannot get in touch. If you "
        "need help or do not feel safe, talk to a worker you trust or use the help links "
        "on this page."
    )
    return "\n\n".join(paragraphs)
