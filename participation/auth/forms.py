"""Forms for staff sign-in."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
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
