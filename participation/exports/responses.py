"""Anonymised row-level responses: one row per submission, streamed as CSV.

An export reads the database in two passes, both streamed. The first pass reads only the
quasi-identifiers (service, submission month, reach answers) and k-anonymises them; a
research export then reads the link hashes and keeps a link only where it is safe across
each young person's rows (see links.py). The second pass reads one row per submission, in
the export's keyed shuffle (see shuffle.py), its answers grouped by the database (see
packed.py), and writes one row at a time; row numbers count the rows as they leave, so
they mean nothing outside the export. Memory therefore grows with the number of
submissions (a few small numbers each), never with the number of answers or the length of
what young people wrote. What the columns hold: export_columns.
"""

from __future__ import annotations

import io
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import String, and_, select, type_coerce
from sqlalchemy.orm import Session

from participation.exports.columns import (
    CODE,
    PASSED,
    SUPPRESSED,
    YIELD_PER,
    Column,
    PreparedRows,
    RowStats,
    Selection,
    response_columns,
)
from participation.exports.consent import shareable_clauses
from participation.exports.links import export_links, link_hashes_of
from participation.exports.packed import CannotPack, PackedRows
from participation.exports.rows import RowBuilder, row_by_row
from participation.exports.shuffle import new_seed, shuffle_key
from participation.models import Activity, Answer, Submission
from participation.privacy.csv_cells import csv_field, safe_csv_writer
from participation.privacy.kanonymity import generalise_month, k_anonymise_keys

CSV_FLUSH_BYTES = 64 * 1024


def research_selection(activity: Activity, seed: int | None = None) -> Selection:
    """Every submission of `activity` researchers may receive now, in a fresh shuffle."""
    chosen = new_seed() if seed is None else seed
    return Selection(tuple(shareable_clauses(activity)), chosen, linked=True)


def service_selection(activity: Activity) -> Selection:
    """Every submission of `activity`: the service's own live extract, not research sharing."""
    return Selection((Submission.activity_id == activity.id,), new_seed())


def prepare_rows(
    session: Session, activity: Activity, columns: Sequence[Column], selection: Selection
) -> PreparedRows:
    """First pass: choose the rows, k-anonymise their quasi-identifiers, then their links."""
    k = activity.k_threshold
    reach = [c for c in columns if c.role == CODE and c.quasi]
    names = ("service", "month", "language", *(c.name for c in reach))
    # The hour as the driver gives it (SQLite: text), made a month once per distinct hour.
    hour = type_coerce(Submission.submitted_hour, String)
    query = select(Submission.id, hour, Submission.language).where(*selection.clauses)
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
    links, linking = None, None
    if selection.linked:
        hashes = link_hashes_of(session, selection.clauses, ids)
        links, linking = export_links(hashes, kept, k, selection.seed)
    distinct = {key: i for i, key in enumerate(dict.fromkeys(kept))}
    return PreparedRows(
        included=included,
        submission_ids=ids,
        where=selection.clauses,
        order=shuffle_key(selection.seed),
        quasi_names=names,
        quasi_values=list(distinct),
        quasi_index=array("l", map(distinct.__getitem__, kept)),
        suppression=replace(result, dropped_rows=included - len(ids)),
        k=k,
        links=links,
        linking=replace(linking, links=[]) if linking else None,
    )


class _Months(dict[datetime | str, str]):
    """Submission hours (datetimes, or SQLite's text for them) as months, "2026-03"."""

    def __missing__(self, hour: datetime | str) -> str:
        moment = datetime.fromisoformat(hour) if isinstance(hour, str) else hour
        month = self[hour] = generalise_month(moment) or ""
        return month


def _keys_without_reach(records: Any, ids: array[int], service: str) -> list[tuple[object, ...]]:
    """Each row's (service, month, language), one row per submission; ids collected in `ids`."""
    keys: list[tuple[object, ...]] = []
    key_of = _ServiceMonths(service)
    for batch in records.partitions():
        ids.extend(map(itemgetter(0), batch))
        keys.extend(map(key_of.__getitem__, map(itemgetter(1, 2), batch)))
    return keys


class _ServiceMonths(dict[tuple[datetime | str, str], tuple[object, ...]]):
    """(service, month, language) for each (hour, language), one shared tuple per combination."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service, self.months = service, _Months()
        self.shared: dict[tuple[object, ...], tuple[object, ...]] = {}

    def __missing__(self, hour_language: tuple[datetime | str, str]) -> tuple[object, ...]:
        hour, language = hour_language
        key: tuple[object, ...] = (self.service, self.months[hour], language)
        key = self[hour_language] = self.shared.setdefault(key, key)
        return key


def _keys_with_reach(
    records: Any, ids: array[int], service: str, reach: Sequence[Column]
) -> list[tuple[object, ...]]:
    """Each row's (service, month, language, reach answers...), from a row per reach answer."""
    months = _Months()
    place = {c.question_id: 3 + i for i, c in enumerate(reach)}
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
            values = [service, months[record[1]], record[2], *[PASSED] * len(reach)]
        if record[3] is not None and record[4] is not None:
            values[place[record[3]]] = record[4]
    if current is not None:
        key = tuple(values)
        keys.append(shared.setdefault(key, key))
    return keys


def _second_pass(
    session: Session,
    activity: Activity,
    columns: Sequence[Column],
    prepared: PreparedRows,
    stats: RowStats | None,
) -> tuple[PackedRows | None, RowBuilder]:
    builder = RowBuilder(columns, prepared.quasi_names, stats or RowStats())
    try:
        return PackedRows(session, activity, columns, prepared, builder), builder
    except CannotPack:  # read answer by answer instead
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
        return row_by_row(session, activity, builder, prepared)
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
        rows = row_by_row(session, activity, builder, prepared)
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

    def __init__(
        self, session: Session, activity: Activity, selection: Selection | None = None
    ) -> None:
        self.session = session
        self.activity = activity
        self.selection = selection or research_selection(activity)
        self.columns = response_columns(activity, linked=self.selection.linked)
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
            self.prepared = prepare_rows(self.session, self.activity, self.columns, self.selection)
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
