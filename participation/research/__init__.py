"""Anonymised research exports."""

from flask import Blueprint

bp = Blueprint("research", __name__, url_prefix="/research")

from participation.research import routes  # noqa: E402,F401 - registers the views
