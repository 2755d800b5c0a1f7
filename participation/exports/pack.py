"""The research pack: responses.csv with its codebook, README, SPSS file and summary, as a ZIP.

The ZIP is written to a write-only sink and drained after every chunk, so it streams to
the client as it is made and is never held in memory whole.
"""

from __future__ import annotations

import json
import logging
import tempfile
import textwrap
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from participation.clock import utcnow
from participation.exports.columns import (
    CODE,
    LINK,
    MISSING_LABELS,
    MISSING_VALUES,
    OPTION,
    PASSED,
    RANK,
    SUPPRESSED,
    Column,
    PreparedRows,
    RowStats,
)
from participation.exports.consent import research_shareable
from participation.exports.links import LINK_PATTERN
from participation.exports.responses import ResponseExport
from participation.models import Activity, ResearchRelease
from participation.privacy.csv_cells import neutralise_csv_cell
from participation.privacy.kanonymity import describe_links, describe_suppression
from participation.privacy.redaction import PLACEHOLDERS
from participation.privacy.suppression import suppress_value

# An SPSS file has to be built in memory; above this many rows the pack leaves it out.
SAV_MAX_ROWS = 5_000
FILE_CHUNK = 64 * 1024
logger = logging.getLogger(__name__)

Entry = tuple[str, Callable[[], Iterable[bytes]]]


# --- the ZIP stream ---------------------------------------------------------------------


class _Sink:
    """A write-only file object that keeps what is written until it is drained."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        """Keep `data` until the next drain."""
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: data leaves through drain()."""

    def close(self) -> None:
        """Nothing to close: the sink holds no resource (and ZipFile leaves it open)."""

    def drain(self) -> bytes:
        """Everything written since the last drain."""
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def zip_chunks(entries: Iterable[Entry], *, when: datetime | None = None) -> Iterator[bytes]:
    """Stream a ZIP of (name, chunk producer) entries; producers run only when reached."""
    stamp = (when or utcnow()).timetuple()[:6]
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, produce in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with archive.open(info, "w") as entry:
                yield sink.drain()
                for chunk in produce():
                    entry.write(chunk)
                    if data := sink.drain():
                        yield data
            yield sink.drain()
    yield sink.drain()


# --- datapackage.json -----------------------------------------------------------------


def field_descriptor(column: Column) -> dict[str, Any]:
    """A Table Schema field for `column`: type, title, description, codes and constraints."""
    descriptor: dict[str, Any] = {"name": column.name, "type": column.type, "title": column.title}
    if column.description:
        descriptor["description"] = column.description
    if column.labels:
        descriptor["categories"] = [
            {"value": code, "label": label} for code, label in column.labels.items()
        ]
        descriptor["valueLabels"] = {str(code): label for code, label in column.labels.items()}
    if column.role == OPTION:
        descriptor["constraints"] = {"enum": [0, 1]}
    elif column.role == RANK:
        descriptor["constraints"] = {"minimum": 1, "maximum": len(column.labels)}
    elif column.name == "row":
        descriptor["constraints"] = {"required": True, "unique": True, "minimum": 1}
    elif column.role == LINK:
        descriptor["constraints"] = {"pattern": LINK_PATTERN}
    if column.quasi:
        descriptor["quasiIdentifier"] = True
    return descriptor


def datapackage(
    activity: Activity, columns: Sequence[Column], exported_at: datetime
) -> dict[str, Any]:
    """The Frictionless Data Package descriptor: a Table Schema for responses.csv."""
    return {
        "profile": "tabular-data-package",
        "name": f"participation-activity-{exported_at:%Y%m%d}",
        "title": f"{activity.title}: anonymised responses",
        "description": (
            f"Anonymised answers to the activity {activity.title!r} run by "
            f"{activity.service.name}. See README.txt for what was removed or coarsened."
        ),
        "created": exported_at.replace(microsecond=0).isoformat() + "Z",
        "kAnonymity": activity.k_threshold,
        "resources": [csv_resource("responses", [field_descriptor(c) for c in columns])],
    }


def csv_resource(name: str, fields: list[dict[str, Any]]) -> dict[str, Any]:
    """A Tabular Data Resource for `name`.csv: its fields, missing codes, and "row" as key."""
    return {
        "profile": "tabular-data-resource",
        "name": name,
        "path": f"{name}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
        "schema": {
            "fields": fields,
            "missingValues": list(MISSING_VALUES),
            "missingValueLabels": dict(MISSING_LABELS),
            "primaryKey": ["row"],
        },
    }


