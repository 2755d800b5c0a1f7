"""The young people's short information pages (privacy notice, accessibility statement) and the
kiosk's thank-you page, which is shown by redirect so "next person" leaves no re-sendable form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template, request, session

from participation.activities.settings import MIN_K, ActivitySettings
from participation.db import get_session
from participation.models import Activity
from participation.youth import bp, kiosk
from participation.youth.preferences import CHOICES

KIOSK_THANKS = "kiosk_thanks"


@dataclass(frozen=True)
class PrivacyFacts:
    """What the privacy notice promises, read from the settings activities start with."""

    k: int
    smallest_k: int
    retention_days: int
    withdrawal_days: int


def privacy_facts() -> PrivacyFacts:
    """The numbers the privacy notice tells, from the same defaults the studio gives activities."""
    defaults = ActivitySettings(title="", participation_type_id=None, service_id=None)
    return PrivacyFacts(
        k=defaults.k_threshold,
        smallest_k=MIN_K,
        retention_days=defaults.retention_days,
        withdrawal_days=defaults.withdrawal_days,
    )


@bp.get("/privacy")
def privacy():
    """Your privacy: what is kept, what never is, and for how long, for a 12-year-old."""
    return render_template("youth/privacy.html", facts=privacy_facts())


@bp.get("/accessibility")
def accessibility():
    """How the pages can be changed to suit you, and what to do if something is hard to use."""
    return render_template("youth/accessibility.html")


def remember_kiosk_thanks(activity_id: int, withdrawal_code: str | None, flagged: bool) -> None:
    """Keep the thank-you page's content for one showing (kiosk mode's post/redirect/get)."""
    session[KIOSK_THANKS] = [activity_id, withdrawal_code, flagged]


@bp.before_request
def forget_kiosk_thanks() -> None:
    """The kiosk's thank-you content never outlives its page (next person, Leave, anything)."""
    if request.endpoint != "youth.kiosk_thanks" and KIOSK_THANKS in session:
        session.pop(KIOSK_THANKS)


@bp.get("/thanks")
def kiosk_thanks():
    """The kiosk's thank-you page, shown once; afterwards (Back, reload) the visit has ended."""
    switching = any(name in request.args for name in CHOICES)
    # A language or colour switch redraws the page; anything else shows it for the last time.
    kept: Any = session.get(KIOSK_THANKS) if switching else session.pop(KIOSK_THANKS, None)
    activity = get_session().get(Activity, kept[0]) if isinstance(kept, list) else None
    if activity is None or not kiosk.active():
        return (
            kiosk.redirect_to_start()
            if kiosk.active()
            else render_template("youth/start_again.html")
        )
    return render_template(
        "youth/thanks.html",
        activity=activity,
        withdrawal_code=kept[1],
        flagged=kept[2],
        kiosk=True,
        kiosk_start=kiosk.start_url(),
    )
