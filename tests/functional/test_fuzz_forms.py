"""No input gives a 500: junk sent to every route of the url_map, as every kind of user.

Each route gets generated junk (NUL and other control characters, huge numbers, dates out
of range, odd Unicode, long strings) in the fields of its forms, found by reading the pages
with bs4, and in made-up fields and query parameters. The senders are an anonymous visitor,
a young person half way through answering, a lead, a researcher, an admin and a safeguarding
lead. Ids in URLs are real ones, or far too big. Runs on SQLite and, with
PARTICIPATION_TEST_DATABASE_URL, on PostgreSQL (which refuses NUL in text).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from participation.activities.library import TEMPLATES
from participation.exports.releases import make_release
from participation.models import Action, Flag, SafeguardingPhrase, Theme
from participation.models.activities import RESEARCH_ASK
from participation.models.credentials import Passkey
from tests.functional.studio_forms import form_values
from tests.functional.youth_journey import Journey, field_name
from tests.helpers import page

ROLES = ("anonymous", "young person", "lead", "researcher", "admin", "safeguarding lead")
# The routes each role uses, for the generated junk (every role also meets every route once).
ROUTES_OF = {
    "anonymous": ("youth.", "auth."),
    "young person": ("youth.",),
    "lead": ("studio.", "results.", "research.", "auth."),
    "researcher": ("research.", "results.", "auth."),
    "admin": ("admin.", "studio.", "results.", "research.", "auth."),
    "safeguarding lead": ("results.", "studio.", "auth."),
}
# Pressed last: they sign out or end the visit the other routes need.
LAST = ("auth.sign_out", "youth.kiosk_end", "youth.leave")
# Files, not pages: they hold no forms, so the crawl skips them (PDFs are slow to make).
DOWNLOADS = (".pdf", ".zip", ".csv", ".png", ".svg", ".json", "<path:filename>")
# Slow to make, and they read nothing but their ids and the dates of a report: the nastiest
# values are sent to them once, and the generated junk goes elsewhere.
SLOW = (".pdf", ".zip")
HUGE_ID = 10**22  # 23 digits: beyond SQLite's integers
_PLACEHOLDER = re.compile(r"<(?:[a-z]+(?:\([^)]*\))?:)?(\w+)>")

CONTROL = ["\x00", "a\x00b", "\x01\x02\x1b[31m", "\x7f", "\x0b\x0c", "line\x00\r\nline"]
NASTY = [
    *CONTROL,
    "\u202eevil\u202c",
    "\ufeff",
    "9" * 23,
    "-" + "9" * 23,
    str(2**63),
    str(2**63 - 1),
    str(2**31),
    "1e309",
    "NaN",
    "-0",
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "9999-12-31T23:59",
    "0000-00-00T00:00",
    "2026-02-30",
    "",
    " ",
    "%00",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ﷺ 👩‍👩‍👧‍👦",
    "A" * 5000,
]
# Control characters are refused before any view runs, so most junk has none and reaches
# the views; now and then a value has some, to check that refusal too.
PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs"))
JUNK = st.one_of(
    st.sampled_from(NASTY[len(CONTROL) :]),
    st.text(PRINTABLE, max_size=30),
    st.integers(-(2**80), 2**80).map(str),
    st.dates().map(str),
    st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
)
WITH_CONTROLS = st.one_of(st.sampled_from(CONTROL), st.text(max_size=12))
NAMES = st.one_of(
    st.sampled_from(["id", "q", "from", "to", "page", "service_id", "activity_id", "code"]),
    st.text(PRINTABLE, min_size=1, max_size=12),
)
ROUTES_PER_EXAMPLE = 12
PROPERTY = settings(
    max_examples=3,  # each example sends junk to every route the role uses
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

Forms = dict[str, dict[str, str]]  # {form action path: what the form sends as it stands}


def _forms_on(response: TestResponse) -> Forms:
    forms: Forms = {}
    for form in page(response).find_all("form"):
        action = (form.get("action") or response.request.path).split("?")[0]
        forms.setdefault(action, {}).update(form_values(form))
    return forms


@dataclass
class World:
    """The records whose ids the URLs take, and a client for one role with its forms."""

    app: Flask
    ids: dict[str, Any]
    sign_in: Callable[..., FlaskClient]
    role: str = ""
    client: FlaskClient | None = None
    forms: Forms = field(default_factory=dict)

    def become(self, role: str, make) -> None:
        """Sign in (or start answering) as `role`, then read the forms of every page."""
        self.role = role
        self.client = self.app.test_client()
        self.forms = _start_as(self.client, role, make, self.ids, self.sign_in)
        for rule, method in concrete_rules(self.app):
            if method == "GET" and rule.endpoint not in LAST and not rule.rule.endswith(DOWNLOADS):
                # Closed at once: an open streamed response keeps its request's context (and g).
                with self.client.get(url_for_rule(rule, method, self.ids)) as response:
                    assert response.status_code < 500, rule.rule
                    if response.mimetype == "text/html":
                        for action, values in _forms_on(response).items():
                            self.forms.setdefault(action, {}).update(values)

    def send(self, rule: Rule, method: str, data: dict, query: dict, huge: bool) -> int:
        """One request, read to the end and closed; returns its status code."""
        assert self.client is not None
        url = url_for_rule(rule, method, self.ids, huge=huge)
        if method == "GET":
            response = self.client.get(url, query_string={**query, **data})
        else:
            response = self.client.post(url, data=data, query_string=query)
        with response:
            response.get_data()
            return response.status_code

    def defaults(self, rule: Rule, method: str) -> dict[str, str]:
        """What the role's form for this route sends as it stands (nothing if it has none)."""
        return dict(self.forms.get(url_for_rule(rule, method, self.ids), {}))


