"""The link column of research exports: one young person's rows joined within one release only."""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections import Counter
from datetime import UTC, datetime

import pytest

from participation.activities.kinds import question_spec
from participation.exports import responses
from participation.exports.links import LINK_PATTERN, link_key, link_token
from participation.exports.packed import CannotPack
from participation.exports.releases import get_release, make_release, release_selection
from participation.exports.responses import (
    ResponseExport,
    research_selection,
    service_selection,
)
from participation.models.enums import QuestionKind

JANUARY = datetime(2026, 1, 12, 15, tzinfo=UTC)
FEBRUARY = datetime(2026, 2, 16, 10, tzinfo=UTC)
QUESTIONS = [
    question_spec(QuestionKind.FREE_TEXT, "What went well?"),
    question_spec(QuestionKind.SINGLE_CHOICE, "Did you feel safe?", options=["Yes", "No"]),
]


def code() -> str:
    """A stored link hash, as the keyed hash of someone's linking code would be."""
    return secrets.token_hex(32)


def send(make, activity, note: str, link_hash: str | None = None, when=JANUARY, also=None):
    """A submission whose free text names it, with `also`'s answers ({position: [...]})."""
    answers = {0: [{"text": note}], **(also or {})}
    return make.submission(activity, answers, link_hash=link_hash, submitted_hour=when)


def rows_of(export: ResponseExport) -> list[dict[str, object]]:
    return [dict(zip(export.header, row, strict=True)) for row in export.rows()]


def csv_rows_of(export: ResponseExport) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(b"".join(export.csv()).decode())))


def release_rows(session, activity, number: int) -> list[dict[str, object]]:
    release = get_release(session, activity, number)
    return rows_of(ResponseExport(session, activity, release_selection(activity, release)))


def link_by_note(rows) -> dict[object, object]:
    return {row["q01"]: row["link"] for row in rows}


def test_one_young_persons_rows_share_a_link_and_two_releases_share_none(make, db_session):
    activity = make.activity(questions=QUESTIONS, research_sharing="ask", k_threshold=5)
    people = [code() for _ in range(6)]
    for n, person in enumerate(people):
        send(make, activity, f"first {n}", person)
    make_release(db_session, None, activity)
    for n, person in enumerate(people):
        send(make, activity, f"second {n}", person, when=FEBRUARY)
    make_release(db_session, None, activity)

    first, second = release_rows(db_session, activity, 1), release_rows(db_session, activity, 2)
    links = link_by_note(second)
    for n in range(6):  # in one release, the same young person's rows share one link
        assert links[f"first {n}"] == links[f"second {n}"]
    assert len({links[f"first {n}"] for n in range(6)}) == 6
    assert all(re.fullmatch(LINK_PATTERN, str(link)) for link in links.values())
    # Release 2 holds release 1's rows again, yet no link value is in both: they can't be joined.
    assert {row["link"] for row in first}.isdisjoint(links.values())
    stored = set(people)
    assert not any(str(link)[1:] in person for link in links.values() for person in stored)
    assert release_rows(db_session, activity, 2) == second, "a release downloads the same again"


def test_the_same_young_people_in_two_activities_share_no_link(make, db_session):
    # A pack is one activity's release: links join rows within it, never across activities.
    service = make.service("Harbour Spoke")
    people = [code() for _ in range(5)]
    found = []
    for title in ("Spring check-in", "Summer check-in"):
        activity = make.activity(
            service, title=title, questions=QUESTIONS, research_sharing="ask", k_threshold=5
        )
        for n, person in enumerate(people):
            send(make, activity, f"{title} {n}", person)
        make_release(db_session, None, activity)
        found.append({row["link"] for row in release_rows(db_session, activity, 1)})
    assert len(found[0]) == len(found[1]) == 5
    assert found[0].isdisjoint(found[1])


def test_two_exports_of_exactly_the_same_rows_share_no_link(make, db_session):
    activity = make.activity(questions=QUESTIONS, research_sharing="ask", k_threshold=2)
    for n in range(4):
        person = code()
        send(make, activity, f"a {n}", person)
        send(make, activity, f"b {n}", person)
    one, two = (link_by_note(rows_of(ResponseExport(db_session, activity))) for _ in range(2))
    assert one.keys() == two.keys()
    assert set(one.values()).isdisjoint(two.values())


def test_rows_without_a_link_hash_have_a_blank_link(make, db_session):
    activity = make.activity(questions=QUESTIONS, research_sharing="ask", k_threshold=2)
    for n in range(3):
        person = code()
        send(make, activity, f"linked {n}", person)
        send(make, activity, f"again {n}", person)
    for n in range(3):
        send(make, activity, f"unlinked {n}")
    export = ResponseExport(db_session, activity)
    links = link_by_note(rows_of(export))
    assert [links[f"unlinked {n}"] for n in range(3)] == ["", "", ""]
    assert all(links[f"linked {n}"] for n in range(3))
    assert export.prepared.linking.linked_people == 3
    as_text = {row["q01"]: row["link"] for row in csv_rows_of(export)}
    assert [as_text[f"unlinked {n}"] for n in range(3)] == ["", "", ""]
    assert Counter(as_text.values())[""] == 3 and len(set(as_text.values())) == 4