def datapackage_json(activity: Activity, columns: Sequence[Column], exported_at: datetime) -> bytes:
    """datapackage.json as UTF-8 bytes."""
    return descriptor_json(datapackage(activity, columns, exported_at))


def descriptor_json(descriptor: dict[str, Any]) -> bytes:
    """A Data Package descriptor as indented UTF-8 JSON."""
    return json.dumps(descriptor, indent=2, ensure_ascii=False).encode("utf-8")


# --- responses.sav --------------------------------------------------------------------


def sav_cell(column: Column, value: object) -> object:
    """A cell as SPSS stores it: numbers for coded columns, text (as in the CSV) otherwise."""
    if column.type == "integer":
        # An integer column's cells are numbers: rows are typed as any value, so say so here.
        return float(value)  # type: ignore[arg-type]
    return str(neutralise_csv_cell(value))


def write_sav(path: Path, columns: Sequence[Column], rows: Sequence[Sequence[object]]) -> None:
    """Write the .sav file in a short-lived child process (errors are raised here as there).

    pandas and pyreadstat take about 50 MB once imported, and a web worker would keep them
    for the rest of its life after one research pack; the child takes them away with it.
    """
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("forkserver")) as child:
        child.submit(write_sav_here, path, list(columns), [list(row) for row in rows]).result()


def write_sav_here(path: Path, columns: Sequence[Column], rows: Sequence[Sequence[object]]) -> None:
    """Write rows to an SPSS .sav file with variable labels, value labels and missing codes."""
    import pandas as pd
    import pyreadstat

    data = {
        column.name: [sav_cell(column, row[i]) for row in rows] for i, column in enumerate(columns)
    }
    frame = pd.DataFrame(data, columns=[column.name for column in columns])
    for column in columns:
        frame[column.name] = frame[column.name].astype(
            "float64" if column.type == "integer" else "object"
        )
    missing_labels = {PASSED: "Passed", SUPPRESSED: "Suppressed"}
    value_labels: dict[str, dict[float, str]] = {}
    missing: dict[str, list[Any]] = {}
    measure: dict[str, str] = {}
    for column in columns:
        if column.type == "integer" and column.name != "row":
            labels = {float(code): label for code, label in column.labels.items()}
            labels.update({float(code): label for code, label in missing_labels.items()})
            value_labels[column.name] = labels
            missing[column.name] = [float(PASSED), float(SUPPRESSED)]
            measure[column.name] = "ordinal" if column.role == RANK else "nominal"
        elif column.type != "integer":
            missing[column.name] = [str(PASSED), str(SUPPRESSED)]
            measure[column.name] = "nominal"
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels={column.name: column.title[:255] for column in columns},
        variable_value_labels=value_labels,
        missing_ranges=missing,
        variable_measure=measure,
    )


# --- README.txt -----------------------------------------------------------------------


def wrap(text: str) -> str:
    """Fill each paragraph of `text` to 78 columns, for README.txt."""
    return "\n".join(
        textwrap.fill(paragraph, 78, break_long_words=False, break_on_hyphens=False)
        for paragraph in text.split("\n")
    )


def codebook(columns: Sequence[Column]) -> list[str]:
    """README.txt lines naming each column with its codes or description."""
    lines = []
    for column in columns:
        lines.append(f"  {column.name}: {column.title}")
        if column.role == CODE and column.labels:
            codes = "; ".join(f"{code} = {label}" for code, label in column.labels.items())
            lines.append(_indent(f"codes: {codes}"))
        elif column.description:
            lines.append(_indent(column.description))
    return lines


def _indent(text: str) -> str:
    return textwrap.fill(text, 78, initial_indent="      ", subsequent_indent="      ")


def _people(prepared: PreparedRows) -> str:
    count = suppress_value(prepared.included, prepared.k)
    return f"{count.display} young {'person' if count.count == 1 else 'people'}"


def _consent_basis(activity: Activity, prepared: PreparedRows) -> str:
    consent = activity.current_consent
    statement = consent.statement.strip() if consent else "(no statement recorded)"
    sharing = research_shareable(activity)
    basis = sharing.reason
    if sharing.shared:
        basis += f" This release holds the answers of {_people(prepared)} who said yes."
    return f"{basis}\nConsent statement shown to young people (newest version):\n  {statement}"


