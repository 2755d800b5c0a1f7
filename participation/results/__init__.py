"""Staff results: dashboard, activity results, live screen, moderation, safeguarding."""

from flask import Blueprint

bp = Blueprint("results", __name__, url_prefix="/results")

from participation.results import routes  # noqa: E402,F401 - registers the views
