"""A class of young people, or a script, all behind one address: for the limit tests and bench.

Every phone is its own test client (its own cookies) with the same REMOTE_ADDR, so the app
sees one client key, as it would behind a school's NAT. Time is a `Clock` the test puts in
place of `participation.throttle.now`, so a class spread over minutes runs in a second.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from participation.models import Activity
from tests.functional.youth_journey import hidden_fields
from tests.helpers import csrf_token, page

SCHOOL = {"REMOTE_ADDR": "203.0.113.7"}  # one address for everyone (documentation range)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, at: float = 1_800_000_000.0) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


def phone(app: Flask) -> FlaskClient:
    """A young person's phone on the school's network."""
    client = app.test_client()
    client.environ_base.update(SCHOOL)
    return client


def say_yes(client: FlaskClient, activity: Activity, *, research: bool = False) -> TestResponse:
    """Open the join link and press "Yes, I'll take part"."""
    token = csrf_token(client.get(f"/j/{activity.join_code}"))
    data = {"csrf_token": token, "choice": "yes"}
    if research:
        data["research"] = "yes"
    return client.post(f"/j/{activity.join_code}", data=data)


def send(client: FlaskClient, form_page: TestResponse, answers: dict[str, str]) -> TestResponse:
    """Send the one-page form on `form_page` with `answers` filled in."""
    return client.post("/answers/send", data={**hidden_fields(form_page), **answers})


def try_again(client: FlaskClient, wait_page: TestResponse) -> TestResponse:
    """Press Try again on a "please wait" page (its form carries what was posted)."""
    form = page(wait_page).find("form", attrs={"method": "post"})
    data: dict[str, list[str]] = {}
    for field_ in form.find_all("input", attrs={"type": "hidden"}):
        data.setdefault(field_["name"], []).append(field_.get("value", ""))
    return client.post(form["action"], data=data)


def answers_for(activity: Activity, number: int) -> dict[str, str]:
    """Made-up answers for the two-question activity (an emoji scale, then free text)."""
    scale, text = activity.questions
    return {f"q{scale.id}": str(1 + number % 5), f"q{text.id}": f"Synthetic answer {number}"}


@dataclass
class Crowd:
    """What happened to a class: who took part, who was asked to wait, and when."""

    people: int
    sent: set[int] = field(default_factory=set)
    asked_to_wait: set[int] = field(default_factory=set)
    refusals: int = 0
    lead_pressed: float | None = None
    last_sent: float = 0.0

    @property
    def minutes(self) -> float:
        """Minutes from the first join to the last send."""
        return self.last_sent / 60


def run_class(
    app: Flask,
    activity: Activity,
    clock: Clock,
    *,
    people: int = 40,
    join_over: float = 120.0,
    answer_for: tuple[float, float] = (60.0, 300.0),
    send_together: float | None = None,
    lead: Callable[[], None] | None = None,
    lead_after: float = 60.0,
    seed: int = 14,
) -> Crowd:
    """A class joining over `join_over` seconds and sending after `answer_for` seconds each.

    With `send_together`, everyone sends within that many seconds of the last join instead.
    Anyone asked to wait presses Try again when the page says; `lead` (if given) presses
    "Let more people join" `lead_after` seconds after the first "ask your leader" page.
    """
    rng = random.Random(seed)
    start = clock.at
    crowd = Crowd(people)
    phones = [phone(app) for _ in range(people)]
    joins = sorted(rng.uniform(0, join_over) for _ in range(people))
    queue: list[tuple[float, int, str, TestResponse | None]] = [
        (at, number, "join", None) for number, at in enumerate(joins)
    ]
    heapq.heapify(queue)
    while queue:
        at, number, step, last = heapq.heappop(queue)
        if lead and crowd.lead_pressed is not None and crowd.lead_pressed <= at:
            clock.at = start + crowd.lead_pressed
            lead()
            lead = None
        clock.at = start + at
        client = phones[number]
        if step == "join":
            response = say_yes(client, activity)
        elif step == "send":
            response = send(client, last, answers_for(activity, number))
        else:
            response = try_again(client, last)
        if response.status_code == 429:
            crowd.refusals += 1
            crowd.asked_to_wait.add(number)
            if "group leader" in page(response).find("h1").get_text() and lead:
                crowd.lead_pressed = crowd.lead_pressed or at + lead_after
            wait = float(response.headers["Retry-After"])
            heapq.heappush(queue, (at + wait, number, "retry", response))
        elif response.status_code == 200 and "Thank you" in page(response).get_text():
            crowd.sent.add(number)
            crowd.last_sent = at
        elif page(response).find("input", attrs={"name": "draft"}) is not None:
            if send_together is not None:
                later = join_over + rng.uniform(0, send_together)
            else:
                later = at + rng.uniform(*answer_for)
            heapq.heappush(queue, (later, number, "send", response))
        else:
            raise AssertionError(f"unexpected page {response.status_code} at step {step}")
    return crowd


@dataclass
class Script:
    """What a script got: thanks pages and refusals out of its attempts."""

    attempts: int
    stored: int = 0
    refused: int = 0


def run_script(
    app: Flask, activity: Activity, clock: Clock, *, attempts: int = 300, every: float = 0.05
) -> Script:
    """One client saying yes and sending, again and again, every `every` seconds."""
    client = phone(app)
    result = Script(attempts)
    for number in range(attempts):
        clock.at += every
        form_page = say_yes(client, activity)
        if form_page.status_code == 429:
            result.refused += 1
            continue
        clock.at += every
        response = send(client, form_page, answers_for(activity, number))
        if response.status_code == 429:
            result.refused += 1
        elif response.status_code == 200:
            result.stored += 1
    return result