def _records(make, db_session) -> dict[str, Any]:
    hub = make.service("Fuzz Hub", kind="hub")
    spoke = make.service("Fuzz Spoke", hub=hub)
    activity = make.activity(spoke, title="Fuzzed activity", research_sharing=RESEARCH_ASK)
    spare = make.activity(spoke, title="Activity for status buttons")
    submission = make.submission(activity, {4: [{"text": "I want to run away"}]})
    for _ in range(activity.k_threshold):  # enough young people for a research release
        make.submission(activity, {0: [{"choice": 3}]})
    answer = submission.answers[0]
    theme = Theme(service_id=spoke.id, name="Transport")
    flag = Flag(
        answer_id=answer.id,
        activity_id=activity.id,
        service_id=spoke.id,
        categories="going_missing",
    )
    db_session.add_all([theme, flag])
    db_session.flush()
    action = Action(activity_id=activity.id, theme_id=theme.id, you_said="More", we_did="Did")
    db_session.add(action)
    db_session.flush()
    phrase = db_session.query(SafeguardingPhrase).first()
    release = make_release(db_session, None, activity)
    someone_else = make.staff("lead", spoke)  # deactivating them, or their passkey, is harmless
    passkey = Passkey(
        staff_id=someone_else.id, credential_id="fuzz-credential", public_key=b"\x00", name="Phone"
    )
    db_session.add(passkey)
    db_session.flush()
    return {
        "passkey_id": passkey.id,
        "group_key": flag.group_key,
        "number": release.number,
        "fmt": "pdf",
        "hub": hub,
        "activity": activity,
        "activity_id": activity.id,
        "spare_activity_id": spare.id,
        "question_id": activity.questions[0].id,
        "answer_id": answer.id,
        "flag_id": flag.id,
        "theme_id": theme.id,
        "action_id": action.id,
        "phrase_id": phrase.id if phrase else 1,
        "staff_id": someone_else.id,
        "type_id": activity.participation_type_id,
        "service_id": spoke.id,
        "code": activity.join_code,
        "template_key": next(iter(TEMPLATES)),
        "filename": "style.css",
    }


def _start_as(
    client: FlaskClient, role: str, make, ids: dict[str, Any], sign_in: Callable[..., FlaskClient]
) -> Forms:
    """Sign the client in as `role`; the forms of the page it is left on."""
    staff = {
        "lead": lambda: make.staff("lead", ids["hub"]),
        "researcher": lambda: make.staff("researcher", ids["hub"]),
        "admin": lambda: make.staff("admin"),
        "safeguarding lead": lambda: make.staff("lead", ids["hub"], safeguarding=True),
    }
    if role in staff:
        # Through the real forms, second factor included (set up at first sign-in if needed).
        sign_in(staff[role](), into=client)
    elif role == "young person":
        activity = ids["activity"]
        journey = Journey(client, activity)
        journey.consent()
        # The answering form only comes from a post, so no crawl would find it.
        return _forms_on(journey.press("next", {field_name(activity.questions[0]): "4"}))
    return {}


