"""The outcomes research pack: a Hub's outcome answers across activities, linked per pack."""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import frictionless
import pandas as pd
import pytest
from sqlalchemy import select

from participation.activities.kinds import question_spec
from participation.exports.releases import make_release
from participation.models import AuditEvent
from participation.models.activities import RESEARCH_ASK, RESEARCH_OFF
from participation.models.enums import QuestionKind
from participation.outcomes.bank import bank_for, question_fields
from tests.helpers import page, text_of

# Submission hours are stored as naive UTC.
MARCH = datetime(2026, 3, 10, 14)  # noqa: DTZ001
MAY = datetime(2026, 5, 12, 9)  # noqa: DTZ001
FEBRUARY = datetime(2026, 2, 28, 23)  # noqa: DTZ001 - the last hour before the period
PERIOD = {"month_from": "2026-03", "month_to": "2026-05"}
SAFE, HELP = 0, 1  # positions of the two outcome questions in every outcome activity


@pytest.fixture
def hub(make):
    return make.service("Riverside Hub", kind="hub")


@pytest.fixture
def spoke(make, hub):
    return make.service("Millbrook Spoke", hub=hub)


@pytest.fixture
def researcher(make, hub):
    return make.staff("researcher", hub)


def outcome_activity(make, service, *, sharing=RESEARCH_ASK, title=None, k=5):
    """An activity asking two bank outcome questions, a free-text and a reach question."""
    bank = {item.key: item for item in bank_for(make.session, service.parent_id or service.id)}
    questions = [
        question_fields(bank["outcome:feel-safe"]),
        question_fields(bank["outcome:know-where-to-get-help"]),
        question_spec(QuestionKind.FREE_TEXT, "Anything else?"),
        question_spec(QuestionKind.REACH, "", topic="age_band"),
    ]
    return make.activity(
        service,
        questions=questions,
        research_sharing=sharing,
        k_threshold=k,
        title=title or f"Check-in {secrets.token_hex(2)}",
    )


def answers(safe=4, help_=None, text="Workers were kind"):
    values = {SAFE: [{"choice": safe}], 2: [{"text": text}], 3: [{"choice": 2}]}
    if help_ is not None:
        values[HELP] = [{"choice": help_}]
    return values


def send(make, activity, count, *, when=MARCH, link=None, values=None, **kw):
    """`count` submissions of the same answers, sent in the hour `when`."""
    return [
        make.submission(
            activity, answers(**(values or {})), submitted_hour=when, link_hash=link, **kw
        )
        for _ in range(count)
    ]


def release(make, *activities):
    for activity in activities:
        make_release(make.session, None, activity)
    make.session.flush()


