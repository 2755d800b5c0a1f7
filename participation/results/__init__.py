"""Staff results: dashboard, activity results, live screen, moderation, safeguarding, themes."""

from __future__ import annotations

from flask import Blueprint, request
from flask_login import current_user

from participation.db import get_session
from participation.safeguarding.queue import Badge, badge

bp = Blueprint("results", __name__, url_prefix="/results")

STAFF_BLUEPRINTS = {"results", "studio", "research", "admin", "auth"}


def safeguarding_badge() -> Badge | None:
    """The signed-in safeguarding lead's count of new flags, for the staff menu (else None)."""
    if request.blueprint not in STAFF_BLUEPRINTS or not current_user.is_authenticated:
        return None
    return badge(get_session(), current_user)


# Offered to every template as a function: only the staff menu calls it, so only it costs a
# query (a global, not a context processor, which would run on every page drawn).
bp.add_app_template_global(safeguarding_badge, "safeguarding_badge")


# Importing the view modules registers their routes on bp.
from participation.results import (  # noqa: E402,F401
    bulk_routes,
    moderation_routes,
    outcome_report_routes,
    outcome_routes,
    phrase_routes,
    present_routes,
    report_routes,
    routes,
    safeguarding_routes,
    work_routes,
)
