"""The research pack as a researcher gets it: downloaded, unzipped, opened with their tools."""

from __future__ import annotations

import io
import json
import secrets
import time
import zipfile
from collections import Counter
from pathlib import Path

import frictionless
import pandas as pd
import pyreadstat
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from participation.activities.kinds import question_spec
from participation.exports.releases import make_release
from participation.models import AuditEvent
from participation.models.enums import QuestionKind

ANSWERS = {
    0: [{"choice": 4}],
    1: [{"choice": 3}],
    2: [{"choice": 1}],
    3: [{"choice": 2}, {"choice": 3}],
    4: [{"text": "The trips were the best bit"}],
    5: [{"part": 0, "text": "Friendly workers"}, {"part": 1, "text": "Bus fares"}],
    6: [{"choice": 1, "part": 0}, {"choice": 3, "part": 1}, {"choice": 2, "part": 2}],
    7: [{"choice": 2}],
}


@pytest.fixture
def spoke(make):
    return make.service("Millbrook Spoke", hub=make.service("Riverside Hub", kind="hub"))


@pytest.fixture
def researcher(make, spoke):
    return make.staff("researcher", spoke)


def release(make, activity):
    """Release what can be shared now, as a lead would."""
    made = make_release(make.session, None, activity)
    make.session.flush()
    return made


def pack_url(activity) -> str:
    return f"/research/activities/{activity.id}/pack.zip"


def unpack(response, folder: Path) -> zipfile.ZipFile:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert archive.testzip() is None
    archive.extractall(folder)
    return archive


def test_the_pack_opens_in_pandas_frictionless_and_spss(make, spoke, researcher, sign_in, tmp_path):
    activity = make.activity(spoke, title="Group work review", research_sharing="ask")
    for _ in range(8):
        make.submission(activity, ANSWERS)
    release(make, activity)
    client = sign_in(researcher)
    response = client.get(pack_url(activity))
    assert response.is_streamed
    archive = unpack(response, tmp_path)
    assert {
        "responses.csv",
        "datapackage.json",
        "README.txt",
        "responses.sav",
        "summary.pdf",
    } <= set(archive.namelist())
    summary = PdfReader(io.BytesIO(archive.read("summary.pdf")))
    assert "Group work review" in summary.pages[0].extract_text()

    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    frame = pd.read_csv(tmp_path / "responses.csv")
    assert len(frame) == 8
    assert sorted(frame["row"]) == list(range(1, 9))
    assert set(frame["q01"]) == {4} and set(frame["q04_2"]) == {1} and set(frame["q04_1"]) == {0}
    assert set(frame["q07_rank_3"]) == {2}
    assert set(frame["q06_not_working"]) == {"Bus fares"}
    assert set(frame["q06_change"]) == {-1}  # passed

    schema = json.loads((tmp_path / "datapackage.json").read_text())["resources"][0]["schema"]
    fields = {f["name"]: f for f in schema["fields"]}
    assert fields["q01"]["title"] == "How do you feel about the group?"
    assert fields["q01"]["valueLabels"]["4"] == "Happy"
    assert {"value": 4, "label": "Happy"} in fields["q01"]["categories"]
    assert fields["q05"]["type"] == "string" and fields["month"]["type"] == "yearmonth"
    assert schema["missingValues"] == ["-1", "-2", ""]

    data, meta = pyreadstat.read_sav(str(tmp_path / "responses.sav"))
    assert len(data) == 8
    assert meta.column_names_to_labels["q03"] == "Would you come again?"
    assert meta.variable_value_labels["q01"][4.0] == "Happy"
    assert meta.variable_value_labels["q01"][-1.0] == "Passed"
    assert meta.variable_value_labels["q08_age_band"][99.0] == "Prefer not to say"

    readme = (tmp_path / "README.txt").read_text()
    for expected in ("Group work review", "Millbrook Spoke", "k = 5", "said yes", "HOW TO CITE"):
        assert expected in readme


