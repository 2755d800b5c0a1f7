"""Anonymised row-level responses: one row per submission, streamed as CSV.

An export reads the database twice, both times as a stream. The first pass reads only the
quasi-identifiers (service, submission month, reach answers) and k-anonymises them; the
second pass reads one row per submission, in submission order, its answers grouped by the
database (see "the second pass, packed by the database"), and writes one row at a time.
Memory therefore grows with the number of submissions (a few small numbers each), never
with the number of answers or the length of what young people wrote.

Codes: choices are option codes; a multiple choice has one 0/1 column per option; a ranking
has one column per item holding its place (1 = first); three boxes are three text columns.
Missing values: -1 means the young person passed, -2 means the value was suppressed to keep
everyone anonymous (or the text was withheld), and an empty cell means "not applicable".
"""

from __future__ import annotations

import functools
import io
import itertools
import os
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from participation.anonymise import (
    KAnonResult,
    csv_field,
    generalise_month,
    k_anonymise_keys,
    redact,
    safe_csv_writer,
)
from participation.models import Activity, Answer, Flag, Question, Submission
from participation.models.activities import (
    EMOJI_SCALE,
    FREE_TEXT,
    MULTIPLE_CHOICE,
    RANKING,
    REACH,
    RESEARCH_ASK,
    SINGLE_CHOICE,
    THREE_BOXES,
    TRAFFIC_LIGHT,
)
from participation.models.submissions import HIDDEN
from participation.question_kinds import THREE_BOX_PROMPTS

PASSED = -1
SUPPRESSED = -2
MISSING_VALUES = ("-1", "-2", "")
MISSING_LABELS = {
    "-1": "Passed: the young person chose not to answer",
    "-2": "Suppressed: hidden to keep everyone anonymous, or free text withheld",
    "": "Not applicable",
}

# Column roles.
ROW, SERVICE, MONTH, CODE, OPTION, RANK, TEXT = (
    "row",
    "service",
    "month",
    "code",
    "option",
    "rank",
    "text",
)
CODED_KINDS = (EMOJI_SCALE, TRAFFIC_LIGHT, SINGLE_CHOICE, REACH)
BOX_SUFFIXES = ("working_well", "not_working", "change")

# Rows read at a time: fewer than the garbage collector's first threshold (700 new objects),
# so a batch is freed before a collection could move it to an older generation, whose
# collections walk the whole process (that cost a tenth of an export's time).
YIELD_PER = 500
CSV_FLUSH_BYTES = 64 * 1024


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
class PreparedRows:
    """The result of the first pass: who is included and their k-anonymised identifiers."""

    included: int  # submissions that may be shared (consent honoured)
    submission_ids: array  # in export order; empty when fewer than k may be shared
    row_numbers: array  # export-local random numbers, aligned with submission_ids
    quasi_names: tuple[str, ...]
    quasi_values: list[tuple[object, ...]]  # distinct combinations after suppression
    quasi_index: array  # for each row, its combination in quasi_values
    suppression: KAnonResult  # without its rows, for the README's report
    k: int

    @property
    def rows(self) -> int:
        """How many rows the export holds."""
        return len(self.submission_ids)


def _question_number(question: Question) -> str:
    return f"q{question.position + 1:02d}"


def _labels(question: Question) -> dict[int, str]:
    return {int(option["code"]): str(option["label"]) for option in question.options}


def response_columns(activity: Activity) -> list[Column]:
    """The columns of responses.csv for `activity`, in order."""
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
    ]
    for question in activity.questions:
        number, prompt = _question_number(question), question.prompt.strip()
        if question.kind in CODED_KINDS:
            topic = question.settings.get("topic") if question.kind == REACH else None
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
                    quasi=question.kind == REACH,
                )
            )
        elif question.kind == MULTIPLE_CHOICE:
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
        elif question.kind == RANKING:
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
        elif question.kind == THREE_BOXES:
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
        elif question.kind == FREE_TEXT:
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


