"""Asking "pass this one?" once when Next is pressed with nothing given.

Passing stays one tap (the Pass button never asks); pressing Next again with nothing passes.
Only one-question pages ask: on the all-on-one-page form every question has its own Pass box.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from werkzeug.datastructures import MultiDict

from participation.youth.draft import Draft

ASKED_FIELD = "asked"


def should_ask(form: MultiDict[str, str], questions: Sequence[Any], draft: Draft) -> bool:
    """Whether to ask before passing: one question, nothing given, and not asked already."""
    if len(questions) != 1:
        return False
    question = questions[0]
    if draft.answer(question.id) not in (None, "", [], {}):
        return False
    return form.get(ASKED_FIELD) != str(question.id)
