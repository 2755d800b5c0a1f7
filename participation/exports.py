"""Anonymised row-level responses: one row per submission, streamed as CSV.

An export reads the database twice, both times as a stream. The first pass reads only the
quasi-identifiers (service, submission month, reach answers) and k-anonymises them; the
second pass reads every answer in submission order and writes one row at a time. Memory
therefore grows with the number of submissions (a few small numbers each), never with the
number of answers or the length of what young people wrote.

Codes: choices are option codes; a multiple choice has one 0/1 column per option; a ranking
has one column per item holding its place (1 = first); three boxes are three text columns.
Missing values: -1 means the young person passed, -2 means the value was suppressed to keep
everyone anonymous (or the text was withheld), and an empty cell means "not applicable".
"""

from __future__ import annotations

import functools
import io
import secrets
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from participation.anonymise import (
    KAnonResult,
    generalise_month,
    k_anonymise,
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

YIELD_PER = 2000
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


def prepare_rows(session: Session, activity: Activity, columns: Sequence[Column]) -> PreparedRows:
    """First pass: choose the rows and k-anonymise their quasi-identifiers."""
    k = activity.k_threshold
    reach = {c.question_id: c.name for c in columns if c.role == CODE and c.quasi}
    names = ("service", "month", *reach.values())
    query = select(Submission.id, Submission.submitted_hour).where(*included_clauses(activity))
    if reach:
        query = query.add_columns(Answer.question_id, Answer.choice).outerjoin(
            Answer,
            and_(Answer.submission_id == Submission.id, Answer.question_id.in_(list(reach))),
        )
    query = query.order_by(Submission.id).execution_options(yield_per=YIELD_PER)

    service = activity.service.name
    ids = array("q")
    # Rows share one dict per distinct combination, so this list costs a pointer a row.
    shared: dict[tuple[object, ...], dict[str, object]] = {}
    rows: list[dict[str, object]] = []
    current: int | None = None
    values: dict[str, object] = {}

    def finish() -> None:
        combo = tuple(values[name] for name in names)
        rows.append(shared.setdefault(combo, dict(zip(names, combo, strict=True))))

    # Core rows through the session's connection: the ORM adds nothing to plain columns.
    with session.connection().execute(query) as records:
        for record in records:
            if record[0] != current:
                if current is not None:
                    finish()
                current = record[0]
                ids.append(current)
                values = dict.fromkeys(reach.values(), PASSED)
                values["service"] = service
                values["month"] = generalise_month(record[1])
            if reach and record[2] is not None and record[3] is not None:
                values[reach[record[2]]] = record[3]
    if current is not None:
        finish()

    included = len(ids)
    if included < k:
        # Fewer than k people can never be k-anonymous: share no rows at all.
        rows.clear()
        ids = array("q")
    result = k_anonymise(rows, names, k, suppressed_marker=SUPPRESSED)
    rows.clear()
    shared.clear()
    if len(result.rows) != len(ids):  # k_anonymise dropped every row
        ids = array("q")
    distinct: dict[tuple[object, ...], int] = {}
    index = array("l")
    for row in result.rows:
        combo = tuple(row[name] for name in names)
        index.append(distinct.setdefault(combo, len(distinct)))
    numbers = list(range(1, len(ids) + 1))
    secrets.SystemRandom().shuffle(numbers)
    return PreparedRows(
        included=included,
        submission_ids=ids,
        row_numbers=array("l", numbers),
        quasi_names=names,
        quasi_values=list(distinct),
        quasi_index=index,
        suppression=replace(result, rows=[], dropped_rows=included - len(ids)),
        k=k,
    )


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


def iter_rows(
    session: Session,
    activity: Activity,
    columns: Sequence[Column],
    prepared: PreparedRows,
    stats: RowStats | None = None,
) -> Iterator[list[object]]:
    """Second pass: yield one row per prepared submission, streaming answers from the database."""
    if not prepared.rows:
        return
    builder = _RowBuilder(columns, prepared.quasi_names, stats or RowStats())
    query = (
        select(
            Submission.id,
            Answer.question_id,
            Answer.part,
            Answer.choice,
            Answer.text,
            Answer.moderation,
            Flag.id.is_not(None),
        )
        .outerjoin(Answer, Answer.submission_id == Submission.id)
        .outerjoin(Flag, Flag.answer_id == Answer.id)
        .where(*included_clauses(activity), Submission.id <= prepared.submission_ids[-1])
        .order_by(Submission.id)
        .execution_options(yield_per=YIELD_PER)
    )
    ids, numbers = prepared.submission_ids, prepared.row_numbers
    combos, combo_of = prepared.quasi_values, prepared.quasi_index
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

        def lazy_rows() -> Iterator[list[object]]:
            yield from self.rows()

        return self.csv_for(lazy_rows())

    def csv_for(self, rows: Iterator[Sequence[object]]) -> Iterator[bytes]:
        """CSV chunks of this export's header followed by `rows`."""
        return csv_chunks(self.header, rows)
