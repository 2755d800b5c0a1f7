"""The second pass, packed by the database.

Reading a million answers into Python one at a time is what made exports slow, so the
database groups each submission's answers into one row: a few sums of packed fields for
the codes, picks and places, and one column per text box. A field is a value with one
spare bit above it: choice + 1 for a code, 1 for a pick, place + 1 for a place, so 0
means "no answer"; an answer that fits no field (an unknown code, a place out of range)
adds nothing to it. The first sum also counts the answers to the export's questions, and
the count checks every row: when each field received at most one answer and every answer
found a field or text column, the fields that are not 0 and the texts present number
exactly the answers. Otherwise they number fewer, whatever carried from field to field:
thanks to the spare bit, a field holding m answers passes on less than (m - 1) / 2. Such
a submission (no form sends one) is then read answer by answer, as are exports whose
codes are too wide to pack, so packing never changes what an export holds.
"""

from __future__ import annotations

import functools
import itertools
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    case,
    cast,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session

from participation.exports.columns import (
    CODE,
    LINK,
    OPTION,
    PASSED,
    RANK,
    ROW,
    SUPPRESSED,
    TEXT,
    YIELD_PER,
    Column,
    PreparedRows,
)
from participation.exports.rows import RowBuilder, answers_of
from participation.models import Activity, Answer, Submission
from participation.models.submissions import HIDDEN
from participation.privacy.csv_cells import csv_field
from participation.privacy.redaction import redact
from participation.safeguarding.visibility import withheld_answer_ids

PACKED_BITS = 48  # of each 64-bit sum; the first sum counts the answers above them
COUNT_SHIFT = PACKED_BITS  # room for 2**15 - 1 answers to one submission
CHUNK_BITS = 24  # fields are decoded a chunk at a time, through a table filled as needed
CHUNK_TABLE_MAX = 65536
WITHHELD, SHOWN = "W", "T"
PASSED_CELL = (PASSED, csv_field(PASSED))  # as a value, and as CSV text

Decoded = tuple[tuple[object, ...], str, int]  # values, as CSV text, fields holding an answer


@dataclass(frozen=True)
class _Field:
    """One packed value: a coded answer (choice None), or a pick or a place of `choice`."""

    question_id: int
    role: str  # CODE, OPTION or RANK
    top: int  # the largest value one answer stores
    choice: int | None
    column: int | None  # where it is written; None for reach answers (from the first pass)
    shift: int = 0  # its lowest bit in its sum

    @property
    def width(self) -> int:
        """Bits it takes: the value's, and one spare that catches a carry."""
        return self.top.bit_length() + 1

    def read(self, bits: int) -> int:
        """Its value in `bits`, a sum shifted so the chunk's lowest field is at bit 0."""
        return (bits >> self.shift) & ((1 << self.width) - 1)


def _units(columns: Sequence[Column]) -> list[list[_Field]]:
    """The fields in column order, grouped: all picks of a question, or a single field."""
    units: list[list[_Field]] = []
    for position, column in enumerate(columns):
        qid = column.question_id
        output = None if column.quasi else position
        if column.role == CODE and qid is not None:
            top = max(column.labels, default=0) + 1
            units.append([_Field(qid, CODE, top, None, output)])
        elif column.role == RANK and qid is not None:
            units.append([_Field(qid, RANK, max(column.labels, default=1), column.key, output)])
        elif column.role == OPTION and qid is not None:
            pick = _Field(qid, OPTION, 1, column.key, output)
            if units and units[-1][0].role == OPTION and units[-1][0].question_id == qid:
                units[-1].append(pick)
            else:
                units.append([pick])
    return units


