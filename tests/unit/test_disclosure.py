"""Unit tests for participation.privacy.suppression (statistical disclosure control)."""

import random

import pytest

from participation.privacy.suppression import Cell, mean_if_safe, suppress, suppress_value


def shown(table):
    """Return {key: count} for shown cells and {key: None} for hidden ones."""
    return {key: cell.count for key, cell in table.cells.items()}


def test_all_large_cells_are_shown_with_percentages():
    table = suppress({"yes": 10, "no": 30}, k=5)
    assert shown(table) == {"yes": 10, "no": 30}
    assert table.total == Cell(40, percent=100.0, k=5)
    assert table.cells["yes"].percent == pytest.approx(25.0)
    assert table.cells["no"].display == "30"
    assert (table.primary, table.secondary, table.any_suppressed) == (0, 0, False)


def test_primary_suppression_of_two_small_cells_needs_no_secondary():
    table = suppress({"a": 2, "b": 3, "c": 20}, k=5)
    assert shown(table) == {"a": None, "b": None, "c": 20}
    assert table.total.count == 25
    assert (table.primary, table.secondary) == (2, 0)
    assert table.cells["a"].display == "fewer than 5"
    assert table.cells["a"].percent is None
    assert table.any_suppressed


def test_one_small_cell_triggers_secondary_on_smallest_other_nonzero_cell():
    table = suppress({"happy": 12, "ok": 7, "sad": 2, "angry": 0}, k=5)
    assert shown(table) == {"happy": 12, "ok": None, "sad": None, "angry": 0}
    assert table.total.count == 21
    assert (table.primary, table.secondary) == (1, 1)
    assert table.cells["sad"].display == "fewer than 5"
    # A secondary cell is at least k, so it must not be described as "fewer than 5".
    assert table.cells["ok"].display == "hidden"
    assert table.cells["ok"].secondary


def test_secondary_ties_go_to_first_cell_in_input_order():
    table = suppress({"red": 9, "amber": 6, "green": 6, "blue": 1}, k=5)
    assert shown(table) == {"red": 9, "amber": None, "green": 6, "blue": None}
    assert list(table.cells) == ["red", "amber", "green", "blue"]


def test_zero_cells_stay_shown_and_do_not_count_as_suppressed():
    table = suppress({"a": 0, "b": 0, "c": 8}, k=5)
    assert shown(table) == {"a": 0, "b": 0, "c": 8}
    assert table.cells["a"].percent == 0.0
    assert not table.any_suppressed


def test_total_below_k_hides_everything_including_zeros():
    table = suppress({"yes": 3, "no": 0}, k=5)
    assert shown(table) == {"yes": None, "no": None}
    assert table.total.suppressed
    assert table.total.count is None
    assert table.total.display == "fewer than 5"
    assert table.cells["no"].percent is None


def test_empty_table_shows_zero_total():
    table = suppress({"yes": 0, "no": 0}, k=5)
    assert shown(table) == {"yes": 0, "no": 0}
    assert table.total.count == 0
    assert table.total.percent is None
    assert not table.any_suppressed
    assert suppress({}, k=5).total.count == 0


def test_k3_changes_thresholds_and_wording():
    table = suppress({"a": 2, "b": 3, "c": 4}, k=3)
    assert shown(table) == {"a": None, "b": None, "c": 4}
    assert table.cells["a"].display == "fewer than 3"
    assert suppress({"a": 1, "b": 1}, k=3).total.display == "fewer than 3"


def test_k1_never_suppresses():
    table = suppress({"a": 1, "b": 0, "c": 2}, k=1)
    assert shown(table) == {"a": 1, "b": 0, "c": 2}
    assert not table.any_suppressed


def test_multi_choice_total_below_sum_needs_no_secondary():
    # 10 people ticked any of three boxes: the cells overlap, so 10 - shown isolates nothing.
    table = suppress({"art": 8, "music": 7, "sport": 2}, k=5, total=10)
    assert shown(table) == {"art": 8, "music": 7, "sport": None}
    assert table.total.count == 10
    assert table.cells["art"].percent == pytest.approx(80.0)
    assert table.secondary == 0


def test_explicit_total_above_sum_still_gets_secondary():
    # Two people passed; if the pass count is shown anywhere, total - shown is exact.
    table = suppress({"yes": 15, "no": 2}, k=5, total=19)
    assert shown(table) == {"yes": None, "no": None}
    assert table.total.count == 19
    assert table.secondary == 1


def test_explicit_total_with_no_cell_for_secondary_hides_the_total():
    table = suppress({"yes": 3, "no": 0}, k=5, total=12)
    assert shown(table) == {"yes": None, "no": 0}
    assert table.total.suppressed
    assert table.total.display == "hidden"
    assert table.cells["no"].percent is None


def test_explicit_total_below_k_hides_everything():
    table = suppress({"a": 2, "b": 2}, k=5, total=3)
    assert shown(table) == {"a": None, "b": None}
    assert table.total.suppressed


@pytest.mark.parametrize("k", [0, -1, 2.5, True])
def test_invalid_k_is_rejected(k):
    with pytest.raises(ValueError, match="k must be"):
        suppress({"a": 1}, k=k)
    with pytest.raises(ValueError, match="k must be"):
        suppress_value(1, k=k)
    with pytest.raises(ValueError, match="k must be"):
        mean_if_safe(1.0, 1, k=k)


def test_negative_counts_are_rejected():
    with pytest.raises(ValueError, match="non-negative"):
        suppress({"a": -1}, k=5)
    with pytest.raises(ValueError, match="non-negative"):
        suppress({"a": 1}, k=5, total=-3)


@pytest.mark.parametrize(
    ("count", "expected_count", "expected_display"),
    [
        (0, 0, "0"),
        (1, None, "fewer than 5"),
        (4, None, "fewer than 5"),
        (5, 5, "5"),
        (99, 99, "99"),
    ],
)
def test_suppress_value(count, expected_count, expected_display):
    cell = suppress_value(count, k=5)
    assert cell.count == expected_count
    assert cell.suppressed is (expected_count is None)
    assert cell.display == expected_display


def test_mean_if_safe():
    assert mean_if_safe(18.0, 4, k=5) is None
    assert mean_if_safe(20.0, 5, k=5) == pytest.approx(4.0)
    assert mean_if_safe(0.0, 0, k=1) is None


@pytest.mark.parametrize("with_skips", [False, True])
def test_random_tables_never_reveal_a_single_hidden_cell(with_skips):
    rng = random.Random(20240501 + with_skips)
    for _ in range(5000):
        k = rng.choice([2, 3, 5, 10])
        size = rng.randint(1, 8)
        counts = {f"option {i}": rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 15, 40]) for i in range(size)}
        total = sum(counts.values()) + (rng.randint(0, 3) if with_skips else 0)
        table = suppress(counts, k=k, total=total if with_skips else None)
        hidden_nonzero = [
            key for key, cell in table.cells.items() if cell.suppressed and counts[key]
        ]
        for key, cell in table.cells.items():
            assert cell.suppressed or cell.count == counts[key]
            assert cell.suppressed or not 0 < counts[key] < k, (counts, k)
        assert table.primary == sum(1 for count in counts.values() if 0 < count < k) or (
            table.total.suppressed
        )
        if table.total.suppressed:
            continue
        assert table.total.count == total
        assert len(hidden_nonzero) != 1, (counts, k)
        shown_sum = sum(cell.count for cell in table.cells.values() if not cell.suppressed)
        for key in hidden_nonzero:
            assert total - shown_sum != counts[key], (counts, k)
