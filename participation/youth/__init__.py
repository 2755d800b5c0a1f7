"""The young people's side: join, consent, answer, thanks, withdraw."""

from flask import Blueprint

from participation.youth import markup, preferences, symbols, wording

bp = Blueprint("youth", __name__)
bp.before_request(preferences.remember_choices)
# The question and consent components are shared with the studio preview, so these helpers
# are available to every template.
bp.add_app_template_global(preferences.page_settings, "youth_settings")
bp.add_app_template_global(wording.local, "local")
bp.add_app_template_global(wording.option_label, "local_option")
bp.add_app_template_global(wording.box_prompts, "local_boxes")
bp.add_app_template_global(wording.consent_statement, "local_consent")
bp.add_app_template_global(symbols.symbol_for, "symbol_for")
bp.add_app_template_global(wording.shown_language, "shown_language")
bp.add_app_template_global(wording.in_language, "in_language")
bp.add_app_template_global(markup.blank_question, "blank_question")
bp.add_app_template_global(markup.kept_part, "kept_part")
bp.add_app_template_global(markup.top_of_page, "youth_top")

from participation.youth import pages, routes  # noqa: E402,F401 - registers the views