def included_clauses(activity: Activity) -> list[ColumnElement[bool]]:
    """WHERE clauses for the submissions of `activity` that may be shared with researchers."""
    clauses = [Submission.activity_id == activity.id]
    if activity.research_sharing == RESEARCH_ASK:
        clauses.append(Submission.research_consent.is_(True))
    return clauses


def count_included(session: Session, activity: Activity) -> int:
    """How many submissions of `activity` may be shared with researchers."""
    query = select(func.count()).select_from(Submission).where(*included_clauses(activity))
    return session.scalar(query) or 0


def exported_row_count(included: int, k: int) -> int:
    """Rows an export holds: none when fewer than k may be shared, else all of them."""
    return included if included >= k else 0


def _shuffled_numbers(count: int) -> array:
    """1..count in a random order, from the operating system's random source."""
    keys = array("Q")
    keys.frombytes(os.urandom(8 * (count + 1)))
    return array("l", sorted(range(1, count + 1), key=keys.__getitem__))


def prepare_rows(session: Session, activity: Activity, columns: Sequence[Column]) -> PreparedRows:
    """First pass: choose the rows and k-anonymise their quasi-identifiers."""
    k = activity.k_threshold
    reach = [c for c in columns if c.role == CODE and c.quasi]
    names = ("service", "month", *(c.name for c in reach))
    # The hour as the driver gives it (SQLite: text), made a month once per distinct hour.
    hour = type_coerce(Submission.submitted_hour, String)
    query = select(Submission.id, hour).where(*included_clauses(activity))
    if reach:
        query = query.add_columns(Answer.question_id, Answer.choice).outerjoin(
            Answer,
            and_(
                Answer.submission_id == Submission.id,
                Answer.question_id.in_([c.question_id for c in reach]),
            ),
        )
    query = query.order_by(Submission.id).execution_options(yield_per=YIELD_PER)
    ids = array("q")
    # Core rows through the session's connection: the ORM adds nothing to plain columns.
    with session.connection().execute(query) as records:
        if reach:
            keys = _keys_with_reach(records, ids, activity.service.name, reach)
        else:
            keys = _keys_without_reach(records, ids, activity.service.name)

    included = len(ids)
    if included < k:
        # Fewer than k people can never be k-anonymous: share no rows at all.
        keys.clear()
        ids = array("q")
    kept, result = k_anonymise_keys(keys, names, k, suppressed_marker=SUPPRESSED)
    keys.clear()
    if len(kept) != len(ids):  # k_anonymise dropped every row
        ids = array("q")
    distinct = {key: i for i, key in enumerate(dict.fromkeys(kept))}
    return PreparedRows(
        included=included,
        submission_ids=ids,
        row_numbers=_shuffled_numbers(len(ids)),
        quasi_names=names,
        quasi_values=list(distinct),
        quasi_index=array("l", map(distinct.__getitem__, kept)),
        suppression=replace(result, dropped_rows=included - len(ids)),
        k=k,
    )


class _Months(dict[object, str]):
    """Submission hours (datetimes, or SQLite's text for them) as months, "2026-03"."""

    def __missing__(self, hour: object) -> str:
        moment = datetime.fromisoformat(hour) if isinstance(hour, str) else hour
        month = self[hour] = generalise_month(moment) or ""  # type: ignore[arg-type]
        return month


def _keys_without_reach(records: Any, ids: array, service: str) -> list[tuple[object, ...]]:
    """Each row's (service, month), one row per submission; ids collected in `ids`."""
    keys: list[tuple[object, ...]] = []
    key_of = _ServiceMonths(service)
    for batch in records.partitions():
        ids.extend(map(itemgetter(0), batch))
        keys.extend(map(key_of.__getitem__, map(itemgetter(1), batch)))
    return keys