def test_only_answers_shared_with_consent_are_included(make, spoke, researcher, sign_in, tmp_path):
    activity = make.activity(spoke, research_sharing="ask")
    for _ in range(6):
        make.submission(activity, {2: [{"choice": 1}]}, research_consent=True)
    for _ in range(3):
        make.submission(activity, {2: [{"choice": 3}]}, research_consent=False)
    release(make, activity)
    unpack(sign_in(researcher).get(pack_url(activity)), tmp_path)
    frame = pd.read_csv(tmp_path / "responses.csv")
    assert len(frame) == 6 and set(frame["q03"]) == {1}


def test_an_empty_activity_gives_a_valid_pack_that_explains_why(
    make, spoke, researcher, sign_in, tmp_path
):
    activity = make.activity(spoke, research_sharing="ask")
    unpack(sign_in(researcher).get(pack_url(activity)), tmp_path)
    assert frictionless.validate(str(tmp_path / "datapackage.json")).valid
    frame = pd.read_csv(tmp_path / "responses.csv")
    assert len(frame) == 0 and "q01" in frame.columns
    readme = " ".join((tmp_path / "README.txt").read_text().split())
    assert "responses.csv has no rows" in readme and "research" in readme


def test_fewer_than_k_young_people_share_no_rows(make, spoke, researcher, sign_in, tmp_path):
    activity = make.activity(spoke, research_sharing="ask", k_threshold=5)
    sent = [make.submission(activity, ANSWERS) for _ in range(5)]
    release(make, activity)
    for withdrawn in sent[:2]:  # withdrawals take rows out of every release
        make.session.delete(withdrawn)
    make.session.flush()
    unpack(sign_in(researcher).get(pack_url(activity)), tmp_path)
    assert len(pd.read_csv(tmp_path / "responses.csv")) == 0
    readme = " ".join((tmp_path / "README.txt").read_text().split())
    assert "fewer than 5 young people" in readme
    assert "3 young" not in readme  # the small number itself is not given away


def test_no_combination_of_quasi_identifiers_occurs_fewer_than_k_times(
    make, spoke, researcher, sign_in, tmp_path
):
    questions = [
        question_spec(QuestionKind.REACH, "", topic="age_band"),
        question_spec(QuestionKind.REACH, "", topic="living_situation"),
        question_spec(
            QuestionKind.SINGLE_CHOICE, "Did you feel listened to?", options=["Yes", "No"]
        ),
    ]
    activity = make.activity(spoke, research_sharing="ask", questions=questions, k_threshold=5)
    people = [(1, 1)] * 7 + [(2, 1)] * 5 + [(3, 2), (3, 3), (4, 5), (99, 6), (2, 4), (1, 2)]
    for age, living in people:
        make.submission(activity, {0: [{"choice": age}], 1: [{"choice": living}]})
    release(make, activity)
    unpack(sign_in(researcher).get(pack_url(activity)), tmp_path)
    frame = pd.read_csv(tmp_path / "responses.csv", dtype=str, keep_default_na=False)
    quasi = ["service", "month", "q01_age_band", "q02_living_situation"]
    assert len(frame) == len(people)
    assert frame.groupby(quasi).size().min() >= 5
    assert (frame[quasi] == "-2").any().any()
    readme = " ".join((tmp_path / "README.txt").read_text().split())
    assert "at least 5 rows" in readme and 'replaced with "-2"' in readme


NASTY = [
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@import",
    "<script>alert('hi')</script><b>bold</b>",
    "null\x00byte",
    "emoji 😀🏳️‍🌈 and ünïcödé",
    'line one\nline two, "quoted"',
    "\ttabbed",
]


