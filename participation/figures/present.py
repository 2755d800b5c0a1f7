"""What the present screen shows for each question: shares once k answered, approved quotes.

The room's screen follows `suppression.screen_shares`: a question's distribution appears
once at least k people answered that question, as whole-number shares, never counts.
Questions marked "never on the big screen" show nothing but their prompt. Written answers
appear only when staff approved them, redacted, under their own question and box, and
never while the words are with the safeguarding lead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from participation.activities.kinds import THREE_BOX_PROMPTS
from participation.figures.queries import ActivityCounts, SubmissionStats, activity_counts
from participation.models import Activity, Answer, Flag, Question
from participation.models.activities import TEXT_KINDS
from participation.models.enums import QuestionKind
from participation.models.submissions import APPROVED
from participation.privacy.redaction import redact
from participation.privacy.suppression import screen_shares
from participation.safeguarding.visibility import withholds

QUOTES_PER_QUESTION = 24
SHORT_ANSWER = 60  # characters: longer answers are quotes, not words for the cloud

# (option code, part) -> rows, for one question
Found = dict[tuple[int | None, int], int]


@dataclass(frozen=True)
class ScreenBar:
    """One option and its share of those who answered the question (a whole percent)."""

    code: int
    label: str
    share: int


@dataclass(frozen=True)
class ScreenBox:
    """A box of a written question (one box for free text) and its approved quotes."""

    heading: str
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class ScreenQuestion:
    """One question as the room's screen shows it."""

    question_id: int
    number: int
    kind: str
    prompt: str
    private: bool  # marked never on the big screen
    k: int
    answered: int  # how many answered it: shown only as "more to go" below k
    bars: tuple[ScreenBar, ...] | None  # None until k answered (or for written questions)
    boxes: tuple[ScreenBox, ...] = ()

    @property
    def is_text(self) -> bool:
        """Whether the question collects written answers."""
        return self.kind in TEXT_KINDS

    @property
    def waiting_for(self) -> int:
        """How many more answers the question needs before its results appear."""
        return max(self.k - self.answered, 0)

    @property
    def words(self) -> list[str]:
        """The short approved answers, for the word cloud."""
        return [q for box in self.boxes for q in box.quotes if len(q) <= SHORT_ANSWER]


def _choices(found: Found, first_only: bool = False) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for (choice, part), count in found.items():
        if choice is not None and (part == 0 or not first_only):
            counts[choice] += count
    return counts


def _answered(question: Question, found: Found, counts: ActivityCounts) -> int:
    if question.kind in (QuestionKind.MULTIPLE_CHOICE, QuestionKind.THREE_BOXES):
        return counts.respondents.get(question.id, 0)
    if question.kind == QuestionKind.RANKING:
        return sum(c for (choice, part), c in found.items() if part == 0 and choice is not None)
    return sum(found.values())


def _bars(question: Question, found: Found, answered: int, k: int) -> tuple[ScreenBar, ...] | None:
    if question.kind in TEXT_KINDS:
        return None
    chosen = _choices(found, first_only=question.kind == QuestionKind.RANKING)
    labels = {int(o["code"]): str(o["label"]) for o in question.options}
    shares = screen_shares({code: chosen.get(code, 0) for code in labels}, answered, k)
    if shares is None:
        return None
    return tuple(ScreenBar(code, labels[code], share) for code, share in shares.items())


def _box_headings(question: Question) -> list[str]:
    if question.kind == QuestionKind.THREE_BOXES:
        return list(question.settings.get("boxes") or THREE_BOX_PROMPTS)
    return [""]


def approved_quotes(
    session: Session, question_ids: list[int], per_question: int = QUOTES_PER_QUESTION
) -> dict[tuple[int, int], list[str]]:
    """{(question id, box): newest approved answers, redacted} for a shared screen."""
    found: dict[tuple[int, int], list[str]] = defaultdict(list)
    for question_id in question_ids:
        # One short walk of the text index per question, newest first, never every answer.
        query = (
            select(Answer.part, Answer.text)
            .outerjoin(Flag, (Flag.answer_id == Answer.id) & withholds())
            .where(Answer.question_id == question_id, Answer.moderation == APPROVED)
            # Belt and braces: words with the safeguarding lead never reach the screen.
            .where(Flag.id.is_(None))
            .order_by(Answer.id.desc())
            .limit(per_question)
        )
        for part, text in session.execute(query):
            if text:
                found[(question_id, part)].append(redact(text))
    return found


def screen_questions(
    session: Session, activity: Activity, stats: SubmissionStats
) -> tuple[ScreenQuestion, ...]:
    """Every question of the activity as the present screen shows it, in order."""
    k = activity.k_threshold
    kinds = tuple((q.id, q.kind) for q in activity.questions)
    counts = activity_counts(session, {activity.id: (stats, kinds)})[activity.id]
    # Approved words appear once k young people have taken part, as on the old live screen.
    shown_text = [
        q.id
        for q in activity.questions
        if q.kind in TEXT_KINDS and not q.never_on_screen and stats.submissions >= k
    ]
    quotes = approved_quotes(session, shown_text)
    result = []
    for question in activity.questions:
        found = counts.groups.get(question.id, {})
        answered = _answered(question, found, counts)
        private = question.never_on_screen
        boxes: tuple[ScreenBox, ...] = ()
        if question.id in shown_text:
            boxes = tuple(
                ScreenBox(heading, tuple(quotes.get((question.id, part), ())))
                for part, heading in enumerate(_box_headings(question))
            )
        result.append(
            ScreenQuestion(
                question_id=question.id,
                number=question.position + 1,
                kind=question.kind,
                prompt=question.prompt,
                private=private,
                k=k,
                answered=answered,
                bars=None if private else _bars(question, found, answered, k),
                boxes=boxes,
            )
        )
    return tuple(result)