def aged_up_activity(make):
    """Five linked young people 14-15 in January and February; one who turned 16 between.

    Every row alone is shared by at least five (four unlinked 16-17s in February), but linked,
    "14-15 in January, 16-17 in February" is one young person.
    """
    questions = [*QUESTIONS, question_spec(QuestionKind.REACH, "", topic="age_band")]
    activity = make.activity(questions=questions, research_sharing="ask", k_threshold=5)
    age = {"14-15": [{"choice": 2}], "16-17": [{"choice": 3}]}
    for n in range(5):
        person = code()
        send(make, activity, f"same {n} early", person, JANUARY, also={2: age["14-15"]})
        send(make, activity, f"same {n} later", person, FEBRUARY, also={2: age["14-15"]})
    older = code()
    send(make, activity, "older early", older, JANUARY, also={2: age["14-15"]})
    send(make, activity, "older later", older, FEBRUARY, also={2: age["16-17"]})
    for n in range(4):
        send(make, activity, f"unlinked {n}", None, FEBRUARY, also={2: age["16-17"]})
    return activity


QUASI = ("service", "month", "language", "q03_age_band")


def profiles(rows) -> Counter:
    """How many linked young people have each collection of quasi-identifier values."""
    people: dict[object, Counter] = {}
    for row in rows:
        if row["link"]:
            people.setdefault(row["link"], Counter())[tuple(row[c] for c in QUASI)] += 1
    return Counter(frozenset(found.items()) for found in people.values())


def test_reach_answers_and_the_link_never_narrow_a_young_person_below_k(make, db_session):
    activity = aged_up_activity(make)
    export = ResponseExport(db_session, activity)
    rows = rows_of(export)
    combos = Counter(tuple(row[c] for c in QUASI) for row in rows)
    assert min(combos.values()) >= 5, "each row alone is k-anonymous"
    links = link_by_note(rows)
    assert links["older early"] == links["older later"] == "", "the rare combination is unlinked"
    assert all(links[f"same {n} {m}"] for n in range(5) for m in ("early", "later"))
    assert profiles(rows) == Counter({next(iter(profiles(rows))): 5})
    assert (export.prepared.linking.unlinked_people, export.prepared.linking.unlinked_rows) == (
        1,
        2,
    )
    text_rows = csv_rows_of(ResponseExport(db_session, activity))
    assert Counter(row["link"] for row in text_rows)[""] == 6  # 2 unlinked here + 4 never linked
    assert min(profiles(text_rows).values()) >= 5


def test_rows_read_answer_by_answer_carry_the_same_links(make, db_session, monkeypatch):
    activity = aged_up_activity(make)
    fixed = research_selection(activity, seed=987654321)
    packed = link_by_note(rows_of(ResponseExport(db_session, activity, fixed)))

    def cannot_pack(*_args, **_kwargs):
        raise CannotPack(0)

    monkeypatch.setattr(responses, "PackedRows", cannot_pack)
    one_by_one = link_by_note(rows_of(ResponseExport(db_session, activity, fixed)))
    assert one_by_one == packed and packed["older later"] == "" and packed["same 0 early"]


def test_an_odd_submission_read_on_its_own_keeps_its_link(make, db_session):
    activity = make.activity(questions=QUESTIONS, research_sharing="ask", k_threshold=2)
    person = code()
    # Two answers to one single choice: no form sends this, so the row is read on its own.
    send(make, activity, "odd", person, also={1: [{"choice": 1}, {"choice": 2}]})
    send(make, activity, "plain", person)
    other = code()
    send(make, activity, "odd too", other, also={1: [{"choice": 2}, {"choice": 1}]})
    send(make, activity, "plain too", other)
    links = link_by_note(rows_of(ResponseExport(db_session, activity)))
    assert links["odd"] == links["plain"] != "" and links["odd too"] == links["plain too"] != ""


def test_the_service_s_own_csv_has_no_link_column(make, db_session):
    activity = make.activity(questions=QUESTIONS, research_sharing="ask", k_threshold=1)
    send(make, activity, "linked", code())
    export = ResponseExport(db_session, activity, service_selection(activity))
    assert "link" not in export.header
    (row,) = csv_rows_of(export)
    assert "link" not in row and row["q01"] == "linked"


def test_link_tokens_are_keyed_per_export():
    stored = code()
    one, two = link_key(1), link_key(2)
    assert link_token(one, stored) == link_token(link_key(1), stored)
    assert link_token(one, stored) != link_token(two, stored)
    assert link_token(one, stored) != link_token(one, code())
    assert re.fullmatch(LINK_PATTERN, link_token(one, stored))
    with pytest.raises(OverflowError):
        link_key(2**64)