def download(client, service, tmp_path: Path, **period) -> pd.DataFrame:
    """Download and unzip a pack; its rows with every cell read as text."""
    response = client.get(
        "/research/outcomes/pack.zip", query_string={"service_id": service.id, **(period or PERIOD)}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert set(archive.namelist()) == {"outcomes.csv", "datapackage.json", "README.txt"}
    archive.extractall(tmp_path)
    return pd.read_csv(tmp_path / "outcomes.csv", dtype=str, keep_default_na=False)


def status(client, service_id: int) -> int:
    query = {"service_id": service_id, **PERIOD}
    return client.get("/research/outcomes/pack.zip", query_string=query).status_code


def readme(folder: Path) -> str:
    return " ".join((folder / "README.txt").read_text().split())


def test_rows_come_only_from_released_consented_outcome_answers_of_the_hub_in_the_period(
    make, hub, spoke, researcher, sign_in, tmp_path
):
    asked = outcome_activity(make, spoke, title="Spring check-in")
    send(make, asked, 6, values={"safe": 4, "help_": 2})
    send(make, asked, 2, research_consent=False, values={"safe": 1})
    send(make, asked, 5, when=FEBRUARY, values={"safe": 1})
    off = outcome_activity(make, spoke, sharing=RESEARCH_OFF)
    send(make, off, 6, values={"safe": 1})
    plain = make.activity(spoke, research_sharing=RESEARCH_ASK, title="No outcomes here")
    for _ in range(6):
        make.submission(plain, {0: [{"choice": 1}]}, submitted_hour=MARCH)
    other_hub = make.service("Eastfield Hub", kind="hub")
    elsewhere = outcome_activity(make, make.service("Eastfield Spoke", hub=other_hub))
    send(make, elsewhere, 6, values={"safe": 1})
    never_released = outcome_activity(make, spoke)
    send(make, never_released, 6, values={"safe": 1})
    release(make, asked, plain, elsewhere)
    send(make, asked, 5, values={"safe": 1})  # sent after the release: not released yet

    frame = download(sign_in(researcher), hub, tmp_path)

    assert len(frame) == 6
    assert list(frame.columns) == [
        "row",
        "link",
        "activity",
        "service",
        "participation_type",
        "month",
        "language",
        "outcome_feel_safe",
        "outcome_know_where_to_get_help",
    ]
    assert set(frame["outcome_feel_safe"]) == {"4"} and set(
        frame["outcome_know_where_to_get_help"]
    ) == {"2"}
    assert set(frame["activity"]) == {"1"} and set(frame["service"]) == {"Millbrook Spoke"}
    assert set(frame["month"]) == {"2026-03"} and sorted(frame["row"], key=int) == [
        str(n) for n in range(1, 7)
    ]
    text = readme(tmp_path)
    assert "1: Spring check-in (Millbrook Spoke, Group work; release 1)" in text
    assert "1 activity asking outcome questions did not ask young people to share" in text
    assert "1 activity asking outcome questions had nothing released for research yet" in text
    assert "Workers were kind" not in (tmp_path / "outcomes.csv").read_text()


def test_a_passed_outcome_question_is_coded_and_one_not_asked_is_blank(
    make, hub, spoke, researcher, sign_in, tmp_path
):
    both = outcome_activity(make, spoke)
    send(make, both, 5, values={"safe": 3})  # passed the second question
    bank = {item.key: item for item in bank_for(make.session, hub.id)}
    only_confidence = make.activity(
        spoke,
        research_sharing=RESEARCH_ASK,
        questions=[question_fields(bank["outcome:confidence"])],
    )
    for _ in range(5):
        make.submission(only_confidence, {0: [{"choice": 5}]}, submitted_hour=MARCH)
    release(make, both, only_confidence)

    frame = download(sign_in(researcher), hub, tmp_path)

    # Bank order: feel safe, know where to get help, ..., confidence.
    assert list(frame.columns[-3:]) == [
        "outcome_feel_safe",
        "outcome_know_where_to_get_help",
        "outcome_confidence",
    ]
    by_activity = {
        activity: group.drop(columns=["row", "link"]).drop_duplicates().to_dict("records")
        for activity, group in frame.groupby("activity")
    }
    cells = sorted(
        (row["outcome_feel_safe"], row["outcome_know_where_to_get_help"], row["outcome_confidence"])
        for rows in by_activity.values()
        for row in rows
    )
    assert cells == [("", "", "5"), ("3", "-1", "")]


def linked(make, first, second, people, *, language="en"):
    """`people` young people who each answered `first` in March and `second` in May, linked."""
    hashes = []
    for _ in range(people):
        person = secrets.token_hex(32)
        hashes.append(person)
        make.submission(first, answers(safe=2), submitted_hour=MARCH, link_hash=person)
        make.submission(second, answers(safe=4), submitted_hour=MAY, link_hash=person)
    return hashes


@pytest.fixture
def linked_hub(make, hub, spoke):
    """Two activities of a Spoke: 5 people linked across both, 1 rarer, 2 who gave no code."""
    first = outcome_activity(make, spoke, title="First measure")
    second = outcome_activity(make, spoke, title="Latest measure")
    common = linked(make, first, second, 5)
    rare = secrets.token_hex(32)  # answered the first activity twice: nobody else did
    for _ in range(2):
        make.submission(first, answers(safe=1), submitted_hour=MARCH, link_hash=rare)
    make.submission(second, answers(safe=5), submitted_hour=MAY, link_hash=rare)
    for activity, when in ((first, MARCH), (second, MAY)):
        send(make, activity, 2, when=when)
    release(make, first, second)
    return {"common": common, "rare": rare, "first": first, "second": second}


def test_one_young_persons_rows_in_two_activities_share_a_link_and_a_rare_profile_is_blanked(
    make, hub, researcher, sign_in, tmp_path, linked_hub
):
    frame = download(sign_in(researcher), hub, tmp_path)

    assert len(frame) == 5 * 2 + 3 + 2 * 2
    per_link = Counter(frame["link"])
    assert per_link.pop("") == 3 + 4, "the rare person's 3 rows and 4 without a code"
    assert sorted(per_link.values()) == [2] * 5
    activities_of = defaultdict(set)
    months_of = defaultdict(list)
    for row in frame.itertuples():
        if row.link:
            activities_of[row.link].add(row.activity)
            months_of[row.link].append((row.month, row.outcome_feel_safe))
    assert all(len(numbers) == 2 for numbers in activities_of.values())
    assert all(
        sorted(pairs) == [("2026-03", "2"), ("2026-05", "4")] for pairs in months_of.values()
    )
    assert all(link.startswith("p") and len(link) == 17 for link in per_link)

    text = readme(tmp_path)
    assert "The link was blanked on 3 rows." in text
    assert "Young people whose link was blanked: fewer than 5." in text
    assert "Linked young people in these rows: 6." in text
    assert "checked together" in text


def test_two_downloads_of_the_same_data_share_no_link(
    make, hub, researcher, sign_in, tmp_path, linked_hub
):
    client = sign_in(researcher)
    first = download(client, hub, tmp_path / "first")
    again = download(client, hub, tmp_path / "again")

    assert set(first["link"]) - {""} and set(again["link"]) - {""}
    assert set(first["link"]) & set(again["link"]) == {""}, "no link joins two packs"
    same = ["service", "participation_type", "month", "language", "outcome_feel_safe"]
    assert Counter(map(tuple, first[same].values)) == Counter(map(tuple, again[same].values))


def test_the_stored_hash_never_leaves_in_the_pack(
    make, hub, researcher, sign_in, tmp_path, linked_hub
):
    response = sign_in(researcher).get(
        "/research/outcomes/pack.zip", query_string={"service_id": hub.id, **PERIOD}
    )
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    everything = b"".join(archive.read(name) for name in archive.namelist())
    frame = pd.read_csv(io.BytesIO(archive.read("outcomes.csv")), dtype=str, keep_default_na=False)
    assert (frame["link"] != "").sum() == 10, "the common profile's links are in the pack"
    for stored in [*linked_hub["common"], linked_hub["rare"]]:
        for piece in (stored, stored[:16], stored[-16:]):
            assert piece.encode() not in everything


def test_the_pack_validates_and_describes_its_link_and_outcome_columns(
    make, hub, researcher, sign_in, tmp_path, linked_hub
):
    download(sign_in(researcher), hub, tmp_path)

    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    assert descriptor["kAnonymity"] == 5
    fields = {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}
    assert all(f.get("type") and f.get("title") and f.get("description") for f in fields.values())
    link = fields["link"]
    assert link["type"] == "string" and "pattern" in link["constraints"]
    for words in ("random", "this pack only", "cannot be matched", "fewer than k"):
        assert words in link["description"]
    safe = fields["outcome_feel_safe"]
    assert safe["title"] == "I feel safe." and safe["type"] == "integer"
    assert safe["constraints"] == {"enum": [1, 2, 3, 4, 5]}
    assert safe["valueLabels"]["5"] == "Completely true"
    assert "outcome:feel-safe" in safe["description"]
    for name in ("activity", "service", "participation_type", "month", "language"):
        assert fields[name]["quasiIdentifier"] is True


def test_a_spoke_sees_only_its_own_rows_and_never_another_hubs(
    app, make, hub, spoke, sign_in, tmp_path
):
    mine = outcome_activity(make, spoke)
    send(make, mine, 5)
    sibling = make.service("Northgate Spoke", hub=hub)
    theirs = outcome_activity(make, sibling)
    send(make, theirs, 5)
    other_hub = make.service("Eastfield Hub", kind="hub")
    release(make, mine, theirs)

    client = sign_in(make.staff("researcher", spoke))
    frame = download(client, spoke, tmp_path)
    assert len(frame) == 5 and set(frame["service"]) == {"Millbrook Spoke"}
    for forbidden in (hub.id, sibling.id, other_hub.id, 999_999):
        assert status(client, forbidden) == 404

    lead = sign_in(make.staff("lead", other_hub), into=app.test_client())
    assert status(lead, hub.id) == 404 and status(lead, other_hub.id) == 200

    hub_lead = sign_in(make.staff("lead", hub), into=app.test_client())
    both = download(hub_lead, hub, tmp_path / "hub")
    assert Counter(both["service"]) == {"Millbrook Spoke": 5, "Northgate Spoke": 5}
    assert status(hub_lead, sibling.id) == 200 and status(hub_lead, other_hub.id) == 404


@pytest.mark.parametrize(
    ("month_from", "month_to", "message"),
    [
        ("2026-13", "2026-05", "Enter a real month, for example 2026-03."),
        ("March", "2026-05", "Enter a real month, for example 2026-03."),
        ("2026-06", "2026-05", "The last month must be the same as or after the first month."),
        ("", "2026-05", "Enter the first month"),
        ("2026-01", "1999-12", "Enter a date between 2000 and 2100."),
        ("2026-0３", "2026-05", "Enter a real month"),
    ],
)
def test_a_bad_period_gets_a_friendly_error_and_nothing_is_recorded(
    make, hub, researcher, sign_in, month_from, month_to, message
):
    response = sign_in(researcher).get(
        "/research/outcomes/pack.zip",
        query_string={"service_id": hub.id, "month_from": month_from, "month_to": month_to},
    )
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert message in text_of(response)
    recorded = make.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("export_outcome_pack%"))
    ).all()
    assert recorded == []


