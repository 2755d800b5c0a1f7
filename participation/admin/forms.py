"""Forms for administrators."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from participation.models.staff import ROLES

ROLE_CHOICES = [SelectChoice(role, role.capitalize()) for role in ROLES]
# A new account starts with no role chosen: an administrator must pick one on purpose.
NEW_ROLE_CHOICES = [SelectChoice("", "Choose a role"), *ROLE_CHOICES]


class StaffForm(FlaskForm):
    """Invite a staff member."""

    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter an email address."),
            Length(max=254),
        ],
    )
    role = SelectField(
        "Role", choices=NEW_ROLE_CHOICES, validators=[DataRequired("Choose a role.")]
    )
    service_id = SelectField("Service", coerce=int)
    is_safeguarding_lead = BooleanField("Designated safeguarding lead")


class RoleForm(FlaskForm):
    """Change a staff member's role and safeguarding-lead flag."""

    role = SelectField("Role", choices=ROLE_CHOICES)
    is_safeguarding_lead = BooleanField("Designated safeguarding lead")


class ParticipationTypeForm(FlaskForm):
    """Add or rename a participation type."""

    name = StringField(
        "Name",
        validators=[
            DataRequired("Enter a name."),
            Length(max=80, message="Use 80 characters or fewer."),
        ],
    )
    description = TextAreaField("Description", validators=[Length(max=500)])
    is_active = BooleanField("In use", default=True)


class EmptyForm(FlaskForm):
    """A form with only a CSRF token, for buttons that change something."""


class ServiceForm(FlaskForm):
    """Add or change a service (a Hub, or a Spoke under a Hub) and its help links."""

    name = StringField(
        "Name",
        validators=[
            DataRequired("Enter a name."),
            Length(max=120, message="Use 120 characters or fewer."),
        ],
    )
    parent_id = SelectField("Hub", coerce=int)
    signposting = TextAreaField(
        "Help links shown to young people",
        validators=[Length(max=3000, message="Use 3000 characters or fewer.")],
    )
