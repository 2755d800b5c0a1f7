"""Template globals and filters."""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from flask import url_for as flask_url_for
from flask.templating import Environment as FlaskEnvironment
from flask_wtf.csrf import generate_csrf

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


@lru_cache(maxsize=2048)
def _path_for(script_root: str, endpoint: str, values: tuple[tuple[str, type, Any], ...]) -> str:
    return flask_url_for(endpoint, **{name: value for name, _, value in values})


def url_for(endpoint: str, /, **values: Any) -> str:
    """Flask's url_for, remembering the address of each plain call made in a request.

    In a request, an address without scheme or host depends only on the endpoint, its values
    and where the app is mounted, so it is the same for every request (the app sets no URL
    defaults). A young person's journey builds eighteen, mostly the same few.
    """
    if not has_request_context() or endpoint[:1] == "." or any(k[:1] == "_" for k in values):
        return flask_url_for(endpoint, **values)
    key = tuple(sorted((name, type(value), value) for name, value in values.items()))
    try:
        return _path_for(request.script_root, endpoint, key)
    except TypeError:  # a value that can't be a key (a list): built each time
        return flask_url_for(endpoint, **values)


def csrf_token() -> str:
    """The form's CSRF token; while a page to be kept is drawn, the stand-in marking its place.

    (participation.youth.markup.kept_page sets the stand-in.)
    """
    return g.get("csrf_stand_in") or generate_csrf()


def staff_nav() -> list[tuple[str, str, tuple[str, ...]]]:
    """The staff menu's entries whose pages this app has."""
    return [item for item in STAFF_NAV if item[0] in current_app.view_functions]


class Environment(FlaskEnvironment):
    """Flask's template environment, with templates sharing its globals directly.

    Jinja layers each template's globals over the environment's in a ChainMap, and every
    `{% from ... import ... %}` then compares the two sets of names in Python-level ChainMap
    code: about 20 µs an import, and a young person's page imports two or three. A template
    loaded without globals of its own shares the environment's dict instead: the same names,
    additions made later are still seen, and the comparison runs in C.
    """

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """The environment's own globals, or a layer over them for a template that has some."""
        return self.globals if not d else super().make_globals(d)


def init_app(app: Flask) -> None:
    """Register template globals and filters (no context processors: they run on every page)."""
    # Flask-WTF gives every template `csrf_token` twice: as a global and from a context
    # processor. The global alone serves (templates and the macros they import alike).
    processors = app.template_context_processors[None]
    processors[:] = [p for p in processors if getattr(p, "__module__", "") != "flask_wtf.csrf"]
    app.add_template_global(csrf_token, "csrf_token")
    app.add_template_global(url_for, "url_for")
    app.add_template_global(staff_nav, "staff_nav")
    app.add_template_global(help_links, "help_links_for")
    app.add_template_global(statement_paragraphs, "consent_paragraphs")
    app.add_template_global(facts_untold, "consent_facts_untold")
    app.add_template_filter(format_phone, "phone")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_uk_date, "uk_date")
    app.add_template_filter(format_uk_datetime, "uk_datetime")
    app.add_template_filter(format_uk_time, "uk_time")
    app.add_template_filter(action_label, "action_label")