class _Chunk:
    """Neighbouring fields of one sum, decoded together (their columns are side by side)."""

    def __init__(self, sum_index: int, shift: int) -> None:
        self.sum_index, self.shift, self.bits = sum_index, shift, 0
        self.fields: list[_Field] = []

    @property
    def first_column(self) -> int | None:
        """The first column the chunk writes, if any."""
        return next((f.column for f in self.fields if f.column is not None), None)

    @property
    def last_column(self) -> int | None:
        """The last column the chunk writes, if any."""
        return next((f.column for f in reversed(self.fields) if f.column is not None), None)

    def add(self, unit: list[_Field]) -> None:
        """Take a unit of fields (shifts relative to the chunk)."""
        for f in unit:
            self.fields.append(replace(f, shift=f.shift - self.shift))
            self.bits += f.width

    def decode(self, bits: int) -> Decoded:
        """The chunk's values from its bits."""
        values: list[object] = []
        picked: dict[int, bool] = {}  # a multiple choice was answered when any was picked
        for f in self.fields:
            if f.role == OPTION:
                picked[f.question_id] = picked.get(f.question_id, False) or bool(f.read(bits))
        present = 0
        for f in self.fields:
            value = f.read(bits)
            present += value != 0
            if f.column is None:
                continue
            if f.role == OPTION:
                values.append((1 if value else 0) if picked[f.question_id] else PASSED)
            elif f.role == RANK:
                values.append(value or PASSED)
            else:
                values.append(value - 1 if value else PASSED)
        return tuple(values), ",".join(map(csv_field, values)), present


class _ChunkTable(dict[int, Decoded]):
    """A chunk's decodings, each made the first time its combination of answers appears."""

    def __init__(self, chunk: _Chunk) -> None:
        super().__init__()
        self.chunk = chunk

    def __missing__(self, bits: int) -> Decoded:
        decoded = self.chunk.decode(bits)
        if len(self) < CHUNK_TABLE_MAX:
            self[bits] = decoded
        return decoded


class CannotPack(Exception):
    """Some question's codes are too wide to pack (no form makes such a question)."""


