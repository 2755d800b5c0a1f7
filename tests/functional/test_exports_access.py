"""Who may download what: researchers and leads within their scope, nobody else."""

from __future__ import annotations

import pytest

from tests.helpers import page, text_of

DOWNLOADS = ("pack.zip", "responses.csv", "summary.pdf", "summary.csv")


@pytest.fixture
def services(make):
    hub = make.service("Riverside Hub", kind="hub")
    return hub, make.service("Millbrook Spoke", hub=hub), make.service("Eastgate Spoke", hub=hub)


def test_a_researcher_outside_the_scope_gets_not_found(make, services, sign_in):
    _hub, north, east = services
    activity = make.activity(north, title="North group")
    for _ in range(5):
        make.submission(activity, {0: [{"choice": 3}]})
    client = sign_in(make.staff("researcher", east))
    for name in DOWNLOADS:
        response = client.get(f"/research/activities/{activity.id}/{name}")
        assert response.status_code == 404, name
    assert client.get(f"/research/services/{north.id}/summary.pdf").status_code == 404
    assert client.get(f"/research/activities/999999/{DOWNLOADS[0]}").status_code == 404


@pytest.mark.parametrize("role", ["researcher", "lead", "admin"])
def test_hub_staff_and_admins_may_download_a_spokes_activity(make, services, sign_in, role):
    hub, north, _ = services
    activity = make.activity(north, research_sharing="ask")
    for _ in range(5):
        make.submission(activity, {0: [{"choice": 3}]})
    client = sign_in(make.staff(role, None if role == "admin" else hub))
    for name in ("pack.zip", "responses.csv", "summary.csv"):
        response = client.get(f"/research/activities/{activity.id}/{name}")
        assert response.status_code == 200, name
        response.close()


def test_the_research_page_lists_only_activities_in_scope_with_small_counts_hidden(
    make, services, sign_in
):
    _hub, north, east = services
    mine = make.activity(north, title="North group", research_sharing="ask")
    enough = make.activity(north, title="North workshop", research_sharing="ask")
    make.activity(east, title="East group")
    make.activity(north, title="Draft plans", status="draft")
    for _ in range(3):
        make.submission(mine, {0: [{"choice": 3}]})
    for _ in range(5):
        make.submission(enough, {0: [{"choice": 3}]})
    client = sign_in(make.staff("researcher", north))
    response = client.get("/research/")
    assert response.status_code == 200
    text = text_of(response)
    assert "North group" in text and "East group" not in text and "Draft plans" not in text
    assert "fewer than 5" in text
    links = {a["href"] for a in page(response).select("a[download]")}
    assert f"/research/activities/{mine.id}/summary.pdf" in links
    # Nothing released yet: the page says how many more answers a first release needs.
    rows = {row.td.find(string=True).strip(): row for row in page(response).select("tbody tr")}
    mine_text = rows["North group"].get_text(" ", strip=True)
    assert "No release yet." in mine_text
    assert "needs the answers of 5 young people who said yes: 2 more needed" in mine_text
    assert "more needed" not in rows["North workshop"].get_text(" ", strip=True)
    assert not page(response).select("form[action$='/releases']"), "researchers cannot release"


def test_anonymous_visitors_are_sent_to_sign_in(make, client):
    activity = make.activity()
    response = client.get(f"/research/activities/{activity.id}/pack.zip")
    assert response.status_code == 302 and "/staff/sign-in" in response.headers["Location"]