def test_formulas_html_null_bytes_and_emoji_are_safe_in_csv_zip_and_sav(
    make, spoke, researcher, sign_in, tmp_path, db_session
):
    activity = make.activity(spoke, research_sharing="ask", k_threshold=1)
    # PostgreSQL cannot store NUL at all (answers are also cleaned when sent).
    nul = "\x00" if db_session.get_bind().dialect.name == "sqlite" else ""
    for text in NASTY:
        make.submission(activity, {4: [{"text": text.replace("\x00", nul)}]})
    release(make, activity)
    unpack(sign_in(researcher).get(pack_url(activity)), tmp_path)
    assert frictionless.validate(str(tmp_path / "datapackage.json")).valid
    texts = set(pd.read_csv(tmp_path / "responses.csv", keep_default_na=False)["q05"])
    assert "'=cmd|' /C calc'!A0" in texts
    assert "'+SUM(1,2)" in texts and "'-2+3" in texts and "'\ttabbed" in texts
    assert "<script>alert('hi')</script><b>bold</b>" in texts  # plain text, never rendered
    assert "nullbyte" in texts
    assert "emoji 😀🏳️‍🌈 and ünïcödé" in texts
    assert 'line one\nline two, "quoted"' in texts
    assert not any(t.startswith(("=", "+", "-", "@", "\t")) for t in texts)
    data, _ = pyreadstat.read_sav(str(tmp_path / "responses.sav"))
    assert "emoji 😀🏳️‍🌈 and ünïcödé" in set(data["q05"])


SENTENCES = {
    "My name is Jordan and my email is jordan.smith@example.com": ["Jordan", "jordan.smith"],
    "Call me on 07700 900123 or +44 7700 900456": ["07700", "900456"],
    "I live at 42 Acacia Avenue, LS1 4AB": ["42 Acacia", "LS1 4AB"],
    "Add me on snapchat: coolkid_2010 or @skater.girl": ["coolkid_2010", "skater.girl"],
    "My birthday is 14/03/2011 and I go to Oakfield Academy": ["14/03/2011", "Oakfield"],
    "See www.example-blog.co.uk/me for my story": ["example-blog"],
}


def test_personal_details_in_free_text_are_redacted(make, spoke, researcher, sign_in, tmp_path):
    activity = make.activity(spoke, research_sharing="ask", k_threshold=1)
    for sentence in SENTENCES:
        make.submission(activity, {4: [{"text": sentence}]})
    release(make, activity)
    unpack(sign_in(researcher).get(pack_url(activity)), tmp_path)
    csv_text = (tmp_path / "responses.csv").read_text()
    for details in SENTENCES.values():
        for detail in details:
            assert detail not in csv_text
    for placeholder in (
        "[name]",
        "[email]",
        "[phone]",
        "[postcode]",
        "[handle]",
        "[date]",
        "[url]",
    ):
        assert placeholder in csv_text


def test_every_download_is_audited_with_who_what_and_how_many(
    make, spoke, researcher, sign_in, db_session
):
    activity = make.activity(spoke, research_sharing="ask")
    for _ in range(5):
        make.submission(activity, ANSWERS)
    release(make, activity)
    client = sign_in(researcher)
    client.get(pack_url(activity)).get_data()
    client.get(f"/research/activities/{activity.id}/responses.csv").get_data()
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("export_%")).order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.staff_id, e.target_id, e.detail.get("rows")) for e in events] == [
        ("export_research_pack_started", researcher.id, activity.id, None),
        ("export_research_pack", researcher.id, activity.id, 5),
        ("export_responses_csv_started", researcher.id, activity.id, None),
        ("export_responses_csv", researcher.id, activity.id, 5),
    ]
    assert [e.detail.get("release") for e in events] == [1, 1, 1, 1]
    assert all(e.service_id == spoke.id and e.at is not None for e in events)


def test_downloads_stream_and_the_first_bytes_come_at_once(make, spoke, researcher, sign_in):
    activity = make.activity(spoke, research_sharing="ask")
    for _ in range(60):
        make.submission(activity, ANSWERS)
    release(make, activity)
    client = sign_in(researcher)
    for url, first in (
        (f"/research/activities/{activity.id}/responses.csv", b"row,service,month"),
        (pack_url(activity), b"PK\x03\x04"),
    ):
        started = time.perf_counter()
        response = client.get(url)
        chunks = iter(response.response)
        head = next(chunks)
        assert time.perf_counter() - started < 1.0
        assert response.is_streamed and head.startswith(first)
        rest = b"".join(chunks)
        assert len(head) < len(head + rest)
        response.close()


