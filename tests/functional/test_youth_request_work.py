"""Young people's requests do only the work that changes what they get back."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from tests.functional.youth_journey import Journey
from tests.helpers import recorded_statements


@contextmanager
def statements(app):
    """Collect the SQL statements run while the block runs, but the test's own savepoints."""
    kept: list[str] = []
    with recorded_statements(app.extensions["engine"]) as seen:
        yield kept
    # Each request joins the rolled-back test transaction through savepoints.
    kept.extend(s for s in seen if not s.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")))


@pytest.fixture
def activity(make):
    return make.activity(title="Summer trip")


def test_no_rate_limiter_hook_runs_on_every_request(app):
    hooks = [
        *app.before_request_funcs.get(None, []),
        *app.after_request_funcs.get(None, []),
        *app.teardown_request_funcs.get(None, []),
    ]
    owners = {type(getattr(hook, "__self__", None)).__module__ for hook in hooks}
    assert not any(owner.startswith("flask_limiter") for owner in owners)
    assert not any("flask_limiter" in repr(hook) for hook in hooks)


def test_a_kept_activity_costs_one_small_query_per_page(app, client, activity):
    journey = Journey(client, activity)
    journey.open()  # the first visit reads the activity
    with statements(app) as seen:
        journey.open()
    assert len(seen) == 1 and "content_version" in seen[0]
    journey.consent()
    with statements(app) as seen:
        journey.press("next")
    assert len(seen) == 1 and "content_version" in seen[0]


def test_a_signed_in_lead_is_not_looked_up_on_young_peoples_pages(
    app, client, activity, make, sign_in
):
    sign_in(make.staff("lead", activity.service))
    Journey(client, activity).open()
    with statements(app) as seen:
        response = Journey(client, activity).open()
    assert response.status_code == 200
    assert not [s for s in seen if "FROM staff" in s]