def _releases(releases: Sequence[ResearchRelease], current: ResearchRelease | None) -> list[str]:
    if not releases:
        return ["  None yet: the lead has not released any answers for research."]
    lines = []
    for release in releases:
        this = " (this file)" if current is not None and release.id == current.id else ""
        lines.append(
            f"  Release {release.number}: {release.created_at:%-d %B %Y, %H:00} UTC, "
            f"{release.submissions} young people ({release.added} new){this}"
        )
    return lines


def _linking(prepared: PreparedRows) -> str:
    if prepared.links is None:
        return ""
    return (
        "- The link column joins the rows of one young person within this release only, "
        "where they chose to give a linking code. Its values are random, made afresh for "
        "each release and never the code or anything stored: they cannot be matched with "
        "another release's or another export's.\n"
    )


def _empty_explanation(
    activity: Activity, prepared: PreparedRows, release: ResearchRelease | None
) -> str:
    if prepared.rows:
        return ""
    sharing = research_shareable(activity)
    if not sharing.shared:
        return f"responses.csv has no rows. {sharing.reason}"
    if release is None:
        return (
            "responses.csv has no rows: nothing has been released for research yet. The "
            "columns and codebook are still included."
        )
    if prepared.included == 0:
        who = "nobody in this release said yes to sharing for research"
        return f"responses.csv has no rows: {who}. The columns and codebook are still included."
    return (
        f"responses.csv has no rows: the answers of fewer than {prepared.k} young people "
        f"(k = {prepared.k}) could be shared. With so few people, even coarsened answers could "
        "identify someone, so no rows are shared. The columns and codebook are still included."
    )


def readme_text(
    activity: Activity,
    columns: Sequence[Column],
    prepared: PreparedRows,
    stats: RowStats,
    *,
    exported_at: datetime,
    files: Sequence[tuple[str, str]],
    releases: Sequence[ResearchRelease] = (),
    release: ResearchRelease | None = None,
) -> str:
    """README.txt: scope, consent basis, what was removed or coarsened, k, and how to cite."""
    when = f"{exported_at:%-d %B %Y}"
    opened = f"{activity.opened_at:%B %Y}" if activity.opened_at else "not recorded"
    closed = f"{activity.closed_at:%B %Y}" if activity.closed_at else "still open when exported"
    placeholders = ", ".join(f"[{name}]" for name in PLACEHOLDERS)
    suppression = describe_suppression(
        prepared.suppression,
        prepared.k,
        {"month": "date and time to the month", "reach answers": "asked in bands or groups"},
    )
    if prepared.linking is not None:
        suppression += " " + describe_links(prepared.linking, prepared.k)
    sections = [
        f"RESEARCH PACK: {activity.title}",
        "",
        "SCOPE",
        wrap(
            f"Anonymised answers to the activity {activity.title!r}, run by "
            f"{activity.service.name} ({activity.participation_type.name}). "
            f"Opened: {opened}. Closed: {closed}. Exported on {when} (UTC). "
            f"Rows: {prepared.rows}. Columns: {len(columns)}."
        ),
    ]
    if explanation := _empty_explanation(activity, prepared, release):
        sections += ["", wrap(explanation)]
    sections += ["", "RELEASES", *_releases(releases, release)]
    sections += [
        wrap(
            "Researchers get releases, not live data: each release is fixed when the lead "
            "makes it or the activity closes, and adds the answers of at least "
            f"{prepared.k} young people, so no single person's answers can be spotted "
            "between two releases. Rows are in a random order made for each release."
        )
    ]
    sections += ["", "FILES"]
    sections += [f"  {name:<17} {what}" for name, what in files]
    sections += ["", "CONSENT BASIS", wrap(_consent_basis(activity, prepared))]
    sections += [
        "",
        "WHAT WAS REMOVED OR MADE LESS PRECISE",
        wrap(
            "- Young people never give names or contact details, and no internet addresses or "
            "device details are stored.\n"
            "- No internal ids: rows are shuffled for each release and the row column numbers "
            "them in that order. Nothing links rows across releases or across activities.\n"
            f"{_linking(prepared)}"
            "- Time is given to the month only (column month).\n"
            f"- Free text has personal details replaced by placeholders: {placeholders}. "
            "Automatic redaction can miss things: read text before quoting it.\n"
            f"- Free text that staff hid, or that was marked as a possible safeguarding concern, "
            f"is withheld and shown as -2 ({stats.withheld} of {stats.texts} text answers).\n"
            f"- k-anonymity with k = {prepared.k}: {suppression}"
        ),
        "",
        "CODES",
        wrap(
            "-1 = passed (the young person chose not to answer; every question can be "
            "skipped). -2 = suppressed to keep everyone anonymous, or text withheld. "
            "An empty cell = not applicable. Choices are option codes (see below and "
            "datapackage.json). Pick-any questions have one column per option: 1 = picked, "
            "0 = not picked. Put-in-order questions have one column per item holding its "
            "place, 1 = first. Three-box questions have three text columns."
        ),
        "",
        "COLUMNS",
        *codebook(columns),
        "",
        "OPENING THE DATA",
        wrap(
            "responses.csv is UTF-8, comma separated, with a header row. Text cells that "
            "began with = + - @ or a tab have an apostrophe added so that spreadsheets do not "
            "run them as formulas. Python: pandas.read_csv('responses.csv', "
            "na_values=['-1', '-2']). R: read.csv('responses.csv', na.strings = c('-1', "
            "'-2', '')). Validate with: frictionless validate datapackage.json."
        ),
        "",
        "HOW TO CITE",
        wrap(
            f"{activity.service.name} ({exported_at:%Y}). {activity.title}: anonymised "
            f"responses, k = {prepared.k} [data set]. Research pack exported from "
            f"Participation on {when}."
        ),
        "",
    ]
    return "\n".join(sections)


