"""Flask's signed-cookie session, with its signing serializer made once per set of keys."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionInterface(SecureCookieSessionInterface):
    """The same cookies as Flask's own; only the serializer is kept between requests.

    Flask makes a new serializer to open and again to save the session on every request, and
    itsdangerous tries each new one out by serializing an empty dict: several microseconds a
    time on every page a young person opens. A serializer holds nothing of one request.
    """

    def __init__(self) -> None:
        self._made: dict[Any, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """The serializer for the app's current secret key and fallbacks."""
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if keys not in self._made:
            self._made = {keys: super().get_signing_serializer(app)}  # only the current keys
        return self._made[keys]
