"""Which language each submission was answered in, for exports (never the browser's settings)."""

from __future__ import annotations

# The languages young people can answer in; the first is what a submission says by default.
ANSWER_LANGUAGES = ("en", "cy")
LANGUAGE_NAMES = {"en": "English", "cy": "Welsh"}
