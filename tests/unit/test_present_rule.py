"""The present-screen rule: shares once k answered a question, never counts; word clouds."""

from __future__ import annotations

import pytest

from participation.figures.wordcloud import layout, word_cloud_svg, word_counts
from participation.privacy.suppression import screen_shares, suppress

K = 5


@pytest.mark.parametrize(
    ("group", "counts", "shown"),
    [
        (3, {1: 2, 2: 1, 3: 0}, None),  # below k: nothing, not even shares
        (5, {1: 3, 2: 2, 3: 0}, {1: 60, 2: 40, 3: 0}),
        (7, {1: 4, 2: 2, 3: 1}, {1: 57, 2: 29, 3: 14}),
        (30, {1: 20, 2: 7, 3: 3}, {1: 67, 2: 23, 3: 10}),
    ],
)
def test_a_group_sees_shares_once_k_answered_the_question(group, counts, shown):
    assert screen_shares(counts, group, K) == shown


def test_the_per_cell_rule_is_unchanged_for_staff_pages_and_exports():
    # The group of 7 above: the present screen shows every share, the per-cell rule
    # still hides the small cells (and one more, so the total cannot give them away).
    table = suppress({1: 4, 2: 2, 3: 1}, K)
    assert all(cell.suppressed for cell in table.cells.values())
    assert screen_shares({1: 4, 2: 2, 3: 1}, 7, K) is not None


def test_shares_count_those_who_answered_not_everyone_in_the_room():
    # 30 took part, 6 answered this question: k answered, so shares of those 6.
    assert screen_shares({1: 3, 2: 3}, 6, K) == {1: 50, 2: 50}
    assert screen_shares({1: 2, 2: 2}, 4, K) is None


def test_multiple_choice_shares_may_add_past_100():
    assert screen_shares({1: 5, 2: 4}, 5, K) == {1: 100, 2: 80}


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_nonsense_counts_are_refused(bad):
    with pytest.raises(ValueError, match="must be"):
        screen_shares({1: bad}, 5, K)
    with pytest.raises(ValueError, match="must be"):
        screen_shares({1: 1}, bad, K)


def test_word_counts_drop_stop_words_and_sort_by_frequency_then_a_to_z():
    answers = ["More pizza please", "pizza and games", "The games room", "Pizza!"]
    assert word_counts(answers) == [("pizza", 3), ("games", 2), ("please", 1), ("room", 1)]


def test_the_cloud_is_deterministic_sized_by_frequency_and_fits():
    answers = ["pizza", "pizza", "pizza", "games", "supercalifragilisticexpialidocious"]
    first = word_cloud_svg(answers, title="Words", cloud_id="c1")
    assert first == word_cloud_svg(list(answers), title="Words", cloud_id="c1")
    words, height = layout(word_counts(answers))
    sizes = {w.text: w.size for w in words}
    assert sizes["pizza"] > sizes["games"]
    assert height > 0
    for word in words:
        assert word.x >= 0 and word.x + len(word.text) * word.size * 0.62 <= 1200 + 1
    assert "pizza: written 3 times" in first  # the description lists every word


def test_the_cloud_escapes_words_and_is_empty_without_any():
    assert word_cloud_svg([], title="Words", cloud_id="c") == ""
    assert "<b>" not in word_cloud_svg(["<b>bold</b> words"], title="<x>", cloud_id="c")