def test_every_download_is_audited_with_counts_only(
    make, hub, researcher, sign_in, tmp_path, linked_hub
):
    download(sign_in(researcher), hub, tmp_path)

    events = make.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action.like("export_outcome_pack%"))
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["export_outcome_pack_started", "export_outcome_pack"]
    event = events[-1]
    assert event.detail["outcome"] == "completed"
    assert event.staff_id == researcher.id and event.service_id == hub.id
    assert event.detail["rows"] == 17 and event.detail["activities"] == 2
    assert event.detail["month_from"] == "2026-03" and event.detail["month_to"] == "2026-05"
    assert event.detail["unlinked_rows"] == 3
    recorded = json.dumps([e.detail for e in events])
    assert not any(stored in recorded for stored in linked_hub["common"])


def test_fewer_than_k_young_people_share_no_rows(make, hub, spoke, researcher, sign_in, tmp_path):
    activity = outcome_activity(make, spoke)
    sent = send(make, activity, 5)
    release(make, activity)
    for withdrawn in sent[:2]:  # withdrawals take rows out of every release
        make.session.delete(withdrawn)
    make.session.flush()

    frame = download(sign_in(researcher), hub, tmp_path)
    assert len(frame) == 0 and "outcome_feel_safe" in frame.columns
    assert frictionless.validate(str(tmp_path / "datapackage.json")).valid
    assert "the answers of fewer than 5 young people" in readme(tmp_path)


