"""The forms that choose what a report or pack across activities covers: a service and a period."""

from __future__ import annotations

import re
from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Optional

from participation.clock import YEARS_MESSAGE, in_sane_years

SCOPES = [SelectChoice("service", "A service"), SelectChoice("type", "A participation type")]
MONTH_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}")
FORMATS = [SelectChoice("pdf", "Report (PDF)"), SelectChoice("csv", "Figures (CSV)")]


def period_runs_forwards(date_from: DateField, date_to: DateField) -> bool:
    """Whether a period's end is not before its start; if it is, say so on the end date."""
    if date_from.data and date_to.data and date_from.data > date_to.data:
        date_to.errors = [*date_to.errors, "The end date must be on or after the start date."]
        return False
    return True


class DayField(DateField):
    """A date input whose error reads in plain English."""

    def process_formdata(self, valuelist: list[str]) -> None:
        """Parse the date, with a clear message when it is not a real date."""
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Enter a real date, for example 2026-03-31.") from exc
        if not in_sane_years(self.data):
            raise ValueError(YEARS_MESSAGE)


class ScopeReportForm(FlaskForm):
    """Choose what a report covers and in which format; sent with GET, so no CSRF token."""

    class Meta:
        csrf = False

    scope = RadioField(
        "What should the report cover?",
        choices=SCOPES,
        validators=[InputRequired("Choose a service or a participation type.")],
    )
    service_id = SelectField("Service", coerce=int, validate_choice=False)
    type_id = SelectField("Participation type", coerce=int, validate_choice=False)
    date_from = DayField(
        "From (optional)",
        validators=[Optional()],
        format="%Y-%m-%d",
        render_kw={"type": "date"},
    )
    date_to = DayField(
        "To (optional)", validators=[Optional()], format="%Y-%m-%d", render_kw={"type": "date"}
    )
    # A missing format means the first one (PDF), as the page shows it chosen.
    fmt = RadioField("Format", choices=FORMATS, default="pdf", validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then that the chosen service or type is one on offer."""
        valid = super().validate(extra_validators)
        chosen = self.service_id if self.scope.data == "service" else self.type_id
        scopes = {choice.value for choice in SCOPES}
        if self.scope.data in scopes and chosen.data not in {c.value for c in chosen.choices}:
            chosen.errors = [*chosen.errors, f"Choose a {chosen.label.text.lower()}."]
            valid = False
        return period_runs_forwards(self.date_from, self.date_to) and valid


class MonthField(StringField):
    """A month input ("2026-03"); its data is the first day of that month."""

    def process_formdata(self, valuelist: list[str]) -> None:
        """Parse the month, with a clear message when it is not a real one."""
        text = (valuelist[0] if valuelist else "").strip()
        self.raw_data = valuelist
        if not text:
            self.data = None
            return
        try:
            if not MONTH_TEXT.fullmatch(text):
                raise ValueError(text)
            self.data = date(int(text[:4]), int(text[5:]), 1)
        except ValueError as exc:
            self.data = None
            raise ValueError("Enter a real month, for example 2026-03.") from exc
        if not in_sane_years(self.data):
            raise ValueError(YEARS_MESSAGE)

    def _value(self) -> str:
        if self.data is not None:
            return f"{self.data:%Y-%m}"
        return self.raw_data[0] if self.raw_data else ""


class OutcomePackForm(FlaskForm):
    """Choose a Hub or service and whole months for an outcomes pack; sent with GET."""

    class Meta:
        csrf = False

    service_id = SelectField(
        "Hub or service",
        coerce=int,
        validate_choice=False,
        validators=[InputRequired("Choose a Hub or a service.")],
    )
    month_from = MonthField(
        "From (month)",
        validators=[InputRequired("Enter the first month, for example 2026-01.")],
        render_kw={"type": "month", "placeholder": "2026-01"},
    )
    month_to = MonthField(
        "To (month)",
        validators=[InputRequired("Enter the last month, for example 2026-06.")],
        render_kw={"type": "month", "placeholder": "2026-06"},
    )

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then that the months are in order."""
        valid = super().validate(extra_validators)
        if self.service_id.errors:  # wtforms' own words for a value that is not a number
            self.service_id.errors = ["Choose a Hub or a service."]
        if (
            self.month_from.data
            and self.month_to.data
            and self.month_from.data > self.month_to.data
        ):
            self.month_to.errors = [
                *self.month_to.errors,
                "The last month must be the same as or after the first month.",
            ]
            valid = False
        return valid
