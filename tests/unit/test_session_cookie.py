"""The session cookie is Flask's own; only its serializer is kept between requests."""

from __future__ import annotations

from flask import Flask, session
from flask.sessions import SecureCookieSessionInterface

from participation.security import SessionInterface

COOKIE = "session"


def _app(secret: str, fallbacks: list[str] | None = None) -> Flask:
    app = Flask(__name__)
    app.secret_key = secret
    app.config["SECRET_KEY_FALLBACKS"] = fallbacks or []
    app.session_interface = SessionInterface()

    @app.get("/set/<value>")
    def set_value(value: str) -> str:
        session["value"] = value
        return "set"

    @app.get("/get")
    def get_value() -> str:
        return session.get("value", "(nothing)")

    return app


def _cookie(client) -> str:
    return client.get_cookie(COOKIE).value


def test_the_serializer_is_made_once_for_the_same_keys_and_again_for_new_ones():
    app = _app("first-secret-key-of-enough-length")
    interface = app.session_interface
    made = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is made
    app.secret_key = "second-secret-key-of-enough-length"
    assert interface.get_signing_serializer(app) is not made


def test_the_app_signs_its_cookie_this_way(app):
    assert isinstance(app.session_interface, SessionInterface)


def test_cookies_are_flasks_own_both_ways():
    ours = _app("the-same-secret-key-for-both-apps")
    flasks = _app("the-same-secret-key-for-both-apps")
    flasks.session_interface = SecureCookieSessionInterface()
    with ours.test_client() as client:
        client.get("/set/ours")
        cookie = _cookie(client)
    with flasks.test_client() as client:
        client.set_cookie(COOKIE, cookie)
        assert client.get("/get").text == "ours"
        client.get("/set/flasks")
        cookie = _cookie(client)
    with ours.test_client() as client:
        client.set_cookie(COOKIE, cookie)
        assert client.get("/get").text == "flasks"


def test_a_rotated_key_still_opens_cookies_signed_with_the_old_one_and_no_other():
    app = _app("old-secret-key-before-rotation")
    with app.test_client() as client:
        client.get("/set/kept")
        cookie = _cookie(client)
        assert client.get("/get").text == "kept"
        app.secret_key = "new-secret-key-after-rotation"
        assert client.get("/get").text == "(nothing)"
        app.config["SECRET_KEY_FALLBACKS"] = ["old-secret-key-before-rotation"]
        client.set_cookie(COOKIE, cookie)
        assert client.get("/get").text == "kept"
