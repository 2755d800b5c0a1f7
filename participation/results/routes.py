"""Results views."""

from flask import render_template

from participation.auth.access import staff_required
from participation.results import bp


@bp.get("/")
@staff_required()
def dashboard():
    """The staff home page."""
    return render_template("results/dashboard.html")
