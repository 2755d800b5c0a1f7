"""Questions from the bank: adding one to an activity, and linking a lead's own question to one.

A bank question carries its bank key into every activity, so the dashboard counts it as one
question wherever it is asked and however it is reworded. A lead who wrote their own question
that asks the same thing can link it to the bank question, so it joins that group.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.activities.library import BANK
from participation.activities.questions import FROM_OUTCOMES_BANK, append_question, asks_outcome
from participation.activities.settings import ActivityError
from participation.models import Activity, Question, Staff
from participation.models.activities import wording_key
from participation.problems import NotFound


def bank_item(bank_key: str) -> dict[str, Any]:
    """The bank question with this key; NotFound for any other key."""
    item = BANK.get(bank_key)
    if item is None:
        raise NotFound()
    return item


def add_from_bank(session: Session, staff: Staff, activity: Activity, bank_key: str) -> Question:
    """Add the bank question at the end of the activity, keeping the bank's key."""
    item = bank_item(bank_key)
    fields = {
        "key": item["key"],
        "kind": item["kind"],
        "prompt": item["prompt"],
        "hint": item.get("hint", ""),
        "options": [dict(option) for option in item["options"]],
        "settings": dict(item["settings"]),
    }
    return append_question(session, staff, activity, fields, bank_key=bank_key)


def bank_choices_for(question: Question) -> list[dict[str, Any]]:
    """The bank questions this question could be linked to (those of the same kind)."""
    return [item for item in BANK.values() if item["kind"] == question.kind]


def link_question(session: Session, staff: Staff, question: Question, bank_key: str) -> None:
    """Link the question to a bank question of its kind, or ("" ) unlink it. Caller commits."""
    if asks_outcome(question):
        raise ActivityError(("bank_key", FROM_OUTCOMES_BANK))
    if bank_key:
        item = bank_item(bank_key)
        if item["kind"] != question.kind:
            raise ActivityError(("bank_key", "Choose a bank question of the same kind."))
        question.key = item["key"]
    elif question.key in BANK:
        question.key = wording_key(question.kind, question.prompt)
    session.flush()
    audit.record(
        session,
        "question_linked",
        staff=staff,
        target=question,
        service_id=question.activity.service_id,
        activity_id=question.activity_id,
        key=question.key,
    )


def linked_bank_item(question: Question) -> dict[str, Any] | None:
    """The bank question this question is grouped with, if any."""
    return BANK.get(question.key)
