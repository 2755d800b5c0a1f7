"""The columns of responses.csv, what each holds, and which submissions may be shared.

Codes: choices are option codes; a multiple choice has one 0/1 column per option; a ranking
has one column per item holding its place (1 = first); three boxes are three text columns.
Missing values: -1 means the young person passed, -2 means the value was suppressed to keep
everyone anonymous (or the text was withheld), and an empty cell means "not applicable".
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement

from participation.activities.kinds import THREE_BOX_PROMPTS
from participation.models import Activity, Question
from participation.models.enums import QuestionKind
from participation.privacy.kanonymity import KAnonResult, LinkResult

PASSED = -1
SUPPRESSED = -2
MISSING_VALUES = ("-1", "-2", "")
MISSING_LABELS = {
    "-1": "Passed: the young person chose not to answer",
    "-2": "Suppressed: hidden to keep everyone anonymous, or free text withheld",
    "": "Not applicable",
}

# The language a submission was answered in, as the young person chose it on the page.
LANGUAGE = "language"
LANGUAGE_LABELS = {"en": "English", "cy": "Welsh (Cymraeg)"}

# Column roles.
ROW, SERVICE, MONTH, CODE, OPTION, RANK, TEXT, LINK = (
    "row",
    "service",
    "month",
    "code",
    "option",
    "rank",
    "text",
    "link",
)
CODED_KINDS = (
    QuestionKind.EMOJI_SCALE,
    QuestionKind.TRAFFIC_LIGHT,
    QuestionKind.SINGLE_CHOICE,
    QuestionKind.REACH,
)
BOX_SUFFIXES = ("working_well", "not_working", "change")

# Rows read at a time: fewer than the garbage collector's first threshold (700 new objects),
# so a batch is freed before a collection could move it to an older generation, whose
# collections walk the whole process (that cost a tenth of an export's time).
YIELD_PER = 500


@dataclass(frozen=True)
class Column:
    """One column of responses.csv and what it means."""

    name: str
    title: str
    type: str  # a Table Schema type: integer, string or yearmonth
    role: str
    description: str = ""
    labels: dict[int, str] = field(default_factory=dict)
    question_id: int | None = None
    key: int | None = None  # option code, ranked item code or box number
    quasi: bool = False


@dataclass(frozen=True)
class Selection:
    """Which submissions an export holds (consent already applied) and the key of its shuffle."""

    clauses: tuple[ColumnElement[bool], ...]
    seed: int
    linked: bool = False  # research exports link one young person's rows (see links.py)


@dataclass(frozen=True)
class PreparedRows:
    """The result of the first pass: who is included and their k-anonymised identifiers."""

    included: int  # submissions that may be shared (consent honoured)
    submission_ids: array[int]  # by id; empty when fewer than k may be shared
    where: tuple[ColumnElement[bool], ...]  # the selection's clauses, for the second pass
    order: ColumnElement[Any]  # the keyed shuffle rows leave in
    quasi_names: tuple[str, ...]
    quasi_values: list[tuple[object, ...]]  # distinct combinations after suppression
    quasi_index: array[int]  # for each row, its combination in quasi_values
    suppression: KAnonResult  # without its rows, for the README's report
    k: int
    links: list[str] | None = None  # for each row, its link ("" for none); None: no column
    linking: LinkResult | None = None  # without its links, for the README's report

    @property
    def rows(self) -> int:
        """How many rows the export holds."""
        return len(self.submission_ids)


def _question_number(question: Question) -> str:
    return f"q{question.position + 1:02d}"


def _labels(question: Question) -> dict[int, str]:
    return {int(option["code"]): str(option["label"]) for option in question.options}


LINK_DESCRIPTION = (
    "Links the rows of one young person within this release only: rows with the same value "
    "were sent by someone who gave the same linking code. The values are random and made "
    "afresh for each release, so they mean nothing outside it and cannot be matched with "
    "another release or export. Blank when the young person gave no code, or when linking "
    "their rows would narrow them to fewer than k young people."
)


def link_column() -> Column:
    """The column that links one young person's rows within a research release."""
    return Column("link", "Same young person (this release only)", "string", LINK, LINK_DESCRIPTION)


def response_columns(activity: Activity, *, linked: bool = False) -> list[Column]:
    """The columns of responses.csv for `activity`, in order (`linked`: with the link column)."""
    columns = [
        Column("row", "Row number", "integer", ROW, "Random within this export; not an id."),
        Column(
            "service",
            "Service",
            "string",
            SERVICE,
            "The service that ran the activity.",
            quasi=True,
        ),
        Column(
            "month",
            "Month answered",
            "yearmonth",
            MONTH,
            "When the answers were sent, to the month only.",
            quasi=True,
        ),
        Column(
            "language",
            "Language answered in",
            "string",
            LANGUAGE,
            "The language the young person chose on the pages: en (English) or cy (Welsh); "
            "never taken from browser settings. May be suppressed.",
            quasi=True,
        ),
    ]
    if linked:
        columns.append(link_column())
    for question in activity.questions:
        number, prompt = _question_number(question), question.prompt.strip()
        if question.kind in CODED_KINDS:
            topic = question.settings.get("topic") if question.kind == QuestionKind.REACH else None
            name = f"{number}_{topic}" if topic else number
            columns.append(
                Column(
                    name,
                    prompt,
                    "integer",
                    CODE,
                    "About you (reach question); may be suppressed." if topic else "",
                    _labels(question),
                    question.id,
                    quasi=question.kind == QuestionKind.REACH,
                )
            )
        elif question.kind == QuestionKind.MULTIPLE_CHOICE:
            for code, label in _labels(question).items():
                columns.append(
                    Column(
                        f"{number}_{code}",
                        f"{prompt} — {label}",
                        "integer",
                        OPTION,
                        "1 = picked, 0 = not picked.",
                        {0: "Not picked", 1: "Picked"},
                        question.id,
                        code,
                    )
                )
        elif question.kind == QuestionKind.RANKING:
            items = _labels(question)
            for code, label in items.items():
                places = {place: f"Place {place}" for place in range(1, len(items) + 1)}
                columns.append(
                    Column(
                        f"{number}_rank_{code}",
                        f"{prompt} — {label}",
                        "integer",
                        RANK,
                        "The place this item was put in (1 = first).",
                        places,
                        question.id,
                        code,
                    )
                )
        elif question.kind == QuestionKind.THREE_BOXES:
            boxes = question.settings.get("boxes") or THREE_BOX_PROMPTS
            for part, suffix in enumerate(BOX_SUFFIXES):
                box = boxes[part] if part < len(boxes) else THREE_BOX_PROMPTS[part]
                columns.append(
                    Column(
                        f"{number}_{suffix}",
                        f"{prompt} — {box}",
                        "string",
                        TEXT,
                        "Free text with personal details replaced, e.g. [name].",
                        question_id=question.id,
                        key=part,
                    )
                )
        elif question.kind == QuestionKind.FREE_TEXT:
            columns.append(
                Column(
                    number,
                    prompt,
                    "string",
                    TEXT,
                    "Free text with personal details replaced, e.g. [name].",
                    question_id=question.id,
                    key=0,
                )
            )
    return columns


def exported_row_count(included: int, k: int) -> int:
    """Rows an export holds: none when fewer than k may be shared, else all of them."""
    return included if included >= k else 0


@dataclass
class RowStats:
    """What the second pass did to free text, for the README."""

    texts: int = 0
    withheld: int = 0
