"""Rate limits against real Redis, and what happens when the limiter's storage is down."""

from __future__ import annotations

import os
import secrets

import pytest
import redis

from participation import create_app
from tests.conftest import TEST_SECRET
from tests.helpers import PASSWORD, submit_form, text_of

REDIS_URL = os.environ.get("PARTICIPATION_TEST_REDIS_URL")


def app_with_storage(app, uri: str, prefix: str):
    """A second app on the same test transaction, with another rate-limit storage."""
    other = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": app.config["DATABASE_URL"],
            "ENGINE": app.extensions["engine"],
            "SECRET_KEY": TEST_SECRET,
            "RATELIMIT_STORAGE_URI": uri,
            "RATELIMIT_KEY_PREFIX": prefix,
        }
    )
    other.extensions["sessionmaker"] = app.extensions["sessionmaker"]
    return other


@pytest.mark.redis
@pytest.mark.skipif(
    not REDIS_URL, reason="set PARTICIPATION_TEST_REDIS_URL to run against real Redis"
)
def test_sign_in_throttling_is_shared_through_redis_and_keys_hold_no_address(app, make):
    prefix = f"participation-test-{secrets.token_hex(4)}"
    staff = make.staff("lead")
    # Two app instances (as two gunicorn machines would be) share the count through Redis.
    first = app_with_storage(app, REDIS_URL, prefix).test_client()
    second = app_with_storage(app, REDIS_URL, prefix).test_client()
    address = {"REMOTE_ADDR": "198.51.100.23"}
    for client in (first, second) * 5:
        client.environ_base.update(address)
        submit_form(
            client, "/staff/sign-in", {"email": staff.email, "password": "wrong-password-123"}
        )
    second.environ_base.update(address)
    response = submit_form(second, "/staff/sign-in", {"email": staff.email, "password": PASSWORD})
    assert response.status_code == 429
    store = redis.Redis.from_url(REDIS_URL)
    try:
        keys = [key.decode() for key in store.scan_iter(f"*{prefix}*")]
        assert keys, "the limiter stored nothing in Redis"
        assert not any("198.51.100.23" in key or staff.email in key for key in keys)
        for key in keys:
            store.delete(key)
    finally:
        store.close()


def test_sign_in_fails_closed_when_the_limiter_storage_is_down(app, make):
    staff = make.staff("lead")
    # Nothing listens on port 1: every storage call fails at once.
    client = app_with_storage(app, "redis://127.0.0.1:1/0", "down").test_client()
    response = submit_form(client, "/staff/sign-in", {"email": staff.email, "password": PASSWORD})
    assert response.status_code == 503
    assert "Signing in is paused" in text_of(response)
    assert client.get("/results/").status_code == 302
