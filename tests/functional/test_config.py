"""Configuration defaults and production safety checks."""

import stat

import pytest

from participation.config import ConfigError, load_settings


def test_secret_key_is_generated_once_with_private_permissions(tmp_path, monkeypatch):
    monkeypatch.delenv("PARTICIPATION_SECRET_KEY", raising=False)
    first = load_settings(tmp_path)["SECRET_KEY"]
    second = load_settings(tmp_path)["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_defaults_are_sqlite_in_instance_and_memory_rate_limits(tmp_path, monkeypatch):
    monkeypatch.delenv("PARTICIPATION_DATABASE_URL", raising=False)
    monkeypatch.delenv("PARTICIPATION_RATELIMIT_STORAGE_URI", raising=False)
    settings = load_settings(tmp_path)
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'participation.sqlite3'}"
    assert settings["RATELIMIT_STORAGE_URI"] == "memory://"


def test_environment_variables_override_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("PARTICIPATION_BASE_URL", "https://feedback.example.org")
    settings = load_settings(tmp_path)
    assert settings["BASE_URL"] == "https://feedback.example.org"
    assert settings["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PARTICIPATION_ENV": "production"}, "must be set"),
        ({"PARTICIPATION_ENV": "production", "PARTICIPATION_SECRET_KEY": "short"}, "at least 32"),
        (
            {
                "PARTICIPATION_ENV": "production",
                "PARTICIPATION_SECRET_KEY": "k" * 40,
                "PARTICIPATION_DEBUG": "1",
            },
            "Debug",
        ),
    ],
)
def test_production_refuses_unsafe_settings(tmp_path, monkeypatch, env, message):
    monkeypatch.delenv("PARTICIPATION_SECRET_KEY", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=message):
        load_settings(tmp_path)
