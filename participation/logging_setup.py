"""Logging that never records a client's address."""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.serving import WSGIRequestHandler


class AnonymousRequestHandler(WSGIRequestHandler):
    """The development server's request handler, logging without the client address."""

    def address_string(self) -> str:
        """Stand in for the client address in log lines."""
        return "-"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log method, path and status only."""
        self.log("info", '"%s" %s %s', self.requestline, code, size)


def init_app(app: Flask) -> None:
    """Set the app's log level from PARTICIPATION_LOG_LEVEL."""
    app.logger.setLevel(app.config["LOG_LEVEL"])
    logging.getLogger("participation").setLevel(app.config["LOG_LEVEL"])
