"""Settings from PARTICIPATION_* environment variables, with safe defaults."""

from __future__ import annotations

import math
import os
import secrets
import zlib
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ENV_PREFIX = "PARTICIPATION_"

DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    "DEBUG": False,
    "BASE_URL": "http://127.0.0.1:5000",
    "RATELIMIT_STORAGE_URI": "memory://",
    "EXIT_URL": "https://www.bbc.co.uk/weather",
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "STAFF_IDLE_MINUTES": 30,
    "STAFF_ABSOLUTE_HOURS": 12,
    "LOG_LEVEL": "INFO",
    # How many proxies (e.g. nginx) stand in front: their X-Forwarded-For gives the client
    # address that rate limits hash. 0 = none (the address of the connection is used).
    "PROXY_COUNT": 0,
    # A summary PDF that takes longer than this is stopped and the member of staff told so.
    "PDF_TIMEOUT_SECONDS": 30,
}


# A secret key must be harder to guess than this (signed cookies can be attacked offline).
MIN_SECRET_BITS = 100
_CHARACTER_CLASSES = (
    (str.islower, 26),
    (str.isupper, 26),
    (str.isdigit, 10),
    (lambda char: char.isascii() and not char.isalnum(), 33),
    (lambda char: not char.isascii(), 100),
)
_EMPTY_ZLIB = len(zlib.compress(b"", 9))


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete."""


def _coerce(value: str, default: Any) -> Any:
    if isinstance(default, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(value)
    return value


def secret_key_from_instance(instance_path: Path) -> str:
    """Read the instance secret key, generating it once (mode 0600) on first use."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def load_settings(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from defaults, the environment and `overrides`."""
    settings = dict(DEFAULTS)
    for key, default in DEFAULTS.items():
        raw = os.environ.get(ENV_PREFIX + key)
        if raw is not None:
            settings[key] = _coerce(raw, default)
    settings["DATABASE_URL"] = os.environ.get(
        ENV_PREFIX + "DATABASE_URL", f"sqlite:///{instance_path / 'participation.sqlite3'}"
    )
    settings["SECRET_KEY"] = os.environ.get(ENV_PREFIX + "SECRET_KEY")
    # Each Hub's linking-code key (participation.outcomes.linking): outside the database.
    settings["LINK_KEY_DIR"] = Path(
        os.environ.get(ENV_PREFIX + "LINK_KEY_DIR", instance_path / "link-keys")
    )
    settings.update(overrides or {})
    # Unless told the public address, `participation serve` points QR codes at itself.
    settings["BASE_URL_FOLLOWS_SERVER"] = (
        ENV_PREFIX + "BASE_URL" not in os.environ and "BASE_URL" not in (overrides or {})
    )
    if not settings.get("SECRET_KEY"):
        if settings["ENV"] == "production":
            raise ConfigError("PARTICIPATION_SECRET_KEY must be set in production.")
        settings["SECRET_KEY"] = secret_key_from_instance(instance_path)
    check_production(settings)
    https = settings["BASE_URL"].startswith("https://")
    settings.update(
        RATELIMIT_STORAGE_URI=settings["RATELIMIT_STORAGE_URI"],
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=https,
        SESSION_COOKIE_NAME="session",
        PREFERRED_URL_SCHEME="https" if https else "http",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings["STAFF_ABSOLUTE_HOURS"]),
        WTF_CSRF_TIME_LIMIT=None,
        HTTPS=https,
    )
    return settings


def served_base_url(host: str, port: int) -> str:
    """The default address QR codes point at: where `participation serve` listens."""
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 (naming the wildcard, not binding it)
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def secret_key_bits(key: str) -> float:
    """A cautious estimate of how many bits it takes to guess `key`.

    Each character that is not a repeat counts for the size of the character classes the
    key uses (lower case, digits, ...). Repeats are what zlib can squeeze out ("password"
    eight times), and characters that carry on a run ("aaa", "abc", "321").
    """
    if not key:
        return 0.0
    alphabet = sum(size for belongs, size in _CHARACTER_CLASSES if any(map(belongs, key)))
    runs = sum(
        1
        for before, previous, char in zip(key, key[1:], key[2:], strict=False)
        if ord(char) - ord(previous) == ord(previous) - ord(before)
        and abs(ord(char) - ord(previous)) <= 1
    )
    squeezed = len(zlib.compress(key.encode(), 9)) - _EMPTY_ZLIB
    return max(min(len(key), squeezed) - runs, 0) * math.log2(alphabet)


def check_production(settings: dict[str, Any]) -> None:
    """Refuse unsafe production settings: debug on, plain http, or a missing or weak secret."""
    if settings["ENV"] != "production":
        return
    if settings.get("DEBUG"):
        raise ConfigError("Debug mode must be off in production.")
    key = str(settings.get("SECRET_KEY") or "")
    if len(key) < 32:
        raise ConfigError("PARTICIPATION_SECRET_KEY must be at least 32 characters in production.")
    if secret_key_bits(key) < MIN_SECRET_BITS:
        raise ConfigError(
            "PARTICIPATION_SECRET_KEY is too easy to guess for production: it repeats itself "
            "or runs in sequence. Make a random one with: "
            "python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    base_url = str(settings.get("BASE_URL") or "")
    if urlsplit(base_url).scheme != "https" or not urlsplit(base_url).netloc:
        raise ConfigError(
            f"PARTICIPATION_BASE_URL must be an https:// address in production, not {base_url!r}: "
            "sign-ins and young people's answers must travel encrypted."
        )


def refuse_demo_accounts(engine: Any) -> None:
    """In production, refuse to start while any demo staff account can still sign in."""
    from sqlalchemy import inspect, select

    from participation.commands.demo import DEMO_STAFF
    from participation.models import Staff

    query = select(Staff.email).where(Staff.email.in_(DEMO_STAFF), Staff.is_active.is_(True))
    with engine.connect() as connection:
        if not inspect(connection).has_table("staff"):
            return  # `participation db upgrade` has not run yet, so there are no accounts
        present = list(connection.scalars(query))
    if present:
        raise ConfigError(
            "Production will not start while demo staff accounts exist: "
            + ", ".join(sorted(present))
            + ". Their password and authenticator keys are published. Use a database without "
            "the demo data (`participation demo` is for trying the app), or delete these accounts."
        )
