"""Reading one question's inputs from a posted form, and turning values back into page data.

Input names match templates/youth/components/question.html: "q<id>" for choices and free
text, "q<id>_<box>" for three boxes and "q<id>_r<option code>" for ranking places.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from participation.activities.snapshot import AnyQuestion
from participation.answering.submissions import BOXES, ErrorKey, clean_text
from participation.models.enums import QuestionKind
from participation.youth.messages import translated
from participation.youth.wording import box_prompts, label_for_code

# Far beyond any real question; stops a crafted form from growing the draft without bound.
_MAX_VALUES = 50


def base_name(question: AnyQuestion) -> str:
    """The input name (and first input id) of a question."""
    return f"q{question.id}"


def _int_or_raw(value: str) -> int | str:
    value = value.strip()
    return int(value) if value.isdigit() and len(value) <= 6 else value[:20]


def read_value(form: MultiDict[str, str], question: AnyQuestion) -> Any:
    """The value a posted form gives one question (None when left empty)."""
    base = base_name(question)
    if question.kind == QuestionKind.FREE_TEXT:
        return clean_text(form.get(base, "")) or None
    if question.kind == QuestionKind.THREE_BOXES:
        boxes = [clean_text(form.get(f"{base}_{part}", "")) for part in range(BOXES)]
        return boxes if any(boxes) else None
    if question.kind == QuestionKind.RANKING:
        places = {}
        for option in question.options[:_MAX_VALUES]:
            raw = form.get(f"{base}_r{option['code']}", "").strip()
            if raw:
                places[str(option["code"])] = _int_or_raw(raw)
        return places or None
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        picked = [_int_or_raw(v) for v in form.getlist(base)[:_MAX_VALUES] if v.strip()]
        return picked or None
    raw = form.get(base, "").strip()
    return _int_or_raw(raw) if raw else None


def display_value(question: AnyQuestion, value: Any) -> Any:
    """A stored-in-draft value in the shape the question component expects."""
    if value is None:
        return None
    if question.kind == QuestionKind.RANKING and isinstance(value, Mapping):
        places = {}
        for code, place in value.items():
            if str(code).isdigit() and isinstance(place, int):
                places[int(code)] = place
        return places
    return value


def input_errors(
    errors: Mapping[ErrorKey, str], questions: Iterable[AnyQuestion]
) -> dict[str, str]:
    """Errors keyed by the input id they belong to, for the component and error summary."""
    by_id = {}
    wanted = {question.id for question in questions}
    for (question_id, part), message in errors.items():
        if question_id not in wanted:
            continue
        suffix = "" if part is None else f"_{part}"
        by_id[f"q{question_id}{suffix}"] = translated(message)
    return by_id


def summary(question: AnyQuestion, value: Any) -> list[str]:
    """What was answered, in words, for the check page (empty means passed)."""
    value = display_value(question, value)
    if value in (None, "", [], {}):
        return []
    if question.kind == QuestionKind.FREE_TEXT:
        return [str(value)]
    if question.kind == QuestionKind.THREE_BOXES:
        prompts = box_prompts(question)
        return [
            f"{prompts[part]} {text}".strip()
            for part, text in enumerate(value[:BOXES])
            if isinstance(text, str) and text
        ]
    if question.kind == QuestionKind.RANKING:
        ordered = sorted(value.items(), key=lambda item: item[1])
        return [f"{place}. {label_for_code(question, code) or '?'}" for code, place in ordered]
    values = value if isinstance(value, list) else [value]
    return [label_for_code(question, v) if isinstance(v, int) else "?" for v in values]
