"""Generalisation and k-anonymity of quasi-identifying columns in exports.

`k_anonymise` makes every combination of quasi-identifying columns occur at least k times
(DESIGN.md, principle 5); `generalise_month` and `age_band` coarsen values beforehand;
`k_anonymise_links` keeps a link between rows only where the linked person's rows together
are shared by at least k linked people.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

# One row's quasi-identifier values, in the order of the columns.
Combo = tuple[object, ...]

AGE_BANDS = ((12, 13), (14, 15), (16, 17), (18, 25))
PREFER_NOT_TO_SAY = "Prefer not to say"
_BAND_TEXT = re.compile(r"(\d{1,3})\s*[-–—]\s*(\d{1,3})|(?i:under|over)\s*\d{1,3}|\d{1,3}\s*\+")


def generalise_month(moment: datetime | date | None) -> str | None:
    """Coarsen a date or timestamp to its month, e.g. "2026-03"."""
    if moment is None:
        return None
    return f"{moment.year:04d}-{moment.month:02d}"


def age_band(age_or_band: str | int | None) -> str | None:
    """Turn an age into its band ("14-15"); band strings and "Prefer not to say" pass through."""
    if age_or_band is None:
        return None
    if isinstance(age_or_band, str):
        text = age_or_band.strip()
        if not text:
            return None
        if text.isdigit():
            return age_band(int(text))
        if text.casefold() == PREFER_NOT_TO_SAY.casefold():
            return PREFER_NOT_TO_SAY
        band = _BAND_TEXT.fullmatch(text)
        return f"{band.group(1)}-{band.group(2)}" if band and band.group(1) else text
    for low, high in AGE_BANDS:
        if low <= age_or_band <= high:
            return f"{low}-{high}"
    return "under 12" if age_or_band < AGE_BANDS[0][0] else "over 25"


@dataclass(frozen=True)
class KAnonResult:
    """Rows after local suppression, with how much was suppressed or dropped."""

    rows: list[dict[str, object]]
    suppressed_cells: dict[str, int]
    dropped_rows: int
    quasi_identifiers: tuple[str, ...] = ()
    suppressed_marker: object = "suppressed"
    padded_rows: int = 0


def k_anonymise(
    rows: list[dict[str, object]],
    quasi_identifiers: Sequence[str],
    k: int,
    suppressed_marker: object = "suppressed",
) -> KAnonResult:
    """Suppress quasi-identifier values until every combination occurs at least k times.

    Greedy local suppression: while some combination occurs fewer than k times, replace,
    in the rows with such combinations, the column with the most distinct values among
    them. Rows left with every quasi-identifier suppressed form one class; if it is still
    smaller than k it is filled up with rows taken from classes larger than k (or with
    the smallest whole class), and only if the table has fewer than k rows are they
    dropped. Values must be hashable; other columns are copied untouched.
    """
    qis = tuple(quasi_identifiers)
    keys = [tuple(row.get(column) for column in qis) for row in rows]
    after, result = k_anonymise_keys(keys, qis, k, suppressed_marker)
    out = []
    for row, old, new in zip(rows, keys, after, strict=False):  # none left when dropped
        row = dict(row)
        if new != old:
            changed = zip(qis, new, old, strict=True)
            row.update((column, value) for column, value, was in changed if value != was)
        out.append(row)
    return replace(result, rows=out)


def k_anonymise_keys(
    keys: list[tuple[object, ...]],
    quasi_identifiers: Sequence[str],
    k: int,
    suppressed_marker: object = "suppressed",
) -> tuple[list[tuple[object, ...]], KAnonResult]:
    """`k_anonymise` for rows given as tuples of their quasi-identifiers, in that order.

    Returns each row's tuple after suppression (an empty list when the rows are dropped)
    and the result without rows. The greedy steps treat all rows of one combination alike,
    so they run on the distinct combinations: a large export costs a lookup per row.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be an integer of at least 1, not {k!r}")
    qis, marker = tuple(quasi_identifiers), suppressed_marker
    width = len(qis)
    suppressed = [0] * width
    counts, now = _suppress_greedily(Counter(keys), width, k, marker, suppressed)
    out = [now[key] for key in keys]

    dropped = padded = 0
    everything = (marker,) * width
    if width and 0 < counts.get(everything, 0) < k:
        padded = _fill_suppressed_class(out, k, marker, suppressed)
        if not padded:
            # Fewer than k rows in the whole table: nothing can hide them, so none are shared.
            dropped, out = len(out), []
            suppressed = [0] * width
    result = KAnonResult([], dict(zip(qis, suppressed, strict=True)), dropped, qis, marker, padded)
    return out, result


