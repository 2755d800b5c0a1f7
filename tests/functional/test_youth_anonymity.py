"""Anonymous by construction: no address, user agent, referrer or precise time is kept."""

from __future__ import annotations

import gzip
import logging
import re

from sqlalchemy import select

from participation.db import Base
from participation.models import Submission
from tests.functional.youth_journey import Journey, field_name
from tests.helpers import page, submit_form

CLIENT_ADDRESS = "203.0.113.197"
USER_AGENT = "DistinctiveTestBrowser/93.7 (Phone; zz-ZZ)"
REFERRER = "https://referrer.example/private-page"
PAGE_WEIGHT_LIMIT = 15 * 1024


def everything_in_the_database(db_session) -> str:
    """Every row of every table, as text."""
    dump = []
    for table in Base.metadata.sorted_tables:
        for row in db_session.execute(select(table)).all():
            dump.append(f"{table.name}: {row}")
    return "\n".join(dump)


def test_no_address_user_agent_or_referrer_in_any_table_or_log(client, make, db_session, caplog):
    activity = make.activity()
    client.environ_base.update(
        {"REMOTE_ADDR": CLIENT_ADDRESS, "HTTP_USER_AGENT": USER_AGENT, "HTTP_REFERER": REFERRER}
    )
    with caplog.at_level(logging.DEBUG):
        client.get("/j/ZZZZZZ")  # a wrong code is counted against the client
        journey = Journey(client, activity)
        journey.consent()
        journey.press("next", {field_name(activity.questions[0]): "4"})
        while journey.soup.find(class_="progress"):
            journey.press("next", {field_name(activity.questions[4]): "I want to run away"})
        journey.send()
        code = journey.soup.find(id="withdrawal-code").get_text(strip=True)
        submit_form(client, "/withdraw", {"code": "wrong-code-here-now"})
        client.get("/no-such-page")
    dump = everything_in_the_database(db_session)
    assert "submissions:" in dump and "flags:" in dump, "the journey stored nothing"
    logs = caplog.text + "\n".join(str(r.__dict__) for r in caplog.records)
    for secret in (CLIENT_ADDRESS, USER_AGENT, "DistinctiveTestBrowser", REFERRER, code):
        assert secret not in dump, secret
        assert secret not in logs, secret
    submitted = db_session.scalar(
        select(Submission.submitted_hour).where(Submission.activity_id == activity.id)
    )
    assert (submitted.minute, submitted.second, submitted.microsecond) == (0, 0, 0)


def test_the_only_cookie_is_the_strictly_necessary_session(client, make):
    activity = make.activity()
    journey = Journey(client, activity)
    responses = [journey.open(), journey.consent(), journey.press("pass")]
    set_cookies = [h for r in responses for h in r.headers.getlist("Set-Cookie")]
    assert set_cookies
    assert {h.split("=", 1)[0] for h in set_cookies} == {"session"}


def _gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def _page_weight(client, response) -> int:
    soup = page(response)
    total = _gzip_size(response.get_data())
    assets = [tag["href"] for tag in soup.find_all("link", rel="stylesheet")]
    assets += [tag["src"] for tag in soup.find_all("script", src=True)]
    for url in assets:
        with client.get(url) as asset:
            assert asset.status_code == 200, url
            total += _gzip_size(asset.get_data())
    return total


def _third_party_resources(response) -> list[str]:
    soup = page(response)
    found = []
    for tag in soup.find_all(["script", "link", "img", "iframe", "source", "audio", "video"]):
        for attribute in ("src", "href", "srcset"):
            value = tag.get(attribute) or ""
            if re.match(r"^(https?:)?//", value):
                found.append(value)
    for form in soup.find_all("form"):
        if re.match(r"^(https?:)?//", form.get("action", "")):
            found.append(form["action"])
    return found


def test_consent_and_question_pages_are_light_and_load_nothing_from_elsewhere(client, make):
    activity = make.activity(research_sharing="ask")
    journey = Journey(client, activity)
    pages = {"consent": journey.open()}
    journey.consent()
    for position in range(len(activity.questions)):
        pages[f"question {position + 1}"] = journey.last
        journey.press("pass")
    pages["check"] = journey.last
    for name, response in pages.items():
        assert response.status_code == 200, name
        weight = _page_weight(client, response)
        assert weight <= PAGE_WEIGHT_LIMIT, f"{name}: {weight} bytes compressed"
        assert _third_party_resources(response) == [], name
        assert page(response).find("html")["lang"]
