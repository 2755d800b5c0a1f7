"""Behind nginx: rate limits key on the forwarded client address only when told to trust it."""

from __future__ import annotations

import pytest

from participation import create_app, throttle
from tests.conftest import TEST_SECRET


def key_seen(proxy_count: int, remote: str, forwarded: str | None) -> str:
    """The limiter key a request from `remote` (forwarding `forwarded`) is counted under."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": "sqlite://",
            "SECRET_KEY": TEST_SECRET,
            "PROXY_COUNT": proxy_count,
        }
    )
    app.add_url_rule("/_key", "key", throttle.client_key)
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    response = app.test_client().get("/_key", headers=headers, environ_base={"REMOTE_ADDR": remote})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_behind_one_proxy_each_young_person_gets_their_own_limit():
    first = key_seen(1, "127.0.0.1", "198.51.100.1")
    second = key_seen(1, "127.0.0.1", "198.51.100.2")
    assert first != second
    assert "198.51.100" not in first + second, "keys hold a hash, never the address"
    # nginx sets the header to the connecting address; anything a client sent before it is ignored.
    assert key_seen(1, "127.0.0.1", "203.0.113.7, 198.51.100.1") == first


@pytest.mark.parametrize("forwarded", ["198.51.100.1", "198.51.100.2"])
def test_without_a_proxy_a_forged_header_changes_nothing(forwarded):
    assert key_seen(0, "192.0.2.10", forwarded) == key_seen(0, "192.0.2.10", None)
