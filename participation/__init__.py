"""Participation: anonymous, consent-managed feedback activities for young people."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app; `config` overrides settings (tests pass a database URL here)."""
    # Everything is imported here, not at the top: gunicorn's master imports this package to
    # read participation.gunicorn_conf, and what the master has imported, workers inherit
    # instead of loading afresh, so a reload after an upgrade would run new workers on old code.
    from flask import Flask

    from participation import templating
    from participation.config import load_settings

    app = Flask(__name__, instance_relative_config=True)
    app.jinja_environment = templating.Environment
    app.config.from_mapping(load_settings(Path(app.instance_path), config))
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Flask declares wsgi_app a method; wrapping it in middleware is Flask's documented way.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"])  # type: ignore[method-assign]

    from participation import db, errors, logging_setup, security
    from participation.auth import access
    from participation.extensions import babel, csrf, make_limiter

    logging_setup.init_app(app)
    db.init_app(app)
    from participation.activities import content_version

    content_version.install()
    if app.config["ENV"] == "production" and not app.config.get("CLI"):
        from participation.config import refuse_demo_accounts

        refuse_demo_accounts(app.extensions["engine"])
    csrf.init_app(app)
    from participation.youth import translating
    from participation.youth.preferences import locale_for_request

    babel.init_app(app, locale_selector=locale_for_request)
    translating.install(app)
    make_limiter(app)
    access.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    errors.init_app(app)

    from participation import admin, auth, research, results, studio, youth

    for blueprint in (youth.bp, auth.bp, studio.bp, results.bp, research.bp, admin.bp):
        app.register_blueprint(blueprint)

    from participation.commands import register_commands

    register_commands(app)
    return app
