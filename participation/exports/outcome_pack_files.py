"""The files of the outcomes research pack: outcomes.csv, datapackage.json and README.txt, zipped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from participation.exports.columns import Column
from participation.exports.outcome_pack import ACTIVITY, OUTCOME, OutcomePack
from participation.exports.pack import (
    codebook,
    csv_resource,
    descriptor_json,
    field_descriptor,
    wrap,
    zip_chunks,
)
from participation.exports.responses import csv_chunks
from participation.outcomes.bank import SCALE_CODES
from participation.privacy.kanonymity import describe_links, describe_suppression
from participation.privacy.suppression import suppress_value

RESOURCE = "outcomes"
FILES = (
    ("outcomes.csv", "one row per set of answers a young person sent to an activity"),
    ("datapackage.json", "the codebook: types, wording, scale codes, missing codes"),
    ("README.txt", "this file"),
)


def _field(column: Column) -> dict[str, Any]:
    descriptor = field_descriptor(column)
    if column.role == OUTCOME:
        descriptor["constraints"] = {"enum": list(SCALE_CODES)}
    elif column.role == ACTIVITY:
        descriptor["constraints"] = {"minimum": 1}
    return descriptor


def outcome_datapackage(pack: OutcomePack) -> dict[str, Any]:
    """The Frictionless Data Package descriptor: a Table Schema for outcomes.csv."""
    created = pack.exported_at.replace(microsecond=0)
    return {
        "profile": "tabular-data-package",
        "name": f"participation-outcomes-{created:%Y%m%d}",
        "title": f"{pack.scope.name}: outcomes across activities, {pack.period.label}",
        "description": (
            f"Anonymised answers to the outcome questions asked in activities run by "
            f"{_services(pack)}, {pack.period.label}. Rows of one young person are linked "
            "within this pack only. See README.txt for what was removed or coarsened."
        ),
        "created": created.isoformat() + "Z",
        "kAnonymity": pack.k,
        "resources": [csv_resource(RESOURCE, [_field(column) for column in pack.columns])],
    }


def _services(pack: OutcomePack) -> str:
    if len(pack.services) == 1:
        return pack.scope.name
    return f"{pack.scope.name} and its Spokes ({', '.join(s.name for s in pack.services[1:])})"


def _activities(pack: OutcomePack) -> list[str]:
    if not pack.activities:
        return ["  None: no released answers to outcome questions in this period."]
    lines = []
    for item in sorted(pack.activities, key=lambda item: item.number):
        activity = item.activity
        lines.append(
            f"  {item.number}: {activity.title} ({activity.service.name}, "
            f"{activity.participation_type.name}; release {item.release_number})"
        )
    return lines


def _left_out(pack: OutcomePack) -> str:
    parts = []
    if pack.not_shared:
        parts.append(
            f"{pack.not_shared} activit{'y' if pack.not_shared == 1 else 'ies'} asking outcome "
            "questions did not ask young people to share their answers with researchers, so "
            "none of their answers are here."
        )
    if pack.unreleased:
        parts.append(
            f"{pack.unreleased} activit{'y' if pack.unreleased == 1 else 'ies'} asking outcome "
            "questions had nothing released for research yet."
        )
    return " ".join(parts)


def _empty(pack: OutcomePack) -> str:
    if pack.rows:
        return ""
    if not pack.included:
        return "outcomes.csv has no rows: no released answers can be shared for this period."
    return (
        f"outcomes.csv has no rows: the answers of fewer than {pack.k} young people (k = "
        f"{pack.k}) could be shared, and with so few even coarsened answers could identify "
        "someone. The columns and codebook are still included."
    )


def _linking(pack: OutcomePack) -> str:
    said = describe_links(pack.linking, pack.k)
    if not pack.linking.linked_people:
        return said
    people = suppress_value(pack.linking.unlinked_people, pack.k)
    linked = suppress_value(pack.linking.linked_people, pack.k)
    return (
        f"{said} Because a young person's rows in different activities are checked together, "
        f"a link never narrows anyone to fewer than {pack.k} young people. A row whose link "
        "was blanked stays in the data, unlinked. Linked young people in these rows: "
        f"{linked.display}. Young people whose link was blanked: {people.display}."
    )


def outcome_readme(pack: OutcomePack) -> str:
    """README.txt: what the rows are, how linking works, disclosure control, how to cite."""
    when = f"{pack.exported_at:%-d %B %Y}"
    suppression = describe_suppression(
        pack.suppression, pack.k, {"month": "date and time to the month"}
    )
    sections = [
        f"OUTCOMES RESEARCH PACK: {pack.scope.name}, {pack.period.label}",
        "",
        "WHAT THE ROWS ARE",
        wrap(
            f"Anonymised answers to the Hub's shared outcome questions, from every activity "
            f"run by {_services(pack)} that asked at least one of them, sent from "
            f"{pack.period.label} (UTC). One row per set of answers a young person sent to "
            "an activity; one column per outcome question. Only answers released for "
            "research are included (each activity's newest release), and only those of "
            "young people who said yes to sharing their answers with researchers. Free text "
            "and questions about the young person themselves (reach questions) are left out. "
            f"Exported on {when} (UTC). Rows: {len(pack.rows)}. Columns: {len(pack.columns)}."
        ),
    ]
    for extra in (_empty(pack), _left_out(pack)):
        if extra:
            sections += ["", wrap(extra)]
    sections += ["", "ACTIVITIES (numbered for this pack only, in a random order)"]
    sections += _activities(pack)
    sections += ["", "FILES", *(f"  {name:<17} {what}" for name, what in FILES)]
    sections += [
        "",
        "HOW LINKING WORKS",
        wrap(
            "A young person can choose to give a linking code when they answer (a few "
            "prompts only they know, or a code printed on a card). The service stores only a "
            "keyed hash of it, which never leaves the service. In this pack, the link column "
            "holds a value made from that hash with a random key drawn for this pack alone and "
            "then forgotten: rows with the same link were sent by the same young person, in "
            "this pack only. Another pack, even of the same answers, has different links, so "
            "two packs cannot be joined. Compare a young person's first and latest answers by "
            "their link and the month column."
        ),
        "",
        "DISCLOSURE CONTROL",
        wrap(
            f"- k-anonymity with k = {pack.k} (the largest k of the activities included): "
            f"{suppression}\n"
            f"- {_linking(pack)}\n"
            "- No internal ids: rows and activities are numbered in a random order made for "
            "this pack."
        ),
        "",
        "CODES",
        wrap(
            "Outcome columns: 1 = Not true at all, 2 = A little true, 3 = Partly true, "
            "4 = Mostly true, 5 = Completely true (higher is better). -1 = passed (the young "
            "person chose not to answer). -2 = suppressed to keep everyone anonymous. An "
            "empty cell = not applicable (the activity did not ask that question, or no link)."
        ),
        "",
        "COLUMNS",
        *codebook(pack.columns),
        "",
        "OPENING THE DATA",
        wrap(
            "outcomes.csv is UTF-8, comma separated, with a header row. Python: "
            "pandas.read_csv('outcomes.csv', na_values=['-1', '-2'], keep_default_na=False). "
            "R: read.csv('outcomes.csv', na.strings = c('-1', '-2', '')). Validate with: "
            "frictionless validate datapackage.json."
        ),
        "",
        "HOW TO CITE",
        wrap(
            f"{pack.scope.name} ({pack.exported_at:%Y}). Outcomes across activities, "
            f"{pack.period.label}: anonymised responses, k = {pack.k} [data set]. Research "
            f"pack exported from Participation on {when}."
        ),
        "",
    ]
    return "\n".join(sections)


def outcome_pack_chunks(pack: OutcomePack) -> Iterator[bytes]:
    """Stream the outcomes research pack as a ZIP."""
    header = [column.name for column in pack.columns]
    entries = [
        ("datapackage.json", lambda: [descriptor_json(outcome_datapackage(pack))]),
        ("outcomes.csv", lambda: csv_chunks(header, iter(pack.rows))),
        ("README.txt", lambda: [outcome_readme(pack).encode("utf-8")]),
    ]
    return zip_chunks(entries, when=pack.exported_at)
