"""The second pass answer by answer: one row per submission from its single answers.

Exports read this way only when their codes cannot be packed (see export_packing); the
same row builder also reads the odd submission the packed pass cannot account for.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Iterator, Sequence

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from participation.exports.columns import (
    CODE,
    LINK,
    OPTION,
    PASSED,
    RANK,
    SUPPRESSED,
    TEXT,
    YIELD_PER,
    Column,
    PreparedRows,
    RowStats,
)
from participation.models import Activity, Answer, Flag, Submission
from participation.models.submissions import HIDDEN
from participation.privacy.redaction import redact
from participation.safeguarding.visibility import withholds

# One answer of a submission: (submission id, question id, part, choice, text, moderation,
# flagged). A submission without answers gives one record whose answer columns are None.
AnswerRecord = tuple[int, int | None, int | None, int | None, str | None, str | None, bool]


class RowBuilder:
    """Turns one submission's answers into one row of codes and redacted text."""

    def __init__(
        self, columns: Sequence[Column], quasi_names: Sequence[str], stats: RowStats
    ) -> None:
        self.stats = stats
        self.width = len(columns)
        self.blank = [PASSED] * self.width
        self.coded: dict[int, int] = {}
        self.options: dict[int, dict[int, int]] = {}
        self.ranks: dict[int, dict[int, int]] = {}
        self.texts: dict[tuple[int, int], int] = {}
        position = {c.name: i for i, c in enumerate(columns)}
        self.quasi_positions = [position[name] for name in quasi_names]
        self.row_position = position["row"]
        self.link_position = next((i for i, c in enumerate(columns) if c.role == LINK), None)
        for i, column in enumerate(columns):
            qid, key = column.question_id, column.key
            if qid is None:
                continue
            if column.role == CODE and not column.quasi:  # quasi ones come from the first pass
                self.coded[qid] = i
            elif key is None:  # every option, rank and text column has its key
                continue
            elif column.role == OPTION:
                self.options.setdefault(qid, {})[key] = i
            elif column.role == RANK:
                self.ranks.setdefault(qid, {})[key] = i
            elif column.role == TEXT:
                self.texts[(qid, key)] = i
        self.redact = functools.lru_cache(maxsize=4096)(redact)

    def start(self, row_number: int, quasi: tuple[object, ...], link: str = "") -> list[object]:
        """A new row: every answer passed until one arrives, identifiers and link filled in."""
        row: list[object] = list(self.blank)
        row[self.row_position] = row_number
        if self.link_position is not None:
            row[self.link_position] = link
        for i, value in zip(self.quasi_positions, quasi, strict=True):
            row[i] = value
        return row

    def add(self, row: list[object], record: AnswerRecord, started: set[int]) -> None:
        """Put one answer, (submission, question, part, choice, text, moderation, flagged), in."""
        _, qid, part, choice, text, moderation, flagged = record
        if qid is None:  # the record of a submission without answers holds none
            return
        if qid in self.coded:
            if choice is not None:
                row[self.coded[qid]] = choice
        elif qid in self.options:
            options = self.options[qid]
            if qid not in started:
                started.add(qid)
                for i in options.values():
                    row[i] = 0
            if choice in options:
                row[options[choice]] = 1
        elif qid in self.ranks:
            if choice in self.ranks[qid] and part is not None:
                row[self.ranks[qid][choice]] = part + 1
        else:
            place = self.texts.get((qid, part or 0))
            if place is None or not text or not text.strip():
                return
            self.stats.texts += 1
            # Possible disclosures and text staff hid never leave the staff view.
            if flagged or moderation == HIDDEN:
                self.stats.withheld += 1
                row[place] = SUPPRESSED
            else:
                row[place] = self.redact(text)


def answers_of(submissions: Select[int]) -> Select[*AnswerRecord]:
    """Every answer of the chosen submissions, one row each, in submission order."""
    return (
        submissions.add_columns(
            Answer.question_id,
            Answer.part,
            Answer.choice,
            Answer.text,
            Answer.moderation,
            Flag.id.is_not(None),
        )
        .outerjoin(Answer, Answer.submission_id == Submission.id)
        .outerjoin(Flag, (Flag.answer_id == Answer.id) & withholds())
        .order_by(Submission.id)
    )


def row_by_row(
    session: Session,
    activity: Activity,
    builder: RowBuilder,
    prepared: PreparedRows,
) -> Iterator[list[object]]:
    """Every row built from single answers (for exports whose codes cannot be packed)."""
    ids = prepared.submission_ids
    combos, combo_of, links = prepared.quasi_values, prepared.quasi_index, prepared.links
    query = (
        answers_of(select(Submission.id).where(*prepared.where, Submission.id <= ids[-1]))
        .order_by(None)
        .order_by(prepared.order, Submission.id)
        .execution_options(yield_per=YIELD_PER)
    )
    count, number = len(ids), 0
    current: int | None = None
    row: list[object] | None = None
    started: set[int] = set()
    add = builder.add
    # The cursor (server-side on PostgreSQL) is closed even when the download stops part-way.
    with session.connection().execute(query) as records:
        for record in records:
            if record[0] != current:
                if row is not None:
                    yield row
                current, row = record[0], None
                # Rows come shuffled; skip any not in the first pass (sent in between).
                position = bisect_left(ids, current)
                if position < count and ids[position] == current:
                    number += 1
                    link = links[position] if links is not None else ""
                    row = builder.start(number, combos[combo_of[position]], link)
                    started = set()
            if row is not None:
                add(row, record, started)
    if row is not None:
        yield row
