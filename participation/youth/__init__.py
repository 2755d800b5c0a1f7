"""The young people's side: join, consent, answer, thanks, withdraw."""

from flask import Blueprint

bp = Blueprint("youth", __name__)

from participation.youth import routes  # noqa: E402,F401 - registers the views
