"""Row building for anonymised exports: codes, missing values, k-anonymity and streaming."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter

import pytest
from sqlalchemy import delete

from participation.activities.kinds import question_spec
from participation.exports.columns import (
    PASSED,
    SUPPRESSED,
    exported_row_count,
    response_columns,
)
from participation.exports.consent import count_shareable
from participation.exports.pack import zip_chunks
from participation.exports.responses import ResponseExport
from participation.models import Flag, Submission
from participation.models.enums import QuestionKind
from participation.models.submissions import HIDDEN
from participation.privacy.csv_cells import safe_csv_writer
from tests.helpers import recorded_statements

EVERY_ANSWER = {
    0: [{"choice": 4}],
    1: [{"choice": 3}],
    2: [{"choice": 2}],
    3: [{"choice": 1}, {"choice": 4}],
    4: [{"text": "Email me at sam@example.org"}],
    5: [{"part": 0, "text": "The art"}, {"part": 2, "text": "Later sessions"}],
    6: [{"choice": 3, "part": 0}, {"choice": 1, "part": 1}, {"choice": 2, "part": 2}],
    7: [{"choice": 2}],
}


def rows_of(db_session, activity) -> list[dict[str, object]]:
    export = ResponseExport(db_session, activity)
    return [dict(zip(export.header, row, strict=True)) for row in export.rows()]


def test_one_column_per_question_option_ranked_item_and_box(make):
    activity = make.activity()
    names = [column.name for column in response_columns(activity)]
    assert names == [
        "row",
        "service",
        "month",
        "language",
        "q01",
        "q02",
        "q03",
        "q04_1",
        "q04_2",
        "q04_3",
        "q04_4",
        "q05",
        "q06_working_well",
        "q06_not_working",
        "q06_change",
        "q07_rank_1",
        "q07_rank_2",
        "q07_rank_3",
        "q08_age_band",
    ]
    titles = {column.name: column.title for column in response_columns(activity)}
    assert titles["q01"] == "How do you feel about the group?"
    assert titles["q04_2"] == "What did you enjoy? — Games"


def test_a_row_holds_codes_picks_places_and_redacted_text(make, db_session):
    activity = make.activity(research_sharing="ask", k_threshold=1)
    make.submission(activity, EVERY_ANSWER)
    (row,) = rows_of(db_session, activity)
    assert (row["q01"], row["q02"], row["q03"]) == (4, 3, 2)
    assert [row[f"q04_{code}"] for code in (1, 2, 3, 4)] == [1, 0, 0, 1]
    assert row["q05"] == "Email me at [email]"
    assert (row["q06_working_well"], row["q06_not_working"], row["q06_change"]) == (
        "The art",
        PASSED,
        "Later sessions",
    )
    assert [row[f"q07_rank_{code}"] for code in (1, 2, 3)] == [2, 3, 1]
    assert row["q08_age_band"] == 2
    assert row["row"] == 1 and row["service"] == activity.service.name
    assert row["month"] == f"{activity.created_at:%Y-%m}"


def test_passing_everything_is_minus_one_in_every_answer_column(make, db_session):
    activity = make.activity(research_sharing="ask", k_threshold=1)
    make.submission(activity, {})
    (row,) = rows_of(db_session, activity)
    answers = {name: value for name, value in row.items() if name.startswith("q")}
    assert set(answers.values()) == {PASSED}


def test_text_staff_hid_or_flagged_is_withheld(make, db_session):
    activity = make.activity(research_sharing="ask", k_threshold=1)
    hidden = make.submission(activity, {4: [{"text": "Hidden from the screen"}]})
    hidden.answers[0].moderation = HIDDEN
    flagged = make.submission(activity, {4: [{"text": "A possible disclosure"}]})
    db_session.add(
        Flag(
            answer_id=flagged.answers[0].id,
            activity_id=activity.id,
            service_id=activity.service_id,
            categories="harm",
        )
    )
    make.submission(activity, {4: [{"text": "Fine to share"}]})
    db_session.flush()
    export = ResponseExport(db_session, activity)
    texts = sorted(str(dict(zip(export.header, r, strict=True))["q05"]) for r in export.rows())
    assert texts == [str(SUPPRESSED), str(SUPPRESSED), "Fine to share"]
    assert export.stats.withheld == 2 and export.stats.texts == 3


def test_only_young_people_who_said_yes_are_included_when_the_activity_asked(make, db_session):
    asked = make.activity(research_sharing="ask", k_threshold=1)
    make.submission(asked, {2: [{"choice": 1}]}, research_consent=True)
    make.submission(asked, {2: [{"choice": 3}]}, research_consent=False)
    assert count_shareable(db_session, asked) == 1
    assert [row["q03"] for row in rows_of(db_session, asked)] == [1]

    off = make.activity(research_sharing="off", k_threshold=1)
    make.submission(off, {2: [{"choice": 1}]}, research_consent=False)
    make.submission(off, {2: [{"choice": 1}]}, research_consent=True)  # never asked: no yes
    assert count_shareable(db_session, off) == 0
    assert rows_of(db_session, off) == []


def test_fewer_than_k_young_people_gives_no_rows(make, db_session):
    activity = make.activity(research_sharing="ask", k_threshold=5)
    for _ in range(4):
        make.submission(activity, EVERY_ANSWER)
    export = ResponseExport(db_session, activity)
    assert list(export.rows()) == []
    assert export.prepared.included == 4 and export.prepared.rows == 0
    assert exported_row_count(4, 5) == 0 and exported_row_count(5, 5) == 5


WORDS = ("apple", "brick", "cloud", "daisy", "eagle", "flute", "grape", "heron")


def test_rows_leave_in_a_fresh_random_order_numbered_as_they_leave(make, db_session):
    activity = make.activity(research_sharing="ask", k_threshold=1)
    sent = [f"{a} {b}" for a in WORDS for b in WORDS[:5]]
    for text in sent:
        make.submission(activity, {4: [{"text": text}]})
    first = rows_of(db_session, activity)
    second = rows_of(db_session, activity)
    assert [row["row"] for row in first] == list(range(1, 41))  # export-local numbers
    assert sorted(row["q05"] for row in first) == sorted(sent)
    assert [row["q05"] for row in first] != sent, "rows must not come in the order they were sent"
    assert [row["q05"] for row in first] != [row["q05"] for row in second]


def test_every_quasi_identifier_combination_occurs_at_least_k_times(make, db_session):
    questions = [
        question_spec(QuestionKind.REACH, "", topic="age_band"),
        question_spec(QuestionKind.REACH, "", topic="gender"),
        question_spec(QuestionKind.SINGLE_CHOICE, "Would you come again?", options=["Yes", "No"]),
    ]
    activity = make.activity(questions=questions, research_sharing="ask", k_threshold=5)
    ages_and_genders = [(1, 1)] * 6 + [(2, 2)] * 5 + [(3, 1), (4, 3), (99, 4), (2, 1), (1, 2)]
    for age, gender in ages_and_genders:
        make.submission(
            activity, {0: [{"choice": age}], 1: [{"choice": gender}], 2: [{"choice": 1}]}
        )
    export = ResponseExport(db_session, activity)
    rows = [dict(zip(export.header, r, strict=True)) for r in export.rows()]
    assert len(rows) == len(ages_and_genders)
    combos = Counter((r["service"], r["month"], r["q01_age_band"], r["q02_gender"]) for r in rows)
    assert min(combos.values()) >= 5
    assert any(r["q01_age_band"] == SUPPRESSED for r in rows)
    assert sum(export.prepared.suppression.suppressed_cells.values()) > 0
    assert all(r["q03"] == 1 for r in rows)  # other answers are never touched


def test_the_csv_header_is_sent_before_any_database_work(make, db_session, app):
    activity = make.activity(research_sharing="ask", k_threshold=1)
    make.submission(activity, EVERY_ANSWER)
    export = ResponseExport(db_session, activity)
    with recorded_statements(db_session.get_bind().engine) as statements:
        chunks = export.csv()
        header = next(chunks)
        assert statements == []
        rest = b"".join(chunks)
    assert header.decode().startswith("row,service,month,language,link,q01")
    assert statements  # the rows came from the database afterwards
    parsed = list(csv.reader(io.StringIO((header + rest).decode())))
    assert len(parsed) == 2


def test_a_submission_withdrawn_between_the_two_passes_is_left_out(make, db_session):
    activity = make.activity(research_sharing="ask", k_threshold=1)
    kept = make.submission(activity, {2: [{"choice": 1}]})
    gone = make.submission(activity, {2: [{"choice": 3}]})
    export = ResponseExport(db_session, activity)
    export.prepare()
    db_session.execute(delete(Submission).where(Submission.id == gone.id))
    rows = list(export.rows())
    assert len(rows) == 1 and kept.id
    assert dict(zip(export.header, rows[0], strict=True))["q03"] == 1


def test_zip_entries_are_made_only_when_reached():
    made: list[str] = []

    def entry(name: str):
        def produce():
            made.append(name)
            yield name.encode() * 1000

        return name, produce

    stream = zip_chunks([entry("a.txt"), entry("b.txt")])
    first = next(stream)
    assert first.startswith(b"PK\x03\x04") and made == []
    data = first + b"".join(stream)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == ["a.txt", "b.txt"]
    assert archive.read("b.txt") == b"b.txt" * 1000
    assert archive.testzip() is None


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("=1+2", "'=1+2"),
        ('=HYPERLINK("x","Click")', '\'=HYPERLINK("x","Click")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@ SUM(A1)", "'@ SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("a\x00b", "ab"),
    ],
)
def test_formulas_typed_by_young_people_are_neutralised(make, db_session, typed, written):
    if "\x00" in typed and db_session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL cannot store NUL; answers are also cleaned when sent")
    activity = make.activity(research_sharing="ask", k_threshold=1)
    make.submission(activity, {4: [{"text": typed}]})
    data = b"".join(ResponseExport(db_session, activity).csv()).decode()
    (row,) = list(csv.DictReader(io.StringIO(data)))
    assert row["q05"] == written


def test_the_csv_holds_exactly_the_rows_with_every_cell_neutralised(make, db_session):
    activity = make.activity(research_sharing="ask", k_threshold=1)
    make.submission(activity, EVERY_ANSWER)
    make.submission(activity, {})
    make.submission(activity, {4: [{"text": '=1+2, "she said"\nthen left'}]})
    make.submission(activity, {3: [{"choice": 2}], 4: [{"text": "   "}], 6: [{"choice": 2}]})
    make.submission(activity, {5: [{"part": 1, "text": "-1 is not a number here"}]})
    export = ResponseExport(db_session, activity)
    expected = io.StringIO()
    writer = safe_csv_writer(expected)
    writer.writerow(export.header)
    for row in export.rows():
        writer.writerow(row)
    assert b"".join(export.csv()).decode() == expected.getvalue()
    rows = list(csv.DictReader(io.StringIO(expected.getvalue())))
    assert len(rows) == 5
    assert '\'=1+2, "she said"\nthen left' in [row["q05"] for row in rows]
    (picked,) = [row for row in rows if row["q04_2"] == "1" and row["q01"] == "-1"]
    assert picked["q05"] == "-1" and picked["q04_1"] == "0"
    assert picked["q07_rank_2"] == "1" and picked["q07_rank_1"] == "-1"
    assert "'-1 is not a number here" in [row["q06_not_working"] for row in rows]


# Answers no form sends, each with what an export must show: exactly what is stored.
STORED_BUT_NEVER_SENT = [
    ({0: [{"choice": 4}, {"choice": 4}]}, {"q01": 4}),  # the same answer twice
    ({0: [{"choice": 9}]}, {"q01": 9}),  # a code the question does not have
    ({0: [{"choice": -3}]}, {"q01": -3}),
    ({0: [{"choice": None}]}, {"q01": PASSED}),
    ({3: [{"choice": 2}, {"choice": 2}]}, {"q04_1": 0, "q04_2": 1, "q04_3": 0}),
    ({3: [{"choice": 7}]}, {"q04_1": 0, "q04_2": 0, "q04_4": 0}),  # answered, nothing known
    ({6: [{"choice": 1, "part": 2}, {"choice": 1, "part": 2}]}, {"q07_rank_1": 3}),
    ({6: [{"choice": 2, "part": 7}]}, {"q07_rank_2": 8, "q07_rank_1": PASSED}),
    ({6: [{"choice": 9, "part": 0}]}, {"q07_rank_1": PASSED, "q07_rank_3": PASSED}),
    ({4: [{"part": 3, "text": "Not a box"}]}, {"q05": PASSED}),
    ({4: [{"text": None}]}, {"q05": PASSED}),
    ({4: [{"text": "Once"}, {"text": "Once"}]}, {"q05": "Once"}),
    ({5: [{"part": 2, "text": "Later"}]}, {"q06_change": "Later", "q06_working_well": PASSED}),
]


@pytest.mark.parametrize(("values", "shown"), STORED_BUT_NEVER_SENT)
def test_answers_no_form_sends_are_exported_as_they_are_stored(make, db_session, values, shown):
    activity = make.activity(research_sharing="ask", k_threshold=1)
    make.submission(activity, EVERY_ANSWER)
    make.submission(activity, values)
    export = ResponseExport(db_session, activity)
    rows = [dict(zip(export.header, row, strict=True)) for row in export.rows()]
    (normal,) = [row for row in rows if row["q05"] == "Email me at [email]"]
    (odd,) = [row for row in rows if row is not normal]
    assert {name: odd[name] for name in shown} == shown
    assert normal["q01"] == 4
    lines = list(csv.DictReader(io.StringIO(b"".join(export.csv()).decode())))
    (line,) = [line for line in lines if line["q05"] != "Email me at [email]"]
    assert {name: line[name] for name in shown} == {k: str(v) for k, v in shown.items()}


def test_an_export_reads_its_answers_in_a_few_statements_however_many_there_are(make, db_session):
    activity = make.activity(research_sharing="ask", k_threshold=1)
    for _ in range(30):
        make.submission(activity, EVERY_ANSWER)
    export = ResponseExport(db_session, activity)
    with recorded_statements(db_session.get_bind().engine) as statements:
        data = b"".join(export.csv())
    assert len(list(csv.reader(io.StringIO(data.decode())))) == 31
    assert len(statements) <= 3


def test_codes_too_large_to_pack_are_exported_too(make, db_session):
    questions = [question_spec(QuestionKind.SINGLE_CHOICE, "Pick one", options=["Yes", "No"])]
    questions[0]["options"] = [{"code": 1, "label": "Yes"}, {"code": 10**7, "label": "No"}]
    activity = make.activity(questions=questions, research_sharing="ask", k_threshold=1)
    make.submission(activity, {0: [{"choice": 10**7}]})
    make.submission(activity, {})
    assert sorted(row["q01"] for row in rows_of(db_session, activity)) == [PASSED, 10**7]
