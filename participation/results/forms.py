"""Forms for the results pages; each validates its own fields with messages for staff."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from participation.clock import YEARS_MESSAGE, in_sane_years
from participation.figures.text_answers import MAX_SEARCH
from participation.follow_up.actions import MAX_TEXT
from participation.follow_up.themes import MAX_NAME
from participation.models.activities import STATUSES
from participation.safeguarding.phrases import MAX_PHRASE, category_choices
from participation.safeguarding.queue import MAX_NOTE, OUTCOME_LABELS


def choices(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """(value, label) pairs as select options."""
    return [SelectChoice(value, label) for value, label in pairs]


class EmptyForm(FlaskForm):
    """Only a CSRF token, for buttons that change something."""


class FilterForm(FlaskForm):
    """The dashboard's filters (read from the query string)."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    service_id = SelectField("Service", coerce=int, default=0)
    type_id = SelectField("Participation type", coerce=int, default=0)
    date_from = DateField(
        "From", validators=[Optional()], format="%Y-%m-%d", render_kw={"autocomplete": "off"}
    )
    date_to = DateField(
        "To", validators=[Optional()], format="%Y-%m-%d", render_kw={"autocomplete": "off"}
    )
    status = SelectField(
        "Status",
        choices=choices([("", "Any status"), *((s, s.capitalize()) for s in STATUSES)]),
        default="",
    )

    def validate_date_from(self, field: DateField) -> None:
        """The range starts in a year the app works with."""
        if not in_sane_years(field.data):
            raise ValidationError(YEARS_MESSAGE)

    def validate_date_to(self, field: DateField) -> None:
        """The range ends in a year the app works with, and not before it starts."""
        if not in_sane_years(field.data):
            raise ValidationError(YEARS_MESSAGE)
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date must be the same as or after the start date.")


class SearchForm(FlaskForm):
    """Search written answers (query string)."""

    class Meta:
        csrf = False

    q = StringField("Search the answers", validators=[Length(max=MAX_SEARCH)])
    question_id = SelectField("Question", coerce=int, default=0)


class DecisionForm(FlaskForm):
    """Approve or hide a written answer (the button pressed gives the decision)."""

    decision = HiddenField(validators=[InputRequired()])


class LockForm(FlaskForm):
    """Lock or unlock joining from the live screen."""

    locked = HiddenField(validators=[InputRequired()])


class OutcomeForm(FlaskForm):
    """What the safeguarding lead did about a flagged answer."""

    outcome = RadioField(
        "What did you do?",
        choices=choices(OUTCOME_LABELS.items()),
        validators=[InputRequired("Select what you did about this answer.")],
    )
    note = TextAreaField(
        "Note",
        validators=[
            DataRequired("Enter a note of what you did, or why there is no concern."),
            Length(max=MAX_NOTE, message=f"The note must be {MAX_NOTE} characters or fewer."),
        ],
    )


class PhraseForm(FlaskForm):
    """A phrase or pattern for the safeguarding check, to preview and then save."""

    category = SelectField(
        "Category",
        choices=choices([("", "Select a category"), *category_choices()]),
        validators=[InputRequired("Select a category.")],
    )
    phrase = StringField(
        "Words or pattern",
        validators=[
            DataRequired("Enter a word, phrase or pattern."),
            Length(max=MAX_PHRASE, message=f"It must be {MAX_PHRASE} characters or fewer."),
        ],
    )
    effect = RadioField(
        "What should it do?",
        choices=choices(
            [
                ("flag", "Flag answers with these words"),
                ("exception", "Never flag these words in this category (an exception)"),
            ]
        ),
        default="flag",
        validators=[InputRequired("Select what it should do.")],
    )

    def validate_category(self, field: SelectField) -> None:
        """The empty first choice is a prompt, not a category."""
        if not field.data:
            raise ValidationError("Select a category.")


def _name_field(label: str) -> StringField:
    return StringField(
        label,
        validators=[
            DataRequired("Enter a name for the theme."),
            Length(max=MAX_NAME, message=f"The name must be {MAX_NAME} characters or fewer."),
        ],
    )


class ThemeForm(FlaskForm):
    """Create a theme for a service."""

    name = _name_field("Theme name")
    service_id = SelectField("Service", coerce=int)


class RenameForm(FlaskForm):
    """Rename a theme."""

    name = _name_field("New name")


class MergeForm(FlaskForm):
    """Merge a theme into another of the same service."""

    target_id = SelectField("Merge into", coerce=int)

    def validate_target_id(self, field: SelectField) -> None:
        """A target must be chosen."""
        if not field.data:
            raise ValidationError("Select the theme to merge into.")


class AnswerThemeForm(FlaskForm):
    """Give a written answer an existing theme, or a new one."""

    theme_id = SelectField("Theme", coerce=int, default=0)
    new_name = StringField(
        "Or a new theme",
        validators=[Length(max=MAX_NAME, message=f"Use {MAX_NAME} characters or fewer.")],
    )

    def validate_new_name(self, field: StringField) -> None:
        """Exactly one of an existing theme or a new name."""
        chosen, typed = self.theme_id.data, (field.data or "").strip()
        if not chosen and not typed:
            raise ValidationError("Select a theme or type a new one.")
        if chosen and typed:
            raise ValidationError("Select a theme or type a new one, not both.")


class QuoteForm(FlaskForm):
    """Pick an answer as a quote, or stop using it."""

    is_quote = HiddenField(validators=[InputRequired()])


class ActionForm(FlaskForm):
    """A "you said, we did" action."""

    you_said = TextAreaField(
        "You said",
        validators=[
            DataRequired("Enter what young people said."),
            Length(max=MAX_TEXT, message=f"Use {MAX_TEXT} characters or fewer."),
        ],
    )
    we_did = TextAreaField(
        "We did",
        validators=[
            DataRequired("Enter what was done about it."),
            Length(max=MAX_TEXT, message=f"Use {MAX_TEXT} characters or fewer."),
        ],
    )
    theme_id = SelectField("Theme (optional)", coerce=int, default=0)
