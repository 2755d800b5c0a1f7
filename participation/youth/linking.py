"""The optional linking step and the linking-code forms: four prompts, or a card's code.

What the young person types here is read, turned into a code, hashed with their Hub's key
and forgotten. Only the hash goes into the draft (and, on sending, the submission). The
typed answers are shown back only on this page's own form, so a mistake can be fixed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template
from flask_babel import gettext

from participation.activities.snapshot import ActivityData
from participation.outcomes import hub_id_of
from participation.outcomes.bank import is_outcome_key
from participation.outcomes.linking import (
    MAX_OLDER,
    MONTHS,
    NO_LETTER,
    CodePrompts,
    card_code,
    link_hash,
    prompt_code,
)
from participation.youth import draft as drafts
from participation.youth.draft import Draft
from participation.youth.messages import translated

LINK_STEP = "link"
CHOOSE, PROMPTS, CARD = "choose", "prompts", "card"
WAYS = (CHOOSE, PROMPTS, CARD)
# One letter is all a box needs; longer input is kept only to show back with an error.
MAX_TYPED = 40
CARD_FIELD = "card_code"
# The order of the prompts' inputs, so the error summary lists them as the page does.
FIELD_ORDER = ("birth_month", "pet_letter", "town_letter", "older_siblings", CARD_FIELD)


@dataclass(frozen=True)
class CodeEntry:
    """What was typed into a linking-code form, kept to show back (never stored)."""

    birth_month: str = ""
    pet_letter: str = ""
    no_pet: bool = False
    town_letter: str = ""
    no_town: bool = False
    older_siblings: str = ""
    card: str = ""


def asks_outcomes(activity: ActivityData) -> bool:
    """Whether an activity asks any outcome question (only those offer the linking step)."""
    return any(is_outcome_key(question.key) for question in activity.questions)


def read_entry(form: Mapping[str, Any]) -> CodeEntry:
    """The linking-code fields of a posted form, each cut to a length safe to show back."""

    def text(name: str) -> str:
        return str(form.get(name, ""))[:MAX_TYPED]

    return CodeEntry(
        birth_month=text("birth_month"),
        pet_letter=text("pet_letter"),
        no_pet=form.get("no_pet") == "yes",
        town_letter=text("town_letter"),
        no_town=form.get("no_town") == "yes",
        older_siblings=text("older_siblings"),
        card=text(CARD_FIELD),
    )


def code_of(entry: CodeEntry, way: str) -> tuple[str | None, dict[str, str]]:
    """The normalised code typed the chosen way, or None and what to fix, by input id."""
    if way == CARD:
        code, problem = card_code(entry.card)
        return code, ({} if code else {CARD_FIELD: problem or ""})
    prompts = CodePrompts(
        birth_month=entry.birth_month,
        # A tick for "never had a pet" or "I don't know" wins over a letter typed as well.
        pet_letter=NO_LETTER if entry.no_pet else entry.pet_letter,
        town_letter=NO_LETTER if entry.no_town else entry.town_letter,
        older_siblings=entry.older_siblings,
    )
    return prompt_code(prompts)


def hash_for(activity: ActivityData, code: str) -> str:
    """The keyed hash of a code in the activity's Hub (what the draft carries)."""
    return link_hash(current_app.config["LINK_KEY_DIR"], hub_id_of(activity.service), code)


def month_choices() -> list[tuple[str, str]]:
    """The birth month select's options as (value, label in the shown language)."""
    return [(str(number), gettext(name)) for number, name in enumerate(MONTHS, start=1)]


def older_choices() -> list[tuple[str, str]]:
    """The older brothers and sisters radios as (value, label); the last is "6 or more"."""
    choices = [(str(number), str(number)) for number in range(MAX_OLDER)]
    return [*choices, (str(MAX_OLDER), gettext("%(num)s or more", num=MAX_OLDER))]


def shown_errors(errors: Mapping[str, str]) -> dict[str, str]:
    """Errors by input id, translated, in the order the inputs appear."""
    ordered = sorted(errors, key=lambda name: FIELD_ORDER.index(name) if name in FIELD_ORDER else 0)
    return {name: translated(errors[name]) for name in ordered}


def form_context(entry: CodeEntry, errors: Mapping[str, str] | None = None) -> dict[str, Any]:
    """What the linking-code form components need."""
    shown = shown_errors(errors or {})
    return {
        "entry": entry,
        "blank_entry": CodeEntry(),
        "link_errors": shown,
        "months": month_choices(),
        "older": older_choices(),
    }


def render_step(
    activity: ActivityData,
    draft: Draft,
    way: str,
    entry: CodeEntry,
    *,
    errors: Mapping[str, str] | None = None,
    notice: str | None = None,
    status: int = 200,
):
    """The linking step's page: the three ways, or the form for one of them."""
    context = form_context(entry, errors)
    return render_template(
        "youth/link.html",
        activity=activity,
        draft_token=drafts.encode(draft),
        way=way if way in WAYS else CHOOSE,
        step=LINK_STEP,
        already_linked=draft.link_hash is not None,
        notice=notice,
        error_items=list(context["link_errors"].items()),
        **context,
    ), status
