"""Forms for staff sign-in."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class SignInForm(FlaskForm):
    """Email and password."""

    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address."), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    """Change your own password."""

    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password."), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "New password",
        validators=[DataRequired("Enter a new password."), Length(max=128)],
        render_kw={"autocomplete": "new-password"},
    )


class CodeForm(FlaskForm):
    """A 6-number code from an authenticator app, or a recovery code."""

    code = StringField(
        "Code",
        validators=[DataRequired("Enter the code."), Length(max=40)],
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "text",
            "spellcheck": "false",
            "autocapitalize": "none",
        },
    )


class PasskeyNameForm(FlaskForm):
    """What to call a new passkey (the JavaScript ceremony posts the rest)."""

    name = StringField(
        "Name for this passkey",
        validators=[Length(max=80)],
        render_kw={"spellcheck": "false"},
    )


class EmptyForm(FlaskForm):
    """A form with only a CSRF token, for buttons that change something."""
