"""Safe CSV cells: no spreadsheet formula in any exported cell (OWASP CSV injection)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_csv_cell(value: object) -> object:
    """Stop a spreadsheet from running a text cell as a formula (OWASP CSV injection)."""
    return _neutralise_text(value) if isinstance(value, str) else value


def _neutralise_text(value: str) -> str:
    value = value.replace("\x00", "")
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


_CSV_QUOTED = re.compile(r'[",\r\n]')


def csv_field(value: object) -> str:
    """One cell as `safe_csv_writer` writes it within a row: neutralised, then quoted if needed.

    For streams that make each line by joining cells with commas (export_packing.py), so a cell
    that repeats (a code, a redacted text) is made once. None is an empty cell.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)
    value = _neutralise_text(value)
    if _CSV_QUOTED.search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


class SafeCsvWriter:
    """A csv.writer whose rows are neutralised cell by cell before they are written."""

    def __init__(self, stream: Any, **fmtparams: Any) -> None:
        self._writer = csv.writer(stream, **fmtparams)
        self.dialect = self._writer.dialect

    def writerow(self, row: Iterable[object]) -> Any:
        """Write one row with every cell neutralised."""
        return self._writer.writerow([neutralise_csv_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        """Write many rows with every cell neutralised."""
        for row in rows:
            self.writerow(row)


def safe_csv_writer(stream: Any, **fmtparams: Any) -> SafeCsvWriter:
    """Return a CSV writer for stream that neutralises every cell; all app CSVs use it."""
    return SafeCsvWriter(stream, **fmtparams)
