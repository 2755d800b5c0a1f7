"""Template globals and filters."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app

from participation.accounts.audit import action_label
from participation.activities.consent import facts_untold, statement_paragraphs
from participation.activities.help_links import format_phone, help_links
from participation.clock import utc_to_uk

# (endpoint, label, roles that see it; empty means every role; "safeguarding" means designated
# safeguarding leads whatever their role). Shown when the endpoint exists.
STAFF_NAV = [
    ("results.dashboard", "Dashboard", ()),
    ("results.activity_list", "Results", ()),
    ("results.outcomes", "Outcomes", ()),
    ("studio.activity_list", "Activities", ("lead", "admin")),
    ("studio.template_list", "Templates", ("lead", "admin")),
    ("studio.outcome_bank", "Outcomes bank", ("lead", "admin")),
    ("results.theme_list", "Themes", ("lead", "admin")),
    ("research.index", "Research", ()),
    ("admin.service_list", "Services", ("admin",)),
    ("admin.staff_list", "Staff", ("admin",)),
    ("admin.participation_types", "Participation types", ("admin",)),
    ("admin.audit_log", "Audit log", ("admin", "safeguarding")),
    ("results.phrase_list", "Safeguarding phrases", ("admin", "safeguarding")),
]


def format_date(value: date | None, fmt: str = "%-d %B %Y") -> str:
    """A calendar date in words, such as "3 March 2025"."""
    return value.strftime(fmt) if value else ""


def format_uk_date(value: datetime | None) -> str:
    """The UK date of a naive UTC datetime, such as "3 March 2025"."""
    return format_date(utc_to_uk(value)) if value else ""


def format_uk_datetime(value: datetime | None) -> str:
    """A naive UTC datetime in UK time, such as "3 March 2025, 14:05"."""
    uk = utc_to_uk(value)
    return uk.strftime("%-d %B %Y, %H:%M") if uk else ""


def format_uk_time(value: datetime | None) -> str:
    """The UK clock time of a naive UTC datetime, such as "14:05"."""
    uk = utc_to_uk(value)
    return uk.strftime("%H:%M") if uk else ""


def init_app(app: Flask) -> None:
    """Register template globals and filters."""

    @app.context_processor
    def globals_for_templates() -> dict[str, object]:
        return {
            "exit_url": current_app.config["EXIT_URL"],
            "staff_nav": [item for item in STAFF_NAV if item[0] in current_app.view_functions],
        }

    app.add_template_global(help_links, "help_links_for")
    app.add_template_global(statement_paragraphs, "consent_paragraphs")
    app.add_template_global(facts_untold, "consent_facts_untold")
    app.add_template_filter(format_phone, "phone")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_uk_date, "uk_date")
    app.add_template_filter(format_uk_datetime, "uk_datetime")
    app.add_template_filter(format_uk_time, "uk_time")
    app.add_template_filter(action_label, "action_label")
