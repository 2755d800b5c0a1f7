"""Limits on young people's anonymous writes; every refusal is a kind page that keeps the answers.

Saying yes and sending answers are counted per client (the keyed hash of its address, see
participation.throttle) and per activity: a budget for the session that follows the
activity's expected group size, and a short burst. A whole class behind one school address
stays inside both; a script sending hundreds does not. Past the group size (and its margin)
new joiners are asked to wait for the lead, not turned away for good. A refusal page carries
everything that was posted, so pressing Try again sends it as if nothing had happened.
"""

from __future__ import annotations

from flask import render_template, request

from participation import throttle
from participation.activities import group_size
from participation.activities.snapshot import AnyActivity
from participation.errors import posted_fields

# The lead has to press "Let more people join"; asking again sooner would not help.
GROUP_FULL_RETRY_SECONDS = 30

# Guessing limits on join and withdrawal codes count over 10 minutes (see throttle.py).
GUESSING_RETRY_SECONDS = 600

# Never echoed back into a page: a fresh token is added to the Try again form.


def _windows(budget: int) -> tuple[throttle.Window, ...]:
    return (
        throttle.Window(budget, throttle.SESSION_SECONDS),
        throttle.Window(throttle.BURST, throttle.BURST_SECONDS),
    )


def _refusal(activity: AnyActivity, reason: str, wait: int, *, sending: bool = False):
    html = render_template(
        "youth/wait.html",
        activity=activity,
        reason=reason,
        wait=wait,
        sending=sending,
        carried=posted_fields(),
        action=request.path,
    )
    return html, 429, {"Retry-After": str(wait)}


def too_many_tries():
    """The page for too many wrong codes; a typed code rides along for trying again later."""
    html = render_template("youth/too_many.html", carried=posted_fields(), action=request.path)
    return html, 429, {"Retry-After": str(GUESSING_RETRY_SECONDS)}


def admit_joiner(activity: AnyActivity):
    """Count a young person saying yes; a kind "please wait" page when they may not join yet."""
    joined = throttle.joined_this_session(activity.id)
    if group_size.joining_of(activity, joined).full:
        return _refusal(activity, "group_full", GROUP_FULL_RETRY_SECONDS)
    budget = group_size.join_allowance(activity.expected_group_size)
    wait = throttle.spend("consent", _windows(budget), str(activity.id), throttle.client_key())
    if wait:
        return _refusal(activity, "busy", wait)
    throttle.count_joined(activity.id)
    return None


def admit_send(activity: AnyActivity):
    """Count a send from this client; a kind "please wait" page when it has sent too many."""
    budget = group_size.send_allowance(activity.expected_group_size)
    wait = throttle.spend("send", _windows(budget), str(activity.id), throttle.client_key())
    if wait:
        return _refusal(activity, "busy", wait, sending=True)
    return None
