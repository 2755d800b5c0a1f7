"""Joining by QR code (/j/<code>) or by typing a code (/join), and what wrong codes get."""

from __future__ import annotations

from datetime import timedelta

import pytest

from participation import throttle
from participation.clock import utcnow
from participation.models import Action, RetiredJoinCode
from participation.models.activities import CLOSED, DRAFT
from tests.helpers import csrf_token, page, submit_form, text_of

WRONG_CODE_LIMIT = int(throttle.WRONG_JOIN_CODE_PER_CLIENT.split()[0])


def test_start_page_links_to_typing_a_code(client):
    link = page(client.get("/")).find("a", string="Enter a code")
    assert link["href"] == "/join"


@pytest.mark.parametrize("typed", ["JN4KD2", " jn4 kd2 ", "jn4-kd2"])
def test_typing_a_code_in_any_case_or_spacing_leads_to_the_activity(client, make, typed):
    make.activity(join_code="JN4KD2")
    response = submit_form(client, "/join", {"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"] == "/j/JN4KD2"


def test_the_qr_address_ignores_case(client, make):
    activity = make.activity(join_code="JN4KD2", title="Group feedback")
    response = client.get("/j/jn4kd2")
    assert response.status_code == 200
    assert page(response).find("h1").get_text() == activity.title


def test_an_empty_code_asks_for_one(client):
    response = submit_form(client, "/join", {"code": "  "})
    soup = page(response)
    assert soup.find(class_="error-summary").find("a")["href"] == "#code"
    assert "Enter the code you were given" in soup.find(class_="error-message").get_text()


def test_a_wrong_typed_code_is_shown_next_to_the_field_and_kept(client):
    response = submit_form(client, "/join", {"code": "zz zz zz"})
    assert response.status_code == 404
    soup = page(response)
    assert "We could not find that code" in soup.find(class_="error-message").get_text()
    assert soup.find("input", attrs={"name": "code"})["value"] == "zz zz zz"
    assert soup.find("input", attrs={"name": "code"})["aria-invalid"] == "true"


@pytest.mark.parametrize(
    ("fields", "heading"),
    [
        ({"status": CLOSED}, "This has finished"),
        ({"status": DRAFT}, "This has not started yet"),
        ({"opens_at": utcnow() + timedelta(hours=2)}, "This has not started yet"),
        ({"closes_at": utcnow() - timedelta(hours=2)}, "This has finished"),
        ({"joining_locked": True}, "This is not taking new people"),
    ],
)
def test_each_state_has_its_own_kind_message(client, make, fields, heading):
    make.activity(join_code="STAT34", **fields)
    for response in (client.get("/j/STAT34"), submit_form(client, "/join", {"code": "stat34"})):
        if response.status_code == 302:
            response = client.get(response.headers["Location"])
        assert response.status_code == 200
        assert page(response).find("h1").get_text() == heading
        assert "Leave this site" in text_of(response)
        assert page(response).find("form", attrs={"action": "/j/STAT34", "method": "post"}) is None


def test_unknown_and_retired_codes(client, make):
    activity = make.activity(join_code="NEW345")
    make.session.add(RetiredJoinCode(code="OLD345", activity_id=activity.id))
    make.session.flush()
    retired = client.get("/j/old345")
    assert retired.status_code == 404
    assert page(retired).find("h1").get_text() == "This code is no longer in use"
    assert activity.title not in text_of(retired)
    unknown = client.get("/j/ZZZZ99")
    assert unknown.status_code == 404
    assert page(unknown).find("h1").get_text() == "We could not find that code"


def test_a_closed_activity_with_actions_shows_you_said_we_did(client, make, db_session):
    activity = make.activity(join_code="DONE45", status=CLOSED, title="Summer group")
    db_session.add_all(
        [
            Action(
                activity_id=activity.id, you_said="Sessions are too early", we_did="Moved to 6pm"
            ),
            Action(activity_id=activity.id, you_said="More trips", we_did="Booked two trips"),
        ]
    )
    db_session.flush()
    response = client.get("/j/done45")
    soup = page(response)
    assert soup.find("h1").get_text() == "You said, we did"
    items = [li.get_text(" ", strip=True) for li in soup.select(".you-said li")]
    assert items == [
        "You said: Sessions are too early We did: Moved to 6pm",
        "You said: More trips We did: Booked two trips",
    ]


def test_wrong_codes_are_rate_limited_but_valid_codes_never_are(client, make):
    make.activity(join_code="GOOD56")
    client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    for attempt in range(WRONG_CODE_LIMIT):
        assert client.get(f"/j/ZZ{attempt:04d}").status_code == 404
    blocked = client.get("/j/ZZZZZZ")
    assert blocked.status_code == 429
    assert "Too many tries" in text_of(blocked)
    typed = client.post(
        "/join", data={"code": "YYYYYY", "csrf_token": csrf_token(client.get("/join"))}
    )
    assert typed.status_code == 429
    for _ in range(5):
        assert client.get("/j/good56").status_code == 200
    response = submit_form(client, "/join", {"code": "good56"})
    assert response.headers["Location"] == "/j/GOOD56"
    # Another client on a different address is not affected.
    other = client.application.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.8"
    assert other.get("/j/ZZZZZZ").status_code == 404


def test_a_whole_class_mistyping_twice_each_is_not_blocked(client, make):
    client.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    for attempt in range(30 * 2):
        assert client.get(f"/j/AB{attempt:04d}").status_code == 404


def test_wrong_codes_fail_open_when_the_limiter_storage_is_down(app, client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise ConnectionError("storage down")

    monkeypatch.setattr(app.extensions["throttle"].limiter, "hit", broken)
    for _ in range(WRONG_CODE_LIMIT + 5):
        assert client.get("/j/ZZZZZZ").status_code == 404


def test_join_form_recovers_from_a_missing_csrf_token(client):
    response = client.post("/join", data={"code": "ab3 7kd"})
    assert response.status_code == 200
    assert page(response).find("input", attrs={"name": "code"})["value"] == "ab3 7kd"
    assert "press the button again" in text_of(response)
