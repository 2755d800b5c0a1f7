"""The outcomes tally cache: fresh entries only, and never more than its size."""

from __future__ import annotations

import pytest

from participation.outcomes import tally as tally_module
from participation.outcomes.tally import Tally, TallyCache


def test_an_entry_is_reused_until_it_is_too_old(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(tally_module, "monotonic", lambda: now[0])
    cache = TallyCache(seconds=60)
    counted = Tally(linked_people=7)
    cache.put(("hub", 1), counted)
    now[0] += 59
    assert cache.get(("hub", 1)) is counted
    assert cache.get(("hub", 2)) is None
    now[0] += 2
    assert cache.get(("hub", 1)) is None


def test_the_least_recently_used_entry_goes_first() -> None:
    cache = TallyCache(size=2)
    first, second, third = Tally(), Tally(), Tally()
    cache.put(("a",), first)
    cache.put(("b",), second)
    assert cache.get(("a",)) is first  # "a" is now the most recently used
    cache.put(("c",), third)
    assert cache.get(("b",)) is None
    assert cache.get(("a",)) is first and cache.get(("c",)) is third
