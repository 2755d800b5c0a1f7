"""Unit tests for participation.privacy.csv_cells (no live formulas in exported CSV)."""

import csv
import io
import random

import pytest

from participation.privacy.csv_cells import csv_field, neutralise_csv_cell, safe_csv_writer


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://example.com","click")', '\'=HYPERLINK("http://example.com","click")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\x00=1+1", "'=1+1"),
        ("good\x00 fun", "good fun"),
        ("well-being - it was fine", "well-being - it was fine"),
        ("a = b", "a = b"),
        ("", ""),
        (-2, -2),
        (-2.5, -2.5),
        (None, None),
        (True, True),
    ],
)
def test_neutralise_csv_cell(value, expected):
    assert neutralise_csv_cell(value) == expected


def test_csv_field_writes_a_cell_exactly_as_the_safe_writer_does():
    rng = random.Random(5)
    alphabet = ["a", " ", ",", '"', "\r", "\n", "=", "+", "-", "@", "\t", "\x00", "é", "'", ";"]
    for _ in range(3000):
        cells = [
            "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
            if rng.random() < 0.7
            else rng.choice([None, -1, -2, 0, 12])
            for _ in range(rng.randint(2, 5))
        ]
        written = io.StringIO()
        safe_csv_writer(written).writerow(cells)
        assert ",".join(map(csv_field, cells)) + "\r\n" == written.getvalue()


def test_safe_csv_writer_round_trip_has_no_live_formulas():
    stream = io.StringIO()
    writer = safe_csv_writer(stream)
    writer.writerow(["answer", "score"])
    writer.writerows([['=HYPERLINK("http://example.com")', -3], ["-2+3", 4], ["fine - ok", 5]])
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows[0] == ["answer", "score"]
    assert rows[1] == ['\'=HYPERLINK("http://example.com")', "-3"]
    assert rows[2] == ["'-2+3", "4"]
    assert rows[3] == ["fine - ok", "5"]
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
