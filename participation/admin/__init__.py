"""Administration: staff accounts, services and the participation-type taxonomy."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from participation.admin import audit_routes, routes  # noqa: E402,F401 - registers the views
