"""Security headers on every response, no-store caching on young people's pages, input the
app won't read (control characters, refused from staff and dropped from young people's
answers, and ids no database row can have), and the signed session cookie.
"""

from __future__ import annotations

import re
from itertools import chain
from typing import Any

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask.wrappers import Response
from itsdangerous import URLSafeTimedSerializer
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter

from participation.errors import BadInput, is_youth_path

# The largest id a row can have: an Integer column holds no more on PostgreSQL (32 bits),
# and SQLite, whose integers go on to 2**63-1, never numbers a row this high in practice.
MAX_ID = 2**31 - 1
# C0 control characters and DEL. Tab, line feed and carriage return are how forms send
# text; nobody types the others, and PostgreSQL can't store NUL in text at all.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_ADVICE = (
    "Something you typed or pasted has a hidden character we can't store. Go back, type it "
    "again without copying and pasting, and send it again."
)

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


_ALWAYS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)


class IdConverter(IntegerConverter):
    """The `int` URL converter, refusing numbers beyond any database id (so a 404, not a 500)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with its serializer made once per set of keys.

    The same cookies as Flask's own. Flask makes a new serializer to open and again to save
    the session on every request, and itsdangerous tries each new one out by serializing an
    empty dict: several microseconds a time on every page a young person opens. A serializer
    holds nothing of one request.
    """

    def __init__(self) -> None:
        self._made: dict[Any, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """The serializer for the app's current secret key and fallbacks."""
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if keys not in self._made:
            self._made = {keys: super().get_signing_serializer(app)}  # only the current keys
        return self._made[keys]


def init_app(app: Flask) -> None:
    """Register the header hook, the input check (first of all), the id converter, the cookie."""
    app.session_interface = SessionInterface()
    app.url_map.converters["int"] = IdConverter
    app.after_request(add_security_headers)
    # First of all: nothing else (CSRF, sign-in, throttles, views) reads input it can't store.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_control_characters)


def refuse_control_characters() -> None:
    """Refuse staff input holding control characters (400); drop them from young people's.

    A young person never loses an answer over a character they can't see, so theirs are
    quietly removed; a control character in a page's address is refused for everyone.
    """
    if _CONTROL.search(request.path):
        raise BadInput(CONTROL_ADVICE)
    if not (_holds_control(request.args) or _holds_control(request.form)):
        return
    if not is_youth_path(request.path):
        raise BadInput(CONTROL_ADVICE)
    request.args = _without_controls(request.args)
    request.form = _without_controls(request.form)


def _holds_control(values: MultiDict[str, str]) -> bool:
    # One search over every name and value run together: a form of ten answers costs one
    # regular-expression call instead of twenty.
    return (
        bool(values)
        and _CONTROL.search("".join(chain.from_iterable(values.items(multi=True)))) is not None
    )


def _without_controls(values: MultiDict[str, str]) -> ImmutableMultiDict[str, str]:
    return ImmutableMultiDict(
        (_CONTROL.sub("", name), _CONTROL.sub("", value))
        for name, value in values.items(multi=True)
    )


def add_security_headers(response: Response) -> Response:
    """Add CSP, nosniff, no-referrer, HSTS (over HTTPS) and caching rules."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    # No view sets these, so they are appended rather than each searched for and replaced.
    headers.extend(_ALWAYS)
    if request.is_secure or request.headers.get("X-Forwarded-Proto") == "https":
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint != "static":
        # Nothing a young person wrote, and nothing staff see, may sit in a cache or in Back.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response
