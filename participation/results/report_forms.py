"""Forms of the results page's reports and "you said, we did" publishing, and bulk theming."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from participation.clock import YEARS_MESSAGE, in_sane_years
from participation.figures.text_answers import MAX_SEARCH
from participation.follow_up.themes import MAX_NAME
from participation.research.forms import DayField, period_runs_forwards

OUTCOME_FORMATS = [
    SelectChoice("pdf", "PDF"),
    SelectChoice("pptx", "PowerPoint (pptx)"),
    SelectChoice("docx", "Word (docx)"),
]


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


class OutcomeReportForm(FlaskForm):
    """Choose the service, period and format of an outcomes report; sent with GET (no token)."""

    class Meta:
        csrf = False

    service_id = SelectField(
        "Service",
        coerce=int,
        validators=[InputRequired("Choose a service.")],
        validate_choice=False,
    )
    date_from = DayField(
        "From (optional)", validators=[Optional()], format="%Y-%m-%d", render_kw={"type": "date"}
    )
    date_to = DayField(
        "To (optional)", validators=[Optional()], format="%Y-%m-%d", render_kw={"type": "date"}
    )
    # A missing format means the first one (PDF), as the page shows it chosen.
    fmt = RadioField("Format", choices=OUTCOME_FORMATS, default="pdf", validators=[Optional()])

    def validate(self, extra_validators: Any = None) -> bool:
        """Check the fields, that the service is one on offer and the period runs forwards."""
        valid = super().validate(extra_validators)
        if self.fmt.errors:
            self.fmt.errors = ["Choose PDF, PowerPoint or Word."]
        offered = {choice.value for choice in self.service_id.choices or []}
        if not self.service_id.errors and self.service_id.data not in offered:
            self.service_id.errors = [*self.service_id.errors, "Choose a service."]
            valid = False
        return period_runs_forwards(self.date_from, self.date_to) and valid
