"""Statistical disclosure control: the one place small numbers are hidden.

Every breakdown, live screen and export goes through `suppress`, `suppress_value` or
`mean_if_safe`, so the rules below hold everywhere (DESIGN.md, principle 5).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

SECONDARY_WORDING = "hidden"


@dataclass(frozen=True)
class Cell:
    """One count in a table, either shown or suppressed."""

    count: int | None
    suppressed: bool = False
    percent: float | None = None
    k: int = 5
    # Secondary cells are at least k, so calling them "fewer than k" would be untrue.
    secondary: bool = False

    @property
    def display(self) -> str:
        """Return the count as text, or the wording used in place of a suppressed count."""
        if not self.suppressed:
            return str(self.count)
        return SECONDARY_WORDING if self.secondary else f"fewer than {self.k}"


@dataclass(frozen=True)
class SuppressedTable(Generic[K]):
    """A table of counts after suppression.

    `primary` counts cells hidden because they are small (every cell, when the whole
    table is below k); `secondary` counts cells hidden only to protect another one.
    """

    cells: dict[K, Cell]
    total: Cell
    k: int
    primary: int
    secondary: int

    @property
    def any_suppressed(self) -> bool:
        """Return True when any cell or the total is hidden."""
        return self.total.suppressed or any(cell.suppressed for cell in self.cells.values())


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be an integer of at least 1, not {k!r}")


def _check_count(count: int, what: str) -> None:
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"{what} must be a non-negative integer, not {count!r}")


def suppress(counts: Mapping[K, int], k: int, total: int | None = None) -> SuppressedTable[K]:
    """Hide small counts in a table, and enough others that the total cannot reveal them.

    Rules, in order:

    1. Primary: every cell with 0 < count < k is hidden. Zero cells stay shown.
    2. Small table: if 0 < total < k, every cell (zeros too) and the total are hidden.
       Zeros are hidden here because with so few people a visible zero tells the room
       what everyone else chose.
    3. Secondary: when the total is shown and exactly one cell is hidden, the smallest
       shown non-zero cell is hidden too (ties: first in input order), so that
       total - shown cells gives only the sum of two hidden cells. If there is no such
       cell the total is hidden instead.

    Rule 3 applies whenever total >= sum(counts): the cells add up to the total (the
    usual case), or to less than it because some people skipped the question, and a
    skip count published elsewhere would make the subtraction exact again. When the given
    total is smaller than the sum (a multiple-choice question where people ticked several
    options) no subtraction isolates one cell, so rule 3 is not applied.

    As is standard, two or more hidden cells are taken as safe even when their combined
    count is below k: the reader learns a range, never a single cell.
    """
    _check_k(k)
    for key, count in counts.items():
        _check_count(count, f"count for {key!r}")
    cell_sum = sum(counts.values())
    table_total = cell_sum if total is None else total
    _check_count(table_total, "total")

    if 0 < table_total < k:
        hidden = Cell(None, suppressed=True, k=k)
        return SuppressedTable(
            cells={key: hidden for key in counts},
            total=hidden,
            k=k,
            primary=len(counts),
            secondary=0,
        )

    primary_keys = [key for key, count in counts.items() if 0 < count < k]
    secondary_keys: list[K] = []
    total_hidden = False
    if len(primary_keys) == 1 and table_total >= cell_sum:
        candidates = [(count, key) for key, count in counts.items() if count >= k]
        if candidates:
            # min() keeps the first of equal counts, so ties go to input order.
            secondary_keys.append(min(candidates, key=lambda pair: pair[0])[1])
        else:
            total_hidden = True

    hidden_keys = set(primary_keys) | set(secondary_keys)
    total_shown = not total_hidden and table_total > 0
    cells: dict[K, Cell] = {}
    for key, count in counts.items():
        if key in hidden_keys:
            cells[key] = Cell(None, suppressed=True, k=k, secondary=key in secondary_keys)
        else:
            percent = 100.0 * count / table_total if total_shown else None
            cells[key] = Cell(count, percent=percent, k=k)
    if total_hidden:
        total_cell = Cell(None, suppressed=True, k=k, secondary=True)
    else:
        total_cell = Cell(table_total, percent=100.0 if total_shown else None, k=k)
    return SuppressedTable(
        cells=cells,
        total=total_cell,
        k=k,
        primary=len(primary_keys),
        secondary=len(secondary_keys),
    )


def suppress_value(count: int, k: int) -> Cell:
    """Show a single headline count only when it is zero or at least k."""
    _check_k(k)
    _check_count(count, "count")
    if 0 < count < k:
        return Cell(None, suppressed=True, k=k)
    return Cell(count, k=k)


def mean_if_safe(total: float, n: int, k: int) -> float | None:
    """Return the average of n people's values, or None when fewer than k took part."""
    _check_k(k)
    _check_count(n, "n")
    if n < k:
        return None
    return total / n


def screen_shares(counts: Mapping[K, int], answered: int, k: int) -> dict[K, int] | None:
    """Each answer's whole-number share of `answered`, for the room's screen; None below k.

    The present-screen rule, beside the per-cell rule above (which staff pages and every
    export keep): a question's distribution is shown once at least k people answered
    *that* question, and only as shares, never as per-cell counts. The room can see how
    many are taking part, so small groups see a picture without a table of counts.
    Shares are rounded to whole percents (a multiple-choice question's can sum past 100).
    """
    _check_k(k)
    _check_count(answered, "answered")
    for key, count in counts.items():
        _check_count(count, f"count for {key!r}")
    if answered < k:
        return None
    return {key: round(100 * count / answered) for key, count in counts.items()}