def _suppress_greedily(
    counts: Counter[Combo], width: int, k: int, marker: object, suppressed: list[int]
) -> tuple[Counter[Combo], dict[Combo, Combo]]:
    """The greedy steps of `k_anonymise_keys` on distinct combinations and their counts.

    Returns the counts after suppression and each first combination's final one; adds the
    cells suppressed in each column to `suppressed`.
    """
    now = {key: key for key in counts}  # each row's first combination -> its current one
    while width:
        offending = {combo for combo, n in counts.items() if n < k}
        distinct = [len({combo[i] for combo in offending} - {marker}) for i in range(width)]
        column = max(range(width), key=distinct.__getitem__)  # the first of equals wins
        if not distinct[column]:
            break
        step: dict[Combo, Combo] = {}
        merged: Counter[Combo] = Counter()
        for combo, n in counts.items():
            if combo in offending:
                if combo[column] != marker:
                    suppressed[column] += n
                step[combo] = (*combo[:column], marker, *combo[column + 1 :])
            merged[step.get(combo, combo)] += n
        counts = merged
        now = {first: step.get(current, current) for first, current in now.items()}
    return counts, now


def _fill_suppressed_class(out: list[Combo], k: int, marker: object, suppressed: list[int]) -> int:
    """Fill the fully suppressed class (smaller than k) up to k with rows from other classes.

    Takes rows beyond the first k of larger classes, else the smallest whole class; changes
    `out` and `suppressed` in place and returns how many rows it moved (0: none could be).
    """
    everything = (marker,) * len(suppressed)
    classes: dict[Combo, list[int]] = defaultdict(list)
    for index, key in enumerate(out):
        classes[key].append(index)
    needed = k - len(classes.pop(everything))
    spare = [i for members in classes.values() for i in members[k:]]
    if len(spare) >= needed:
        donors = spare[-needed:]
    elif classes:
        donors = min(classes.values(), key=len)
    else:
        donors = []
    for index in donors:
        for column, value in enumerate(out[index]):
            if value != marker:
                suppressed[column] += 1
        out[index] = everything
    return len(donors)


@dataclass(frozen=True)
class LinkResult:
    """Each row's link after the linked-rows check, and how many people lost theirs."""

    links: list[str | None]
    linked_people: int  # distinct links before the check
    unlinked_people: int  # of them, those whose link was blanked
    unlinked_rows: int


def k_anonymise_links(links: Sequence[str | None], keys: Sequence[Combo], k: int) -> LinkResult:
    """Blank the link of every person whose rows together are shared by fewer than k people.

    Rows with the same link are one person. A person's profile is the collection of their
    rows' quasi-identifier combinations (how many rows of each, order aside), since seeing
    the rows together narrows them down more than any one row does. A link is kept only if
    at least k linked people have exactly that profile; otherwise it is blanked on all of
    that person's rows, which then stand alone and are covered by the rows' own
    k-anonymity. `keys` are the rows' combinations after `k_anonymise_keys`.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be an integer of at least 1, not {k!r}")
    if len(links) != len(keys):
        raise ValueError(f"{len(links)} links for {len(keys)} rows")
    # Counted in C first: a large export has far fewer (link, combination) pairs than rows.
    rows_of: dict[str, list[tuple[Combo, int]]] = defaultdict(list)
    for (link, key), count in Counter(zip(links, keys, strict=True)).items():
        if link is not None:
            rows_of[link].append((key, count))
    profile = {link: frozenset(combos) for link, combos in rows_of.items()}
    sharing = Counter(profile.values())
    rare = {link for link, seen in profile.items() if sharing[seen] < k}
    kept = [None if link in rare else link for link in links] if rare else list(links)
    unlinked_rows = sum(count for link in rare for _, count in rows_of[link])
    return LinkResult(kept, len(rows_of), len(rare), unlinked_rows)


def _were(count: int, noun: str) -> str:
    return f"{count} {noun} was" if count == 1 else f"{count} {noun}s were"


def describe_links(result: LinkResult, k: int) -> str:
    """Explain in plain English, for README.txt, which links were blanked and why."""
    if not result.linked_people:
        return "No rows are linked: nobody in these rows chose to give a linking code."
    check = (
        "Links were checked across each young person's rows together: a link is kept only "
        f"where at least {k} linked young people have the same combination of values, over "
        "all their rows, in the columns that could help identify someone."
    )
    if not result.unlinked_rows:
        return f"{check} No links needed to be blanked."
    rows = result.unlinked_rows
    return f"{check} The link was blanked on {rows} row{'' if rows == 1 else 's'}."


def describe_suppression(
    result: KAnonResult, k: int, generalised: Mapping[str, str] | None = None
) -> str:
    """Explain in plain English, for README.txt, what was generalised and suppressed."""
    sentences = []
    if generalised:
        listed = "; ".join(f"{column}: {how}" for column, how in generalised.items())
        sentences.append(f"Some columns were made less precise before sharing ({listed}).")
    sentences.append(
        "The columns that could help identify someone together "
        f"({', '.join(result.quasi_identifiers) or 'none'}) were checked so that every "
        f"combination of their values is shared by at least {k} rows."
    )
    total = sum(result.suppressed_cells.values())
    detail = ", ".join(f"{n} in {column}" for column, n in result.suppressed_cells.items() if n)
    sentences.append(
        f'To do this, {_were(total, "value")} replaced with "{result.suppressed_marker}" '
        f"({detail})."
        if total
        else "No values needed to be replaced."
    )
    if result.dropped_rows:
        sentences.append(
            f"{_were(result.dropped_rows, 'row')} left out because there were fewer than "
            f"{k} rows in total."
        )
    return " ".join(sentences)