class _ServiceMonths(dict[object, tuple[object, ...]]):
    """(service, month) for each submission hour, one shared tuple per month."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service, self.months = service, _Months()
        self.shared: dict[tuple[object, ...], tuple[object, ...]] = {}

    def __missing__(self, hour: object) -> tuple[object, ...]:
        key = (self.service, self.months[hour])
        key = self[hour] = self.shared.setdefault(key, key)
        return key


def _keys_with_reach(
    records: Any, ids: array, service: str, reach: Sequence[Column]
) -> list[tuple[object, ...]]:
    """Each row's (service, month, reach answers...), from a row per reach answer."""
    months = _Months()
    place = {c.question_id: 2 + i for i, c in enumerate(reach)}
    # Rows share one tuple per distinct combination, so this list costs a pointer a row.
    shared: dict[tuple[object, ...], tuple[object, ...]] = {}
    keys: list[tuple[object, ...]] = []
    current: int | None = None
    values: list[object] = []
    for record in records:
        if record[0] != current:
            if current is not None:
                key = tuple(values)
                keys.append(shared.setdefault(key, key))
            current = record[0]
            ids.append(current)
            values = [service, months[record[1]], *[PASSED] * len(reach)]
        if record[2] is not None and record[3] is not None:
            values[place[record[2]]] = record[3]
    if current is not None:
        key = tuple(values)
        keys.append(shared.setdefault(key, key))
    return keys


@dataclass
class RowStats:
    """What the second pass did to free text, for the README."""

    texts: int = 0
    withheld: int = 0


class _RowBuilder:
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


def _answers_of(submissions: Select[Any]) -> Select[Any]:
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


