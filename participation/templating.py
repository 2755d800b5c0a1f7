"""Template globals and filters."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, g

from participation.consent_text import facts_untold, statement_paragraphs
from participation.signposting import format_phone, help_links

# (endpoint, label, roles that see it; empty means every role). Shown when the endpoint exists.
STAFF_NAV = [
    ("results.dashboard", "Dashboard", ()),
    ("results.activity_list", "Results", ()),
    ("studio.activity_list", "Activities", ("lead", "admin")),
    ("studio.template_list", "Templates", ("lead", "admin")),
    ("results.theme_list", "Themes", ("lead", "admin")),
    ("research.index", "Research", ()),
    ("admin.service_list", "Services", ("admin",)),
    ("admin.staff_list", "Staff", ("admin",)),
    ("admin.participation_types", "Participation types", ("admin",)),
    ("results.phrase_list", "Safeguarding phrases", ("admin",)),
]


def init_app(app: Flask) -> None:
    """Register template globals and filters."""

    @app.context_processor
    def globals_for_templates():
        return {
            "exit_url": current_app.config["EXIT_URL"],
            "help_links_for": help_links,
            "nav_badges": g.get("nav_badges", {}),
            "staff_nav": [item for item in STAFF_NAV if item[0] in current_app.view_functions],
        }

    app.add_template_global(statement_paragraphs, "consent_paragraphs")
    app.add_template_global(facts_untold, "consent_facts_untold")
    app.add_template_filter(format_phone, "phone")

    @app.template_filter("date")
    def format_date(value: datetime | None, fmt: str = "%-d %B %Y") -> str:
        return value.strftime(fmt) if value else ""

    @app.template_filter("datetime")
    def format_datetime(value: datetime | None) -> str:
        return value.strftime("%-d %B %Y, %H:%M") if value else ""
