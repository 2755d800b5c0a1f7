"""Which language each submission was answered in, for exports (never the browser's settings)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from participation.models import Submission

# The languages young people can answer in; the first is what a submission says by default.
ANSWER_LANGUAGES = ("en", "cy")
LANGUAGE_NAMES = {"en": "English", "cy": "Welsh"}


def record_language(session: Session, submission_id: int, language: str) -> None:
    """Note the language a new submission was answered in (English needs no write)."""
    if language not in ANSWER_LANGUAGES:
        raise ValueError(f"unknown answering language {language!r}")
    if language == ANSWER_LANGUAGES[0]:
        return
    session.execute(
        update(Submission).where(Submission.id == submission_id).values(language=language)
    )
