"""Staff results: dashboard, activity results, live screen, moderation, safeguarding, themes."""

from flask import Blueprint

from participation.safeguarding.queue import set_nav_badge

bp = Blueprint("results", __name__, url_prefix="/results")
bp.before_app_request(set_nav_badge)

# Importing the view modules registers their routes on bp.
from participation.results import (  # noqa: E402,F401
    live_routes,
    phrase_routes,
    routes,
    safeguarding_routes,
    work_routes,
)