def concrete_rules(app: Flask) -> list[tuple[Rule, str]]:
    """(rule, method) for every route, sign-out and the like last."""
    found = [
        (rule, method)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]
    return sorted(found, key=lambda pair: (pair[0].endpoint in LAST, pair[0].rule, pair[1]))


def url_for_rule(rule: Rule, method: str, ids: dict[str, Any], huge: bool = False) -> str:
    """The rule's URL with real ids (or far too big ones) filled in."""
    values = {}
    for name in rule.arguments:
        if huge and name.endswith("_id"):
            values[name] = HUGE_ID
        elif name == "activity_id" and method == "POST" and rule.endpoint.startswith("studio."):
            values[name] = ids["spare_activity_id"]  # archiving the main one would hide the rest
        else:
            assert name in ids, f"add an id for {name} ({rule.rule}) to _records"
            values[name] = ids[name]
    return _PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), rule.rule)


@pytest.fixture
def world(app, make, db_session, sign_in) -> World:
    """The records every route's URL can point at."""
    return World(app, _records(make, db_session), sign_in)


def _nastiest_to_every_route(world: World) -> None:
    """Every route once (twice with its ids far too big), every field one nasty value."""
    for index, (rule, method) in enumerate(concrete_rules(world.app)):
        nasty = NASTY[index % len(NASTY)]
        data = {
            name: value if name in ("csrf_token", "draft") else nasty
            for name, value in world.defaults(rule, method).items()
        }
        data["made_up_field"] = nasty
        query = {"from": "9999-12-31", "to": "9999-12-31", "id": "9" * 23}
        for huge in (False, True) if rule.arguments else (False,):
            status = world.send(rule, method, data, query, huge)
            assert status < 500, (world.role, method, rule.rule, data)


def _payload(draw, defaults: dict[str, str]) -> dict[str, str]:
    def junk() -> str:
        return draw(JUNK) if draw(st.integers(0, 9)) else draw(WITH_CONTROLS)

    data = {}
    for name, value in defaults.items():
        # Keep the CSRF token and the young person's draft most of the time, to get past them.
        keep = name in ("csrf_token", "draft") and draw(st.integers(0, 9)) > 0
        data[name] = value if keep or not draw(st.booleans()) else junk()
    for _ in range(draw(st.integers(0, 3))):
        data[draw(NAMES)] = junk()
    return data


def _fuzz(world: World, role: str, group: list[tuple[Rule, str]], number: int) -> None:
    """Junk to each route of `group`, PROPERTY's number of times, from seed `number`."""

    @seed(number)
    @PROPERTY
    @given(data=st.data())
    def check(data):
        for rule, method in group:
            payload = _payload(data.draw, world.defaults(rule, method))
            query = _payload(data.draw, {})
            huge = bool(rule.arguments) and data.draw(st.integers(0, 4)) == 4
            status = world.send(rule, method, payload, query, huge)
            assert status < 500, (role, method, rule.rule, payload, query)

    check()


@pytest.mark.parametrize("role", ROLES)
def test_junk_sent_to_any_route_gives_no_500(world, make, role):
    world.become(role, make)
    rules = [
        (rule, method)
        for rule, method in concrete_rules(world.app)
        if rule.endpoint.startswith(ROUTES_OF[role])
        and rule.endpoint not in LAST
        and not rule.rule.endswith(SLOW)
    ]

    # A fixed seed for each role: the same examples on every run, different for each role.
    # Routes go in groups, so one example's draws stay within what Hypothesis will generate.
    for start in range(0, len(rules), ROUTES_PER_EXAMPLE):
        _fuzz(
            world, role, rules[start : start + ROUTES_PER_EXAMPLE], ROLES.index(role) * 1000 + start
        )
    # Last, as it ends by signing out.
    _nastiest_to_every_route(world)