# --- the pack -------------------------------------------------------------------------


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(FILE_CHUNK):
            yield chunk


def research_pack_chunks(
    export: ResponseExport,
    *,
    summary_pdf: Callable[[], bytes] | None = None,
    exported_at: datetime | None = None,
    releases: Sequence[ResearchRelease] = (),
    release: ResearchRelease | None = None,
) -> Iterator[bytes]:
    """Stream the research pack ZIP for one activity (a release of it, listed in the README)."""
    exported_at = exported_at or utcnow()
    activity, columns = export.activity, export.columns
    kept: list[list[object]] = []
    files: list[tuple[str, str]] = [
        ("responses.csv", "one row per set of answers a young person sent"),
        ("datapackage.json", "the codebook: types, wording, value labels, missing codes"),
    ]

    def responses() -> Iterator[bytes]:
        keep = export.prepare().rows <= SAV_MAX_ROWS

        def rows() -> Iterator[list[object]]:
            for row in export.rows():
                if keep:
                    kept.append(row)
                yield row

        return export.csv_for(rows())

    def entries() -> Iterator[Entry]:
        yield "datapackage.json", lambda: [datapackage_json(activity, columns, exported_at)]
        yield "responses.csv", responses
        prepared = export.prepare()
        with tempfile.TemporaryDirectory(prefix="participation-pack-") as tmp:
            if prepared.rows <= SAV_MAX_ROWS:
                sav = Path(tmp) / "responses.sav"
                write_sav(sav, columns, kept)
                kept.clear()
                files.append(("responses.sav", "the same data for SPSS, with labels"))
                yield "responses.sav", lambda: _file_chunks(sav)
            else:
                files.append(
                    (
                        "(no .sav)",
                        f"over {SAV_MAX_ROWS} rows: open responses.csv in SPSS instead",
                    )
                )
        pdf = _render_summary(summary_pdf)
        if pdf is not None:
            files.append(
                (
                    "summary.pdf",
                    "summary report: the results pages' figures, counting everyone who took part",
                )
            )
        files.append(("README.txt", "this file"))
        readme = readme_text(
            activity,
            columns,
            prepared,
            export.stats,
            exported_at=exported_at,
            files=files,
            releases=releases,
            release=release,
        )
        yield "README.txt", lambda: [readme.encode("utf-8")]
        if pdf is not None:
            yield "summary.pdf", lambda: [pdf]

    return zip_chunks(entries(), when=exported_at)


def _render_summary(summary_pdf: Callable[[], bytes] | None) -> bytes | None:
    if summary_pdf is None:
        return None
    try:
        return summary_pdf()
    except Exception:  # the pack is still useful without its summary
        logger.exception("Summary PDF for a research pack failed")
        return None
