"""The Flask extensions the app shares, made in one place and bound to the app in `create_app`.

Blueprints import them from here rather than from the package root, so importing a view
never pulls in the app factory (and with it every other blueprint).
"""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from participation.throttle import client_key

csrf = CSRFProtect()

# Young people's pages speak English or Welsh (participation/translations); staff pages English.
babel = Babel()

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"
login_manager.session_protection = None  # the session cookie is rotated on sign-in instead


def make_limiter(app: Flask) -> Limiter:
    """The app's rate limiter; one per app, since its storage is the app's own setting.

    Decorator limits are not used: `participation.throttle` counts attempts itself.
    """
    limiter = Limiter(
        key_func=client_key,
        app=app,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        headers_enabled=False,
        swallow_errors=False,
        key_prefix=app.config.get("RATELIMIT_KEY_PREFIX", "participation"),
    )
    app.extensions["throttle"] = limiter
    return limiter
