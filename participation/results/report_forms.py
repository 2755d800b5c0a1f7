"""Forms of the results page's reports and "you said, we did" publishing, and bulk theming."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from participation.clock import YEARS_MESSAGE, in_sane_years
from participation.figures.text_answers import MAX_SEARCH
from participation.follow_up.themes import MAX_NAME


def _stripped(value: str | None) -> str:
    return (value or "").strip()


class PublishForm(FlaskForm):
    """Show "you said, we did" on the activity's own page, and until when."""

    published = BooleanField("Show these to young people on the page their code opens")
    until = DateField("Last day to show them (optional)", validators=[Optional()])

    def validate_until(self, field: DateField) -> None:
        """A date within sane years."""
        if field.data is not None and not in_sane_years(field.data):
            raise ValidationError(YEARS_MESSAGE)


class BulkThemeForm(FlaskForm):
    """Apply or remove one theme on many written answers at once."""

    theme_id = SelectField("Theme", coerce=int, default=0)
    new_theme = StringField(
        "Or a new theme", validators=[Optional(), Length(max=MAX_NAME)], filters=[_stripped]
    )
    operation = SelectField(
        "Do",
        choices=[
            SelectChoice("apply", "Give the theme"),
            SelectChoice("remove", "Take the theme off"),
        ],
    )
    everything_matching = BooleanField("All answers matching the search, on every page")
    search = StringField(validators=[Optional(), Length(max=MAX_SEARCH)])
    question_id = StringField(validators=[Optional(), Length(max=12)])
