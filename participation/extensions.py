"""The Flask extensions the app shares, made in one place and bound to the app in `create_app`.

Blueprints import them from here rather than from the package root, so importing a view
never pulls in the app factory (and with it every other blueprint).
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from limits.storage import MemoryStorage

from participation.throttle import client_key

csrf = CSRFProtect()

# Young people's pages speak English or Welsh (participation/translations); staff pages English.
babel = Babel()

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"
login_manager.session_protection = None  # the session cookie is rotated on sign-in instead


class SweptMemoryStorage(MemoryStorage):
    """The in-process counters, with expired keys swept now and then instead of by a thread.

    limits' memory storage starts a timer thread 10 ms after nearly every count to drop
    expired keys; under load that is a thread per request. Reading a key already ignores an
    expired count, so the sweep only frees memory: every 10 seconds, inline, is plenty.
    """

    STORAGE_SCHEME = ["participation-memory"]
    SWEEP_SECONDS = 10.0
    _next_sweep = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # replaces the parent's private hook
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + self.SWEEP_SECONDS
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


def _storage_uri(configured: str) -> str:
    """The storage URI, with plain in-process memory swapped for SweptMemoryStorage."""
    if configured.startswith("memory://"):
        return "participation-memory://" + configured.removeprefix("memory://")
    return configured


def make_limiter(app: Flask) -> Limiter:
    """The app's rate limiter; one per app, since its storage is the app's own setting.

    Decorator limits are not used: `participation.throttle` counts attempts itself.
    """
    limiter = Limiter(
        key_func=client_key,
        app=app,
        storage_uri=_storage_uri(app.config["RATELIMIT_STORAGE_URI"]),
        headers_enabled=False,
        swallow_errors=False,
        key_prefix=app.config.get("RATELIMIT_KEY_PREFIX", "participation"),
    )
    app.extensions["throttle"] = limiter
    _drop_request_hooks(app, limiter)
    return limiter


def _drop_request_hooks(app: Flask, limiter: Limiter) -> None:
    """Remove the limiter's per-request hooks: with no decorator limits they only cost time."""

    def belongs(hook: object) -> bool:
        return getattr(hook, "__self__", None) is limiter or limiter in getattr(hook, "args", ())

    hook_lists: tuple[dict[Any, list[Any]], ...] = (
        app.before_request_funcs,
        app.after_request_funcs,
        app.teardown_request_funcs,
    )
    for hooks in hook_lists:
        for hook in [hook for hook in hooks.get(None, []) if belongs(hook)]:
            hooks[None].remove(hook)
