"""The outcomes page with figures: accessible, no sideways scroll, at desktop size and narrow."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from participation.models import Staff
from participation.outcomes import bank
from tests.browser.conftest import sign_in
from tests.factories import Factory
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

MARCH = datetime(2026, 3, 10, 15)  # noqa: DTZ001  stored as naive UTC
MAY = datetime(2026, 5, 12, 15)  # noqa: DTZ001
LEAD_EMAIL = "outcomes-lead@hub.example.org"


def build_hub(live_server) -> None:
    """A Hub of two Spokes: 12 and 3 young people with linking codes, and unlinked answers."""
    with live_server.session() as session:
        if session.scalar(select(Staff.id).where(Staff.email == LEAD_EMAIL)) is not None:
            return  # built for an earlier device
        make = Factory(session)
        hub = make.service("Brookfield Outcomes Hub", kind="hub")
        bank.ensure_standard(session, hub.id)
        items = bank.bank_for(session, hub.id)
        make.staff("lead", hub, email=LEAD_EMAIL)
        for name, people in (("Brookfield Riverside Spoke", 12), ("Brookfield Hillside Spoke", 3)):
            spoke = make.service(name, hub=hub)
            questions = [bank.question_fields(item) for item in items[:2]]
            first, later = (make.activity(spoke, questions=questions) for _ in range(2))
            for number in range(people):
                link = f"{spoke.id}-{number}"
                make.submission(first, {0: [{"choice": 2}]}, link_hash=link, submitted_hour=MARCH)
                make.submission(later, {0: [{"choice": 4}]}, link_hash=link, submitted_hour=MAY)
            make.submission(first, {0: [{"choice": 1}], 1: [{"choice": 3}]}, submitted_hour=MAY)
        session.commit()


@pytest.mark.parametrize("device", ["desktop", "narrow"])
def test_the_outcomes_page_with_figures_is_accessible(visit, live_server, device):
    build_hub(live_server)
    visitor = visit(device)
    sign_in(visitor, LEAD_EMAIL, PASSWORD)
    response = visitor.goto("/results/outcomes")
    assert response is not None and response.status == 200
    assert visitor.page.locator("svg.chart--paired").count() >= 1
    visitor.check("outcomes over time")