def test_the_research_page_links_to_the_outcomes_form_listing_visible_services(
    make, hub, spoke, researcher, sign_in
):
    make.service("Eastfield Hub", kind="hub")
    client = sign_in(researcher)
    index = page(client.get("/research/"))
    assert index.find("a", href="/research/outcomes") is not None
    form = page(client.get("/research/outcomes"))
    options = [option.get_text(strip=True) for option in form.select("select option")]
    assert options == ["Riverside Hub and its Spokes", "Millbrook Spoke"]
    assert form.find("form", action="/research/outcomes/pack.zip") is not None


@pytest.mark.parametrize("service_id", ["", "Riverside", "2.5"])
def test_a_missing_or_junk_service_gets_a_friendly_error(
    make, hub, researcher, sign_in, service_id
):
    response = sign_in(researcher).get(
        "/research/outcomes/pack.zip", query_string={"service_id": service_id, **PERIOD}
    )
    assert response.status_code == 400
    assert "Choose a Hub or a service." in text_of(response)


def test_a_rare_row_is_suppressed_and_the_pack_still_validates(
    make, hub, spoke, researcher, sign_in, tmp_path
):
    activity = outcome_activity(make, spoke)
    send(make, activity, 10)
    welsh = make.submission(activity, answers(safe=5), submitted_hour=MARCH)
    welsh.language = "cy"  # the only young person who answered in Welsh
    make.session.flush()
    release(make, activity)

    frame = download(sign_in(researcher), hub, tmp_path)

    # The Welsh row loses every identifying value; 4 others join it so it hides among 5.
    assert Counter(frame["language"]) == {"en": 6, "-2": 5}
    hidden = frame[frame["language"] == "-2"]
    assert set(hidden["month"]) == set(hidden["service"]) == set(hidden["activity"]) == {"-2"}
    assert sorted(hidden["outcome_feel_safe"]) == ["4", "4", "4", "4", "5"]
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert 'To do this, 25 values were replaced with "-2"' in readme(tmp_path)