class _Packing:
    """Where each answer goes in the sums, the SQL that makes them, and how to read them."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.sums: list[list[_Field]] = [[]]  # the first sum also counts the answers
        self.chunks: list[_Chunk] = []
        # (column, question id, part) of each text column
        self.texts: list[tuple[int, int, int]] = [
            (i, c.question_id, c.key or 0)
            for i, c in enumerate(columns)
            if c.role == TEXT and c.question_id is not None
        ]
        used = 0
        for unit in _units(columns):
            bits = sum(f.width for f in unit)
            if bits > CHUNK_BITS:
                raise CannotPack(unit[0].question_id)
            if used + bits > PACKED_BITS:
                self.sums.append([])
                used = 0
            placed = []
            for f in unit:
                placed.append(replace(f, shift=used))
                used += f.width
            self.sums[-1].extend(placed)
            self._chunk_for(placed, bits).add(placed)

    def _chunk_for(self, unit: list[_Field], bits: int) -> _Chunk:
        chunk = self.chunks[-1] if self.chunks else None
        sum_index = len(self.sums) - 1
        first = unit[0].column
        if (
            chunk is not None
            and chunk.sum_index == sum_index
            and chunk.bits + bits <= CHUNK_BITS
            and (first is None or chunk.last_column in (None, first - 1))
        ):
            return chunk
        chunk = _Chunk(sum_index, unit[0].shift)
        self.chunks.append(chunk)
        return chunk

    def query(self, prepared: PreparedRows) -> Select[Any]:
        """One row per submission: its id, the sums (the first with the count), the texts."""
        first_id, last_id = prepared.submission_ids[0], prepared.submission_ids[-1]
        counted = list(dict.fromkeys([f.question_id for fields in self.sums for f in fields]))
        counted += [qid for _, qid, _ in self.texts if qid not in counted]
        sums = [
            _sum_of(fields, counted if index == 0 else ()) for index, fields in enumerate(self.sums)
        ]
        flagged = Answer.id.in_(withheld_answer_ids())
        marked = case((or_(Answer.moderation == HIDDEN, flagged), WITHHELD), else_=SHOWN)
        # FILTER rather than a CASE inside: the other answers never reach the aggregate.
        texts = [
            func.max(marked + Answer.text).filter(
                and_(Answer.question_id == qid, Answer.part == part)
            )
            for _, qid, part in self.texts
        ]
        return (
            select(Submission.id, *sums, *texts)
            .outerjoin(Answer, Answer.submission_id == Submission.id)
            .where(*prepared.where, Submission.id >= first_id, Submission.id <= last_id)
            .group_by(Submission.id)
            .order_by(prepared.order, Submission.id)
        )


def _int(value: int) -> ColumnElement[Any]:
    # Written into the SQL as 64-bit numbers (they are the app's own, not user input).
    return cast(literal_column(str(int(value))), BigInteger)


def _sum_of(fields: list[_Field], counted: Sequence[int] = ()) -> ColumnElement[Any]:
    """The SQL for one sum: each answer adds its field's value, shifted into place.

    With `counted` (the export's question ids), each answer to one of them also adds
    1 << COUNT_SHIFT, so the sum carries the count of answers above its fields.
    """
    by_question: dict[int, list[_Field]] = {}
    for f in fields:
        by_question.setdefault(f.question_id, []).append(f)
    arms: dict[int, ColumnElement[Any]] = {}
    for qid, found in by_question.items():
        if found[0].role == CODE:
            (f,) = found
            value = (Answer.choice + 1) * _int(1 << f.shift)
            arms[qid] = case((Answer.choice.between(0, f.top - 1), value), else_=_int(0))
        elif found[0].role == OPTION:
            picks = {f.choice: _int(1 << f.shift) for f in found}
            arms[qid] = case(picks, value=Answer.choice, else_=_int(0))
        else:
            places = {
                f.choice: case(
                    (Answer.part.between(0, f.top - 1), (Answer.part + 1) * _int(1 << f.shift)),
                    else_=_int(0),
                )
                for f in found
            }
            arms[qid] = case(places, value=Answer.choice, else_=_int(0))
    packed: ColumnElement[Any]
    if not counted:
        packed = case(arms, value=Answer.question_id, else_=_int(0))
    else:
        for qid in counted:
            arms.setdefault(qid, _int(0))
        # Other questions' answers (none) and the empty row of a submission without answers
        # take the count away again.
        one = 1 << COUNT_SHIFT
        packed = case(arms, value=Answer.question_id, else_=_int(-one)) + _int(one)
    return cast(func.coalesce(func.sum(packed), 0), BigInteger)


class _NoLinks:
    """The link cells of an export without a link column: none for any row."""

    def __getitem__(self, position: int) -> tuple[()]:
        return ()


def _link_cells(links: Sequence[str] | None) -> Sequence[tuple[str, ...]] | _NoLinks:
    """Each row's link as a one-cell tuple (one tuple a person), the same as value and text."""
    if links is None:
        return _NoLinks()
    cells: dict[str, tuple[str]] = {}
    return [cells.setdefault(link, (link,)) for link in links]


class PackedRows:
    """Reads the packed second pass and turns each submission into a row or a CSV line."""

    def __init__(
        self,
        session: Session,
        activity: Activity,
        columns: Sequence[Column],
        prepared: PreparedRows,
        builder: RowBuilder,
    ) -> None:
        self.session, self.activity = session, activity
        self.prepared, self.builder = prepared, builder
        self.packing = _Packing(columns)
        sums = len(self.packing.sums)
        self.text_start = 1 + sums
        self.readers = [
            (1 + c.sum_index, c.shift, (1 << c.bits) - 1, _ChunkTable(c))
            for c in self.packing.chunks
        ]
        self.quasi_text = [tuple(map(csv_field, combo)) for combo in prepared.quasi_values]
        self.link_cells = _link_cells(prepared.links)
        self.text_cell = functools.lru_cache(maxsize=4096)(self._text_cell)
        self.line_order, self.value_order = self._orders(columns)

    def _orders(self, columns: Sequence[Column]) -> tuple[list[int], list[int]]:
        """Where each column's cell is among a row's pieces: as CSV text, and as values.

        Pieces are the row number, the quasi-identifiers, the link (if the export has one),
        then each chunk (as CSV text, one piece a chunk; as values, one a column), then the
        text columns.
        """
        chunks = self.packing.chunks
        quasi = {name: 1 + i for i, name in enumerate(self.prepared.quasi_names)}
        outputs = [f.column for c in chunks for f in c.fields if f.column is not None]
        starts = {c.first_column: i for i, c in enumerate(chunks) if c.first_column is not None}
        texts = {position: i for i, (position, _, _) in enumerate(self.packing.texts)}
        link = 1 + len(quasi)
        base = link + (self.prepared.links is not None)
        after_chunks, after_values = base + len(chunks), base + len(outputs)
        line_order: list[int] = []
        value_order: list[int] = []
        for position, column in enumerate(columns):
            if column.role == ROW:
                line_order.append(0)
                value_order.append(0)
            elif column.quasi:
                line_order.append(quasi[column.name])
                value_order.append(quasi[column.name])
            elif column.role == LINK:
                line_order.append(link)
                value_order.append(link)
            elif position in texts:
                line_order.append(after_chunks + texts[position])
                value_order.append(after_values + texts[position])
            else:
                if position in starts:
                    line_order.append(base + starts[position])
                value_order.append(base + outputs.index(position))
        return line_order, value_order

    def _text_cell(self, marked: str) -> tuple[object, str, int, int]:
        """(value, CSV cell, 1 if it counts as text, 1 if withheld) of a marked text column."""
        text = marked[1:]
        if not text.strip():
            return PASSED, csv_field(PASSED), 0, 0
        if marked[0] == WITHHELD:
            # Possible disclosures and text staff hid never leave the staff view.
            return SUPPRESSED, csv_field(SUPPRESSED), 1, 1
        redacted = redact(text)
        return redacted, csv_field(redacted), 1, 0

    def _one_by_one(self, submission_id: int, number: int, position: int) -> list[object]:
        """The row of the submission at `position` among the prepared ones, answer by answer."""
        prepared = self.prepared
        combo = prepared.quasi_values[prepared.quasi_index[position]]
        link = prepared.links[position] if prepared.links is not None else ""
        row = self.builder.start(number, combo, link)
        query = answers_of(select(Submission.id).where(Submission.id == submission_id))
        started: set[int] = set()
        for answer in self.session.connection().execute(query):
            self.builder.add(row, answer, started)
        return row

    def rows(self) -> Iterator[list[object]]:
        """Each exported row as values."""
        return itertools.chain.from_iterable(self._batches(as_text=False))

    def line_batches(self) -> Iterator[list[str]]:
        """The exported rows as CSV lines (cells neutralised as `safe_csv_writer` does them),
        a few thousand at a time."""
        return self._batches(as_text=True)

    def _batches(self, as_text: bool) -> Iterator[list[Any]]:
        # One loop for both forms, as lean as it can be: it runs once per exported row.
        prepared = self.prepared
        ids, combo_of, link_cells = prepared.submission_ids, prepared.quasi_index, self.link_cells
        order = self.line_order if as_text else self.value_order
        # Pieces usually come in column order already; then they need no reordering.
        pick = None if order == list(range(len(order))) else itemgetter(*order)
        quasi = self.quasi_text if as_text else prepared.quasi_values
        readers, text_cell = self.readers, self.text_cell
        text_at = range(self.text_start, self.text_start + len(self.packing.texts))
        form = 1 if as_text else 0
        query = self.packing.query(prepared)
        count, number = len(ids), 0
        texts = withheld = 0
        try:
            with self.session.connection().execute(
                query.execution_options(yield_per=YIELD_PER)
            ) as found:
                for records in found.partitions():
                    made: list[Any] = []
                    for record in records:
                        # Rows come shuffled; skip any not in the first pass (sent in between).
                        submission_id = record[0]
                        position = bisect_left(ids, submission_id)
                        if position == count or ids[position] != submission_id:
                            continue
                        number += 1  # row numbers count rows as they leave: export-local
                        combo = combo_of[position]
                        # CSV text, or values: the two forms share this loop
                        pieces: list[Any] = [
                            str(number) if as_text else number,
                            *quasi[combo],
                            *link_cells[position],
                        ]
                        present = 0
                        for at, shift, mask, table in readers:
                            chunk = table[(record[at] >> shift) & mask]
                            present += chunk[2]
                            if as_text:
                                pieces.append(chunk[1])
                            else:
                                pieces.extend(chunk[0])
                        for at in text_at:
                            if record[at] is not None:
                                present += 1
                        if present != record[1] >> COUNT_SHIFT:
                            row = self._one_by_one(submission_id, number, position)
                            made.append(",".join(map(csv_field, row)) if as_text else row)
                            continue
                        for at in text_at:
                            value = record[at]
                            if value is None:
                                pieces.append(PASSED_CELL[form])
                            else:
                                cell = text_cell(value)
                                pieces.append(cell[form])
                                texts += cell[2]
                                withheld += cell[3]
                        if pick is not None:
                            pieces = list(pick(pieces))
                        made.append(",".join(pieces) if as_text else pieces)
                    yield made
        finally:
            self.builder.stats.texts += texts
            self.builder.stats.withheld += withheld
