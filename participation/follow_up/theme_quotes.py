"""A theme's quotes for one activity: redacted, never hidden answers or withheld disclosures.

Reports show the answers staff picked as quotes under each theme; the bulk analysis screen
offers every answer with a theme as text ready to paste into a report of the lead's own.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from participation.models import Activity, Answer, AnswerTheme, Submission, Theme
from participation.models.submissions import HIDDEN
from participation.privacy.redaction import redact
from participation.safeguarding.visibility import withheld_answer_ids

QUOTES_PER_THEME = 3
PASTE_LIMIT = 50


def _shown(activity: Activity) -> list[ColumnElement[bool]]:
    return [
        Submission.activity_id == activity.id,
        or_(Answer.moderation.is_(None), Answer.moderation != HIDDEN),
        Answer.text.is_not(None),
        Answer.id.not_in(withheld_answer_ids()),
    ]


def _clean(text: str | None) -> str:
    return redact(text or "").replace("\x00", "").strip()


def picked_quotes_by_theme(
    session: Session,
    activity: Activity,
    extra: list[ColumnElement[bool]] | None = None,
    per_theme: int = QUOTES_PER_THEME,
) -> dict[str, tuple[str, ...]]:
    """Theme name -> up to `per_theme` quotes staff picked (redacted), oldest first."""
    rows = session.execute(
        select(Theme.name, Answer.text)
        .join(AnswerTheme, AnswerTheme.theme_id == Theme.id)
        .join(Answer, Answer.id == AnswerTheme.answer_id)
        .join(Submission, Submission.id == Answer.submission_id)
        .where(Answer.is_quote.is_(True), *_shown(activity), *(extra or []))
        .order_by(Theme.name, Answer.id)
    ).all()
    quotes: dict[str, list[str]] = defaultdict(list)
    for name, text in rows:
        cleaned = _clean(text)
        if cleaned and len(quotes[name]) < per_theme:
            quotes[name].append(cleaned)
    return {name: tuple(texts) for name, texts in quotes.items()}


def paste_ready(session: Session, activity: Activity, theme: Theme) -> str:
    """The theme's answers in this activity, redacted, one quoted line each, to copy."""
    texts = session.scalars(
        select(Answer.text)
        .join(AnswerTheme, AnswerTheme.answer_id == Answer.id)
        .join(Submission, Submission.id == Answer.submission_id)
        .where(AnswerTheme.theme_id == theme.id, *_shown(activity))
        .order_by(Answer.id)
        .limit(PASTE_LIMIT)
    )
    return "\n".join(f"“{cleaned}”" for text in texts if (cleaned := _clean(text)))
