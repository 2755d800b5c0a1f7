"""The second pass answer by answer: one row per submission from its single answers.

Exports read this way only when their codes cannot be packed (see export_packing); the
same row builder also reads the odd submission the packed pass cannot account for.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from participation.exports.columns import (
    CODE,
    OPTION,
    PASSED,
    RANK,
    SUPPRESSED,
    TEXT,
    YIELD_PER,
    Column,
    PreparedRows,
    RowStats,
    included_clauses,
)
from participation.models import Activity, Answer, Flag, Submission
from participation.models.submissions import HIDDEN
from participation.privacy.redaction import redact


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
        for i, column in enumerate(columns):
            qid = column.question_id
            if qid is None:
                continue
            if column.role == CODE and not column.quasi:  # quasi ones come from the first pass
                self.coded[qid] = i
            elif column.role == OPTION:
                self.options.setdefault(qid, {})[column.key] = i
            elif column.role == RANK:
                self.ranks.setdefault(qid, {})[column.key] = i
            elif column.role == TEXT:
                self.texts[(qid, column.key)] = i
        self.redact = functools.lru_cache(maxsize=4096)(redact)

    def start(self, row_number: int, quasi: tuple) -> list[object]:
        """A new row: every answer passed until one arrives, identifiers filled in."""
        row = list(self.blank)
        row[self.row_position] = row_number
        for i, value in zip(self.quasi_positions, quasi, strict=True):
            row[i] = value
        return row

    def add(self, row: list[object], record: Sequence[object], started: set[int]) -> None:
        """Put one answer, (submission, question, part, choice, text, moderation, flagged), in."""
        _, qid, part, choice, text, moderation, flagged = record
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
            i = self.texts.get((qid, part or 0))
            if i is None or not text or not text.strip():
                return
            self.stats.texts += 1
            # Possible disclosures and text staff hid never leave the staff view.
            if flagged or moderation == HIDDEN:
                self.stats.withheld += 1
                row[i] = SUPPRESSED
            else:
                row[i] = self.redact(text)


def answers_of(submissions: Select[Any]) -> Select[Any]:
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
        .outerjoin(Flag, Flag.answer_id == Answer.id)
        .order_by(Submission.id)
    )


def row_by_row(
    session: Session,
    activity: Activity,
    builder: RowBuilder,
    prepared: PreparedRows,
) -> Iterator[list[object]]:
    """Every row built from single answers (for exports whose codes cannot be packed)."""
    ids, numbers = prepared.submission_ids, prepared.row_numbers
    combos, combo_of = prepared.quasi_values, prepared.quasi_index
    query = answers_of(
        select(Submission.id).where(
            *included_clauses(activity), Submission.id <= prepared.submission_ids[-1]
        )
    ).execution_options(yield_per=YIELD_PER)
    count, position = len(ids), 0
    current: object = None
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
                # Both passes walk submissions by id; skip any sent or withdrawn in between.
                while position < count and ids[position] < current:
                    position += 1
                if position < count and ids[position] == current:
                    row = builder.start(numbers[position], combos[combo_of[position]])
                    started = set()
                    position += 1
            if row is not None and record[1] is not None:
                add(row, record, started)
    if row is not None:
        yield row
