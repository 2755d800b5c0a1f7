"""Production refuses plain http and secret keys that are long but easy to guess."""

from __future__ import annotations

import secrets

import pytest

from participation.config import MIN_SECRET_BITS, ConfigError, load_settings, secret_key_bits

GOOD_KEY = "Wq3vN8s2Lr7Kx5Tz0Yb4Hd6Jf9Mc1Pg2Vn8Rs5Qe7Ua3Io"


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("PARTICIPATION_ENV", "production")
    monkeypatch.setenv("PARTICIPATION_BASE_URL", "https://feedback.example.org")
    monkeypatch.setenv("PARTICIPATION_SECRET_KEY", GOOD_KEY)
    monkeypatch.delenv("PARTICIPATION_DEBUG", raising=False)
    return monkeypatch


def test_good_production_settings_start(tmp_path, production):
    settings = load_settings(tmp_path)
    assert settings["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    "base_url",
    ["http://feedback.example.org", "feedback.example.org", "", "https://", "ftp://example.org"],
)
def test_production_refuses_a_base_url_that_is_not_https(tmp_path, production, base_url):
    production.setenv("PARTICIPATION_BASE_URL", base_url)
    with pytest.raises(ConfigError, match="must be an https:// address"):
        load_settings(tmp_path)


@pytest.mark.parametrize(
    "key",
    [
        "a" * 64,
        "password" * 8,
        "0123456789" * 4,
        "change-me-" * 4,
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ",
        "passwordpasswordpassword1234567890",
        "zyxwvutsrqponmlkjihgfedcba9876543210",
    ],
)
def test_production_refuses_a_long_but_predictable_secret_key(tmp_path, production, key):
    production.setenv("PARTICIPATION_SECRET_KEY", key)
    with pytest.raises(ConfigError, match="too easy to guess") as refused:
        load_settings(tmp_path)
    assert "secrets.token_hex(32)" in str(refused.value)


def test_production_still_refuses_a_short_key_as_short(tmp_path, production):
    production.setenv("PARTICIPATION_SECRET_KEY", "Wq3vN8s2Lr7")
    with pytest.raises(ConfigError, match="at least 32 characters"):
        load_settings(tmp_path)


def test_random_keys_are_always_strong_enough():
    makers = (secrets.token_hex, secrets.token_urlsafe)
    for _ in range(2000):
        for make in makers:
            assert secret_key_bits(make(16)) >= MIN_SECRET_BITS
    assert secret_key_bits(GOOD_KEY) >= MIN_SECRET_BITS


def test_development_does_not_mind(tmp_path, monkeypatch):
    monkeypatch.setenv("PARTICIPATION_ENV", "development")
    monkeypatch.setenv("PARTICIPATION_BASE_URL", "http://127.0.0.1:5000")
    monkeypatch.setenv("PARTICIPATION_SECRET_KEY", "a" * 64)
    assert load_settings(tmp_path)["BASE_URL"] == "http://127.0.0.1:5000"
