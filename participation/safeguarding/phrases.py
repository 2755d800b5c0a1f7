"""Rules safeguarding leads add to the check, previewed on the corpus before they are saved.

The shipped rules live with the code (data/safeguarding_phrases.txt), so every upgrade brings
the improved list; the table holds what a service's leads add: phrases, patterns with slots,
and exceptions ("never flag these words in this category"). Every change is audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.models import SafeguardingPhrase, Staff
from participation.models.staff import ADMIN, LEAD
from participation.problems import FieldProblem, Forbidden, NotFound
from participation.safeguarding.categories import CATEGORIES, label_of
from participation.safeguarding.check import (
    Matcher,
    RuleText,
    compile_matcher,
    default_rules,
    phrase_error,
)
from participation.safeguarding.corpus import CorpusAnswer, Figures, corpus, measure
from participation.safeguarding.model import default_model
from participation.safeguarding.patterns import is_pattern

PHRASE, PATTERN, EXCEPTION = "phrase", "pattern", "exception"
KINDS = (PHRASE, PATTERN, EXCEPTION)
MAX_PHRASE = 200


class PhraseProblem(FieldProblem):
    """A rule staff need to correct, with the form field it concerns."""


@dataclass(frozen=True)
class PreviewLine:
    """A corpus answer whose flag the change would alter, with how it is labelled."""

    text: str
    should_flag: bool
    labelled: str | None
    evidence: tuple[str, ...]
    flagged_before: bool


@dataclass(frozen=True)
class Preview:
    """What a new rule would change on the corpus, before it is saved."""

    category: str
    text: str
    kind: str
    newly_flagged: list[PreviewLine]
    newly_unflagged: list[PreviewLine]
    before: Figures
    after: Figures


def may_edit(staff: Staff) -> bool:
    """Whether `staff` may change the check's rules: admins, and leads who are safeguarding leads."""
    return staff.role == ADMIN or (staff.role == LEAD and bool(staff.is_safeguarding_lead))


def _require_editor(staff: Staff) -> None:
    if not may_edit(staff):
        raise Forbidden("Only safeguarding leads and administrators can change the check.")


def lead_rules(rows: Iterable[tuple[str, str, str]]) -> list[RuleText]:
    """(category, text, kind) rows from the table as rules for the matcher."""
    return [RuleText(category, text, 1.0, kind == EXCEPTION) for category, text, kind in rows]


def active_rules(session: Session) -> list[RuleText]:
    """The shipped rules and every rule leads added that is switched on."""
    rows = session.execute(
        select(SafeguardingPhrase.category, SafeguardingPhrase.phrase, SafeguardingPhrase.kind)
        .where(SafeguardingPhrase.is_active.is_(True))
        .order_by(SafeguardingPhrase.id)
    )
    return [*default_rules(), *lead_rules(rows.all())]


def phrases_by_category(session: Session) -> dict[str, list[SafeguardingPhrase]]:
    """Every rule leads added, grouped by category in queue order, active ones first."""
    grouped: dict[str, list[SafeguardingPhrase]] = {c: [] for c in CATEGORIES}
    query = select(SafeguardingPhrase).order_by(
        SafeguardingPhrase.is_active.desc(), SafeguardingPhrase.phrase
    )
    for phrase in session.scalars(query):
        grouped.setdefault(phrase.category, []).append(phrase)
    return grouped


def shipped_by_category() -> dict[str, list[str]]:
    """The shipped rules as written, grouped by category."""
    grouped: dict[str, list[str]] = {c: [] for c in CATEGORIES}
    for rule in default_rules():
        grouped.setdefault(rule.category, []).append(rule.text)
    return grouped


def _checked(category: str, text: str, exception: bool) -> tuple[str, str]:
    """The tidied text and its kind, or a PhraseProblem saying what to correct."""
    text = " ".join(text.split())
    if category not in CATEGORIES:
        raise PhraseProblem("category", "Select a category.")
    if not text:
        raise PhraseProblem("phrase", "Enter a word, phrase or pattern.")
    if len(text) > MAX_PHRASE:
        raise PhraseProblem("phrase", f"It must be {MAX_PHRASE} characters or fewer.")
    problem = phrase_error(text)
    if problem:
        raise PhraseProblem("phrase", f"That cannot be used: {problem}.")
    if exception:
        return text, EXCEPTION
    return text, PATTERN if is_pattern(text) else PHRASE


def _line(answer: CorpusAnswer, matcher: Matcher, flagged_before: bool) -> PreviewLine:
    evidence = tuple(e for m in matcher.check(answer.text) for e in m.evidence)
    return PreviewLine(answer.text, answer.flag, answer.category, evidence, flagged_before)


def preview(
    session: Session, staff: Staff, category: str, text: str, *, exception: bool = False
) -> Preview:
    """Which corpus answers a new rule would newly flag or unflag in `category`; audited."""
    _require_editor(staff)
    text, kind = _checked(category, text, exception)
    rules = active_rules(session)
    model = default_model()
    before = compile_matcher(rules).with_model(model)
    after = compile_matcher([*rules, RuleText(category, text, 1.0, exception)]).with_model(model)
    answers = corpus()
    flagged: list[PreviewLine] = []
    unflagged: list[PreviewLine] = []
    for answer in answers:
        was = {m.category for m in before.check(answer.text)}
        now = {m.category for m in after.check(answer.text)}
        if category in now and category not in was:
            flagged.append(_line(answer, after, bool(was)))
        elif category in was and category not in now:
            unflagged.append(_line(answer, before, True))
    audit.record(session, "phrase_previewed", staff=staff, category=category, kind=kind)
    return Preview(
        category, text, kind, flagged, unflagged, measure(before, answers), measure(after, answers)
    )


def add_phrase(
    session: Session, staff: Staff, category: str, text: str, *, exception: bool = False
) -> SafeguardingPhrase:
    """Add a rule to a category (or switch an existing one back on); audited."""
    _require_editor(staff)
    text, kind = _checked(category, text, exception)
    existing = session.scalar(
        select(SafeguardingPhrase).where(
            SafeguardingPhrase.category == category,
            func.lower(SafeguardingPhrase.phrase) == text.lower(),
        )
    )
    if existing is not None and existing.is_active and existing.kind == kind:
        raise PhraseProblem("phrase", "That is already in this category.")
    if existing is not None:
        existing.is_active, existing.kind = True, kind
        found = existing
    else:
        found = SafeguardingPhrase(category=category, phrase=text, kind=kind, is_active=True)
        session.add(found)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError as exc:
            raise PhraseProblem("phrase", "That is already in this category.") from exc
    audit.record(session, "phrase_added", staff=staff, target=found, category=category, kind=kind)
    return found


def set_phrase_active(
    session: Session, staff: Staff, phrase_id: int, active: bool
) -> SafeguardingPhrase:
    """Switch a rule leads added on or off (rules are kept, never deleted); audited."""
    _require_editor(staff)
    phrase = session.get(SafeguardingPhrase, phrase_id)
    if phrase is None:
        raise NotFound("There is no such phrase.")
    phrase.is_active = active
    audit.record(
        session,
        "phrase_changed",
        staff=staff,
        target=phrase,
        category=phrase.category,
        active=active,
    )
    return phrase


def category_choices() -> list[tuple[str, str]]:
    """(key, label) for each category, in queue order."""
    return [(key, label_of(key)) for key in CATEGORIES]
