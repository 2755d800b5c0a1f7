"""Young people's views."""

from flask import render_template

from participation.youth import bp


@bp.get("/")
def home():
    """The public start page: type a code to join, or staff sign in."""
    return render_template("youth/home.html")
