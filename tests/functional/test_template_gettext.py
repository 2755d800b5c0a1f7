"""The templates' gettext and url_for mean exactly what Jinja's and Flask's own mean."""

from __future__ import annotations

import pytest
from flask import Flask, render_template_string, session, url_for
from flask_babel import get_translations
from jinja2 import Environment

from participation import templating

SNIPPETS = [
    "{{ _('Thank you') }}",
    "{{ _('Or press %(key)s 3 times to leave quickly.', key='<kbd>Shift</kbd>'|safe) }}",
    "{{ _('Or press %(key)s 3 times to leave quickly.', key='<script>x</script>') }}",
    "{{ _('A string no catalogue has, 100%% sure') }}",
    "{{ _('A string no catalogue has, for %(who)s', who='Sam & \"Jo\"') }}",
    "{{ ngettext('%(num)s day', '%(num)s days', 1) }}|{{ ngettext('%(num)s day', '%(num)s days', 3) }}",
    "{{ gettext('Feedback') }}",
    "{{ pgettext('button', 'Next') }}|{{ npgettext('week', '%(num)s week', '%(num)s weeks', 2) }}",
]


def jinja_new_style(source: str) -> str:
    """The same template drawn by Jinja's own i18n extension with the same translations."""
    environment = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    environment.install_gettext_translations(get_translations(), newstyle=True)  # type: ignore[attr-defined]
    return environment.from_string(source).render()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_each_string_is_drawn_as_jinjas_new_style_gettext_draws_it(app: Flask, language):
    with app.test_request_context("/join"):
        session["lang"] = language
        for source in SNIPPETS:
            assert render_template_string(source) == jinja_new_style(source), source


def test_welsh_is_shown_in_welsh_and_variables_are_escaped(app: Flask):
    with app.test_request_context("/join"):
        session["lang"] = "cy"
        assert render_template_string("{{ _('Thank you') }}") == "Diolch"
        drawn = render_template_string(SNIPPETS[2])
        assert "&lt;script&gt;x&lt;/script&gt;" in drawn
        assert "<script>" not in drawn
        assert render_template_string(SNIPPETS[3]) == "A string no catalogue has, 100% sure"


def test_staff_pages_stay_in_english_whatever_the_young_persons_choice(app: Flask):
    with app.test_request_context("/staff/sign-in"):
        session["lang"] = "cy"
        assert render_template_string("{{ _('Thank you') }}") == "Thank you"


def test_a_global_added_after_a_template_was_loaded_is_seen_by_it(app: Flask):
    app.jinja_env.get_template("youth/components/pictures.html")
    source = "{% from 'youth/components/pictures.html' import picture %}{{ later_global() }}"
    app.jinja_env.globals["later_global"] = lambda: "seen"
    try:
        with app.test_request_context("/join"):
            assert render_template_string(source) == "seen"
    finally:
        del app.jinja_env.globals["later_global"]


def test_remembered_addresses_are_flasks_own_wherever_the_app_is_mounted(app: Flask):
    calls = [
        ("static", {"filename": "app.css"}),
        ("youth.leave", {}),
        ("youth.join_code", {"code": "ABC123"}),
        ("youth.join_code", {"code": "ABC123", "start": 1}),
        ("youth.join_code", {"code": "ABC123", "start": True}),
        ("youth.join_code", {"code": "ABC123", "tags": ["a", "b"]}),
    ]
    for root in ("", "/feedback", ""):
        with app.test_request_context("/join", base_url=f"http://localhost{root}/"):
            for endpoint, values in calls:
                assert templating.url_for(endpoint, **values) == url_for(endpoint, **values)
            assert templating.url_for("youth.leave").startswith(f"{root}/")
            assert templating.url_for("youth.leave", _external=True) == url_for(
                "youth.leave", _external=True
            )
