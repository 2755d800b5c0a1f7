"""Consent honoured exactly: each research-sharing option through every export and count."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from participation.activities.consent import (
    RESEARCH_ASK_PARAGRAPH,
    RESEARCH_WORDING,
    default_consent,
)
from participation.exports.releases import make_release
from participation.models.activities import RESEARCH_ASK, RESEARCH_OFF
from participation.problems import Conflict
from tests.helpers import csrf_token, page, text_of

SAID_YES, SAID_NO = 6, 3
# What researchers may receive under each option: off shares nothing, ask only the yeses.
SHARED = {RESEARCH_OFF: 0, RESEARCH_ASK: SAID_YES}


@pytest.fixture
def spoke(make):
    return make.service("Millbrook Spoke", hub=make.service("Riverside Hub", kind="hub"))


def answered(make, spoke, option: str):
    consent = default_consent(
        "self",
        service_name=spoke.name,
        retention_days=365,
        withdrawal_days=28,
        research_sharing=option,
    )
    activity = make.activity(
        spoke, title=f"Sharing {option}", research_sharing=option, consent=consent
    )
    for yes in [True] * SAID_YES + [False] * SAID_NO:
        # Under "off" nobody is asked; a stray yes must still share nothing.
        make.submission(
            activity, {0: [{"choice": 4}], 4: [{"text": "Good trips"}]}, research_consent=yes
        )
    return activity


def csv_rows(data: bytes) -> int:
    return len(pd.read_csv(io.BytesIO(data)))


@pytest.mark.parametrize("option", [RESEARCH_OFF, RESEARCH_ASK])
def test_each_option_reaches_researchers_exactly_as_consent_allows(
    make, spoke, sign_in, runner, tmp_path, option
):
    activity = answered(make, spoke, option)
    wording = RESEARCH_WORDING[option]
    lead = make.staff("lead", spoke)
    researcher = make.staff("researcher", spoke)

    client = sign_in(lead)
    index = client.get("/research/")
    response = client.post(
        f"/research/activities/{activity.id}/releases",
        data={"csrf_token": csrf_token(index)},
    )
    if option == RESEARCH_OFF:
        assert response.status_code == 409
        assert wording.staff in text_of(response)
    else:
        assert response.status_code == 302
    # The service keeps its own live CSV of every answer, whatever the research option.
    live = client.get(f"/research/activities/{activity.id}/service-answers.csv")
    assert csv_rows(live.get_data()) == SAID_YES + SAID_NO
    client.post("/staff/sign-out", data={"csrf_token": csrf_token(client.get("/research/"))})

    client = sign_in(researcher)
    listed = client.get("/research/")
    (row,) = [r for r in page(listed).select("tbody tr") if activity.title in r.get_text()]
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    if option == RESEARCH_OFF:
        assert wording.staff in cells[3], "the row says why nothing is shared"
        assert not row.select("a[href$='.zip'], a[href$='responses.csv'], a[href*='summary']")
    else:
        assert cells[3] == str(SAID_YES)
        assert row.select(f"a[href='/research/activities/{activity.id}/releases/1/pack.zip']")

    pack = client.get(f"/research/activities/{activity.id}/pack.zip")
    archive = zipfile.ZipFile(io.BytesIO(pack.get_data()))
    assert csv_rows(archive.read("responses.csv")) == SHARED[option]
    readme = " ".join(archive.read("README.txt").decode().split())
    assert wording.staff in readme
    assert ("summary.pdf" in archive.namelist()) == (option == RESEARCH_ASK)
    answers = client.get(f"/research/activities/{activity.id}/responses.csv")
    assert csv_rows(answers.get_data()) == SHARED[option]
    for summary in ("summary.pdf", "summary.csv"):
        response = client.get(f"/research/activities/{activity.id}/{summary}")
        assert response.status_code == (403 if option == RESEARCH_OFF else 200), summary
        if option == RESEARCH_OFF:
            assert wording.staff in text_of(response)

    out = tmp_path / "answers.csv"
    result = runner.invoke(args=["export", str(activity.id), "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out)) == SHARED[option]


def test_off_never_releases_and_says_why(make, spoke, db_session):
    activity = answered(make, spoke, RESEARCH_OFF)
    with pytest.raises(Conflict, match="Research sharing is off"):
        make_release(db_session, None, activity)


@pytest.mark.parametrize("option", [RESEARCH_OFF, RESEARCH_ASK])
def test_the_lead_the_young_person_and_the_researcher_read_the_same_thing(
    make, spoke, sign_in, client, option
):
    activity = answered(make, spoke, option)
    wording = RESEARCH_WORDING[option]
    consent_page = text_of(client.get(f"/j/{activity.join_code}"))
    settings = sign_in(make.staff("lead", spoke)).get(f"/studio/activities/{activity.id}/settings")
    labels = [label.get_text(" ", strip=True) for label in page(settings).select("label")]
    assert wording.lead in labels, "the settings form offers the option in these words"
    if option == RESEARCH_ASK:
        assert " ".join(RESEARCH_ASK_PARAGRAPH.split()) in consent_page
        assert "Researchers get only the answers of those who say yes" in wording.lead
        assert "only the answers of those who said yes" in wording.staff
        assert page(client.get(f"/j/{activity.join_code}")).select("input[name=research]")
    else:
        assert "researcher" not in consent_page.lower(), "nobody is told about research"
        assert f"Only workers at {spoke.name} read your answers" in consent_page
        assert "Researchers get nothing" in wording.lead
        assert "its answers stay with the service" in wording.staff


def test_a_researchers_report_across_activities_leaves_out_those_that_share_nothing(
    make, spoke, sign_in
):
    from pypdf import PdfReader

    shared = answered(make, spoke, RESEARCH_ASK)
    answered(make, spoke, RESEARCH_OFF)
    response = sign_in(make.staff("researcher", spoke)).get(
        f"/research/services/{spoke.id}/summary.pdf"
    )
    assert response.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.get_data())).pages)
    assert shared.title in text and "Sharing off" not in text
