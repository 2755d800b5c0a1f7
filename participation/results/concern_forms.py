"""Forms for raising a concern about an answer and for releasing a flagged answer."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from participation.results.forms import choices
from participation.safeguarding.categories import CATEGORY_LIST
from participation.safeguarding.flags import MAX_NOTE
from participation.safeguarding.queue import OUTCOME_LABELS


class ConcernForm(FlaskForm):
    """A member of staff's worry about an answer: what kind, and an optional note."""

    category = SelectField(
        "What worries you?",
        choices=choices(
            [("", "Select what worries you"), *((c.key, c.label) for c in CATEGORY_LIST)]
        ),
        validators=[InputRequired("Select what worries you about this answer.")],
    )
    note = TextAreaField(
        "Note for the safeguarding lead (optional)",
        validators=[
            Optional(),
            Length(max=MAX_NOTE, message=f"The note must be {MAX_NOTE} characters or fewer."),
        ],
    )

    def validate_category(self, field: SelectField) -> None:
        """The empty first choice is a prompt, not a category."""
        if not field.data:
            raise ValidationError("Select what worries you about this answer.")


class ReleaseForm(FlaskForm):
    """Why other staff may now read a flagged answer (for example, a false alarm)."""

    reason = TextAreaField(
        "Why may other staff read it?",
        validators=[
            DataRequired("Enter why other staff may now read this answer."),
            Length(max=MAX_NOTE, message=f"The reason must be {MAX_NOTE} characters or fewer."),
        ],
    )


class GroupOutcomeForm(FlaskForm):
    """One outcome recorded for every new flag of a burst of similar answers."""

    outcome = RadioField(
        "What did you do?",
        choices=choices(OUTCOME_LABELS.items()),
        validators=[InputRequired("Select what you did about these answers.")],
    )
    note = TextAreaField(
        "Note",
        validators=[
            DataRequired("Enter a note of what you did, or why there is no concern."),
            Length(max=MAX_NOTE, message=f"The note must be {MAX_NOTE} characters or fewer."),
        ],
    )
