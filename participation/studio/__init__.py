"""The activity studio: participation leads design activities."""

from flask import Blueprint

bp = Blueprint("studio", __name__, url_prefix="/studio")

from participation.studio import (  # noqa: E402,F401 - registers the views
    kiosk_routes,
    outcome_routes,
    routes,
    translation_routes,
)