def _row_by_row(
    session: Session,
    activity: Activity,
    builder: _RowBuilder,
    prepared: PreparedRows,
) -> Iterator[list[object]]:
    """Every row built from single answers (for exports whose codes cannot be packed)."""
    ids, numbers = prepared.submission_ids, prepared.row_numbers
    combos, combo_of = prepared.quasi_values, prepared.quasi_index
    query = _answers_of(
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


# --- the second pass, packed by the database --------------------------------------------
#
# Reading a million answers into Python one at a time is what made exports slow, so the
# database groups each submission's answers into one row: a few sums of packed fields for
# the codes, picks and places, and one column per text box. A field is a value with one
# spare bit above it: choice + 1 for a code, 1 for a pick, place + 1 for a place, so 0
# means "no answer"; an answer that fits no field (an unknown code, a place out of range)
# adds nothing to it. The first sum also counts the answers to the export's questions, and
# the count checks every row: when each field received at most one answer and every answer
# found a field or text column, the fields that are not 0 and the texts present number
# exactly the answers. Otherwise they number fewer, whatever carried from field to field:
# thanks to the spare bit, a field holding m answers passes on less than (m - 1) / 2. Such
# a submission (no form sends one) is then read answer by answer, as are exports whose
# codes are too wide to pack, so packing never changes what an export holds.

PACKED_BITS = 48  # of each 64-bit sum; the first sum counts the answers above them
COUNT_SHIFT = PACKED_BITS  # room for 2**15 - 1 answers to one submission
CHUNK_BITS = 24  # fields are decoded a chunk at a time, through a table filled as needed
CHUNK_TABLE_MAX = 65536
WITHHELD, SHOWN = "W", "T"

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


class _CannotPack(Exception):
    """Some question's codes are too wide to pack (no form makes such a question)."""


class _Packing:
    """Where each answer goes in the sums, the SQL that makes them, and how to read them."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.sums: list[list[_Field]] = [[]]  # the first sum also counts the answers
        self.chunks: list[_Chunk] = []
        self.texts = [
            (i, c.question_id, c.key or 0) for i, c in enumerate(columns) if c.role == TEXT
        ]
        used = 0
        for unit in _units(columns):
            bits = sum(f.width for f in unit)
            if bits > CHUNK_BITS:
                raise _CannotPack(unit[0].question_id)
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

    def query(self, activity: Activity, first_id: int, last_id: int) -> Select[Any]:
        """One row per submission: its id, the sums (the first with the count), the texts."""
        counted = list(dict.fromkeys([f.question_id for fields in self.sums for f in fields]))
        counted += [qid for _, qid, _ in self.texts if qid not in counted]
        sums = [
            _sum_of(fields, counted if index == 0 else ()) for index, fields in enumerate(self.sums)
        ]
        flagged = Answer.id.in_(select(Flag.answer_id))
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
            .where(*included_clauses(activity), Submission.id >= first_id, Submission.id <= last_id)
            .group_by(Submission.id)
            .order_by(Submission.id)
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


class _PackedRows:
    """Reads the packed second pass and turns each submission into a row or a CSV line."""

    def __init__(
        self,
        session: Session,
        activity: Activity,
        columns: Sequence[Column],
        prepared: PreparedRows,
        builder: _RowBuilder,
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
        self.text_cell = functools.lru_cache(maxsize=4096)(self._text_cell)
        self.line_order, self.value_order = self._orders(columns)

    def _orders(self, columns: Sequence[Column]) -> tuple[list[int], list[int]]:
        """Where each column's cell is among a row's pieces: as CSV text, and as values.

        Pieces are the row number, the quasi-identifiers, then each chunk (as CSV text, one
        piece a chunk; as values, one a column), then the text columns.
        """
        chunks = self.packing.chunks
        quasi = {name: 1 + i for i, name in enumerate(self.prepared.quasi_names)}
        outputs = [f.column for c in chunks for f in c.fields if f.column is not None]
        starts = {c.first_column: i for i, c in enumerate(chunks) if c.first_column is not None}
        texts = {position: i for i, (position, _, _) in enumerate(self.packing.texts)}
        base = 1 + len(quasi)
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

    def _one_by_one(self, submission_id: int, number: int, combo: int) -> list[object]:
        """The row of one submission read answer by answer."""
        row = self.builder.start(number, self.prepared.quasi_values[combo])
        query = _answers_of(select(Submission.id).where(Submission.id == submission_id))
        started: set[int] = set()
        for answer in self.session.connection().execute(query):
            if answer[1] is not None:
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
        ids, numbers, combo_of = prepared.submission_ids, prepared.row_numbers, prepared.quasi_index
        order = self.line_order if as_text else self.value_order
        # Pieces usually come in column order already; then they need no reordering.
        pick = None if order == list(range(len(order))) else itemgetter(*order)
        quasi = self.quasi_text if as_text else prepared.quasi_values
        readers, text_cell = self.readers, self.text_cell
        text_at = range(self.text_start, self.text_start + len(self.packing.texts))
        form = 1 if as_text else 0
        query = self.packing.query(self.activity, ids[0], ids[-1])
        count, position = len(ids), 0
        texts = withheld = 0
        try:
            with self.session.connection().execute(
                query.execution_options(yield_per=YIELD_PER)
            ) as found:
                for records in found.partitions():
                    made: list[Any] = []
                    for record in records:
                        # Both passes walk submissions by id; skip any sent or withdrawn between.
                        submission_id = record[0]
                        while position < count and ids[position] < submission_id:
                            position += 1
                        if position == count or ids[position] != submission_id:
                            continue
                        number, combo = numbers[position], combo_of[position]
                        position += 1
                        pieces = [str(number) if as_text else number, *quasi[combo]]
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
                            row = self._one_by_one(submission_id, number, combo)
                            made.append(",".join(map(csv_field, row)) if as_text else row)
                            continue
                        for at in text_at:
                            value = record[at]
                            if value is None:
                                pieces.append(_PASSED_CELL[form])
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


_PASSED_CELL = (PASSED, csv_field(PASSED))


def _second_pass(
    session: Session,
    activity: Activity,
    columns: Sequence[Column],
    prepared: PreparedRows,
    stats: RowStats | None,
) -> tuple[_PackedRows | None, _RowBuilder]:
    builder = _RowBuilder(columns, prepared.quasi_names, stats or RowStats())
    try:
        return _PackedRows(session, activity, columns, prepared, builder), builder
    except _CannotPack:  # read answer by answer instead
        return None, builder


def iter_rows(
    session: Session,
    activity: Activity,
    columns: Sequence[Column],
    prepared: PreparedRows,
    stats: RowStats | None = None,
) -> Iterator[list[object]]:
    """Second pass: yield one row per prepared submission, streaming from the database."""
    if not prepared.rows:
        return iter(())
    packed, builder = _second_pass(session, activity, columns, prepared, stats)
    if packed is None:
        return _row_by_row(session, activity, builder, prepared)
    return packed.rows()


def iter_csv_line_batches(
    session: Session,
    activity: Activity,
    columns: Sequence[Column],
    prepared: PreparedRows,
    stats: RowStats | None = None,
) -> Iterator[list[str]]:
    """The rows of `iter_rows` as CSV lines without line endings, a batch at a time."""
    if not prepared.rows:
        return iter(())
    packed, builder = _second_pass(session, activity, columns, prepared, stats)
    if packed is None:
        rows = _row_by_row(session, activity, builder, prepared)
        return ([",".join(map(csv_field, row))] for row in rows)
    return packed.line_batches()


def csv_chunks(header: Sequence[str], rows: Iterator[Sequence[object]]) -> Iterator[bytes]:
    """Encode a header and rows as UTF-8 CSV, every cell neutralised, in chunks of ~64 KB."""
    buffer = io.StringIO()
    writer = safe_csv_writer(buffer)
    writer.writerow(header)
    yield _drain(buffer)
    try:
        for row in rows:
            writer.writerow(row)
            if buffer.tell() >= CSV_FLUSH_BYTES:
                yield _drain(buffer)
    finally:
        # Stopped early (the client went away): let the rows' database cursor close now.
        close = getattr(rows, "close", None)
        if close is not None:
            close()
    if buffer.tell():
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8", "replace")
    buffer.seek(0)
    buffer.truncate()
    return data


def csv_line_chunks(header: Sequence[str], batches: Iterator[list[str]]) -> Iterator[bytes]:
    """Encode a header and batches of ready-made CSV lines as UTF-8 chunks of about 64 KB."""
    buffer = io.StringIO()
    safe_csv_writer(buffer).writerow(header)
    yield _drain(buffer)
    waiting: list[str] = []
    size = 0
    try:
        for batch in batches:
            for line in batch:
                waiting.append(line)
                size += len(line)
                if size >= CSV_FLUSH_BYTES:
                    yield _lines(waiting)
                    waiting, size = [], 0
    finally:
        # Stopped early (the client went away): let the rows' database cursor close now.
        close = getattr(batches, "close", None)
        if close is not None:
            close()
    if waiting:
        yield _lines(waiting)


def _lines(lines: list[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8", "replace")


class ResponseExport:
    """The anonymised responses of one activity: columns, prepared rows and the CSV stream."""

    def __init__(self, session: Session, activity: Activity) -> None:
        self.session = session
        self.activity = activity
        self.columns = response_columns(activity)
        self.prepared: PreparedRows | None = None
        self.stats = RowStats()

    def bind(self, session: Session) -> ResponseExport:
        """Continue in another session (a streamed response outlives the view's session)."""
        activity = session.get(Activity, self.activity.id)
        if activity is None:
            raise LookupError(f"activity {self.activity.id} no longer exists")
        self.session, self.activity = session, activity
        return self

    @property
    def header(self) -> list[str]:
        """The column names."""
        return [column.name for column in self.columns]

    def prepare(self) -> PreparedRows:
        """Run the first pass once and keep its result."""
        if self.prepared is None:
            self.prepared = prepare_rows(self.session, self.activity, self.columns)
        return self.prepared

    def rows(self) -> Iterator[list[object]]:
        """Yield the rows (running the first pass if needed)."""
        return iter_rows(self.session, self.activity, self.columns, self.prepare(), self.stats)

    def csv(self) -> Iterator[bytes]:
        """responses.csv as chunks; the header comes before any database work."""

        def lazy_batches() -> Iterator[list[str]]:
            yield from iter_csv_line_batches(
                self.session, self.activity, self.columns, self.prepare(), self.stats
            )

        return csv_line_chunks(self.header, lazy_batches())

    def csv_for(self, rows: Iterator[Sequence[object]]) -> Iterator[bytes]:
        """CSV chunks of this export's header followed by `rows`."""
        return csv_chunks(self.header, rows)