def test_a_download_abandoned_part_way_frees_its_database_cursor(make, spoke, researcher, sign_in):
    activity = make.activity(spoke, research_sharing="ask", k_threshold=1)
    for number in range(100):
        make.submission(activity, {4: [{"text": f"Answer {number} " + "words " * 150}]})
    release(make, activity)
    client = sign_in(researcher)
    for url in (f"/research/activities/{activity.id}/responses.csv", pack_url(activity)):
        response = client.get(url)
        chunks = iter(response.response)
        for _ in range(3):
            next(chunks)
        response.close()  # the browser went away; an open cursor would warn (and fail here)
    again = client.get(f"/research/activities/{activity.id}/responses.csv")
    assert len(pd.read_csv(io.BytesIO(again.get_data()))) == 100


def linked_people(make, activity, people: int, *, rows_each: int = 2) -> None:
    """`people` young people who each gave the same linking code on `rows_each` sends."""
    for _ in range(people):
        person = secrets.token_hex(32)
        for _ in range(rows_each):
            make.submission(activity, ANSWERS, link_hash=person)


def test_the_link_column_is_described_validates_and_differs_between_releases(
    make, spoke, researcher, sign_in, tmp_path
):
    activity = make.activity(spoke, title="Check-ins", research_sharing="ask", k_threshold=5)
    linked_people(make, activity, 5)
    linked_people(make, activity, 1, rows_each=3)  # the only one with 3 rows: unlinked
    for _ in range(3):
        make.submission(activity, ANSWERS)  # no linking code
    release(make, activity)
    client = sign_in(researcher)
    first = tmp_path / "first"
    unpack(client.get(f"/research/activities/{activity.id}/releases/1/pack.zip"), first)

    report = frictionless.validate(str(first / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    fields = {
        f["name"]: f
        for f in json.loads((first / "datapackage.json").read_text())["resources"][0]["schema"][
            "fields"
        ]
    }
    link = fields["link"]
    assert link["type"] == "string" and "pattern" in link["constraints"]
    for words in ("random", "this release", "Blank when the young person gave no code", "k"):
        assert words in link["description"]
    frame = pd.read_csv(first / "responses.csv", dtype=str, keep_default_na=False)
    assert list(frame.columns[:5]) == ["row", "service", "month", "language", "link"]
    per_link = Counter(frame["link"])
    assert per_link.pop("") == 3 + 3 and sorted(per_link.values()) == [2] * 5
    data, _ = pyreadstat.read_sav(str(first / "responses.sav"))
    assert Counter(data["link"]) == Counter(frame["link"])
    readme = " ".join((first / "README.txt").read_text().split())
    assert "The link column joins the rows of one young person within this release only" in readme
    assert "a link is kept only where at least 5 linked young people" in readme
    assert "The link was blanked on 3 rows." in readme

    linked_people(make, activity, 5, rows_each=1)
    release(make, activity)
    second = tmp_path / "second"
    unpack(client.get(f"/research/activities/{activity.id}/releases/2/pack.zip"), second)
    assert frictionless.validate(str(second / "datapackage.json")).valid
    again = pd.read_csv(second / "responses.csv", dtype=str, keep_default_na=False)
    assert len(again) == 21
    assert set(frame["link"]) & set(again["link"]) == {""}, "no link joins two releases"


def test_a_live_staff_csv_has_no_link_column(make, spoke, sign_in):
    activity = make.activity(spoke, research_sharing="ask", k_threshold=1)
    linked_people(make, activity, 2)
    client = sign_in(make.staff("lead", spoke))
    response = client.get(f"/research/activities/{activity.id}/service-answers.csv")
    assert response.status_code == 200
    frame = pd.read_csv(io.BytesIO(response.get_data()))
    assert len(frame) == 4 and "link" not in frame.columns
    assert "service" in frame.columns
