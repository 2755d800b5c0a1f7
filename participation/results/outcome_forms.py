"""The outcomes page's filters: dates, the view, and (for admins) the Hub."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from participation.figures.outcomes import BY_SERVICE, VIEWS
from participation.research.forms import DayField


class OutcomeFilterForm(FlaskForm):
    """Which answers count and how they are grouped; sent with GET, so no CSRF token."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    hub = SelectField("Hub", coerce=int, validate_choice=False)
    view = SelectField(
        "Show",
        choices=[SelectChoice(value, label) for value, label in VIEWS.items()],
        default=BY_SERVICE,
        validate_choice=False,
    )
    date_from = DayField("From", validators=[Optional()], render_kw={"autocomplete": "off"})
    date_to = DayField("To", validators=[Optional()], render_kw={"autocomplete": "off"})

    def validate_view(self, field: SelectField) -> None:
        """Only the two views exist (a tampered link gets a plain message)."""
        if field.data not in VIEWS:
            raise ValidationError("Choose by service or by participation type.")

    def validate_date_to(self, field: DayField) -> None:
        """The range does not end before it starts."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date must be the same as or after the start date.")
