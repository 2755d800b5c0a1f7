"""Staff sign-in and sign-out, second factors and account security."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/staff")

from participation.auth import routes, security, verify  # noqa: E402,F401 - registers the views
