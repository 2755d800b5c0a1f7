"""Passkeys in a real browser: register one, then sign in with it (Chromium's virtual authenticator).

WebAuthn needs a secure context and a domain name for the relying party, so this module
serves the app on http://localhost (an IP address such as 127.0.0.1 cannot be an RP id).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from participation.commands.demo import DEMO_PASSWORD
from participation.db import make_engine
from participation.models import AuditEvent, Passkey, Staff
from tests.browser.conftest import (
    LEAD,
    gunicorn,
    run_report,
    screenshots,
    server_database,
)
from tests.browser.support import DEVICES, Traffic, Visitor, slug

pytestmark = pytest.mark.browser

EAST_LEAD = "lead@east.example.org"  # a demo Spoke lead with no second factor yet


@dataclass
class LocalhostServer:
    """The app served as http://localhost:<port>, with its database."""

    base_url: str
    database_url: str


@pytest.fixture(scope="module")
def localhost_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalhostServer]:
    """The app with demo data, its base URL on localhost."""
    tmp = tmp_path_factory.mktemp("passkeys")
    keys = tmp / "link-keys"
    with (
        server_database(tmp, keys) as database_url,
        gunicorn(database_url, tmp / "server.log", keys, host="localhost") as base_url,
    ):
        yield LocalhostServer(base_url, database_url)


@pytest.fixture
def visitor(
    browser: Browser,
    localhost_server: LocalhostServer,
    request: pytest.FixtureRequest,
    pytestconfig: pytest.Config,
) -> Iterator[Visitor]:
    """A phone-sized browser with a virtual platform authenticator (a passkey store)."""
    context = browser.new_context(**DEVICES["phone"], locale="en-GB")
    context.set_default_timeout(10_000)
    traffic = Traffic(localhost_server.base_url)
    traffic.attach(context)
    shots: Path = screenshots() / slug(request.node.name)
    visitor = Visitor(
        context, traffic, localhost_server.base_url, shots, run_report(pytestconfig), "phone"
    )
    devtools = context.new_cdp_session(visitor.page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    yield visitor
    visitor.close()
    traffic.assert_clean()


def password_step(visitor: Visitor, email: str) -> None:
    page = visitor.page
    visitor.goto("/staff/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def test_register_a_passkey_then_sign_in_with_it(visitor, localhost_server):
    page = visitor.page
    password_step(visitor, LEAD)
    assert page.url.endswith("/results/"), "a lead without a second factor signs in directly"

    visitor.goto("/staff/account")
    visitor.check("account security")
    page.get_by_label("Name for this passkey").fill("Work phone")
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_url("**/staff/account/recovery-codes")
    expect(page.locator(".code-list li")).to_have_count(10)
    visitor.check("recovery codes")
    visitor.goto("/staff/account")
    expect(page.get_by_text("Work phone")).to_be_visible()

    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url("**/staff/sign-in")
    password_step(visitor, LEAD)
    assert page.url.endswith("/staff/sign-in/code"), "with a passkey, the password is not enough"
    visitor.check("second factor")
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url("**/results/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    engine = make_engine(localhost_server.database_url)
    try:
        with Session(engine) as session:
            staff = session.scalars(select(Staff).where(Staff.email == LEAD)).one()
            passkey = session.scalars(select(Passkey).where(Passkey.staff_id == staff.id)).one()
            assert passkey.name == "Work phone" and passkey.last_used_at is not None
            methods = [
                event.detail.get("second_factor")
                for event in session.scalars(
                    select(AuditEvent).where(
                        AuditEvent.staff_id == staff.id, AuditEvent.action == "sign_in"
                    )
                )
            ]
            assert methods[-1] == "passkey"
    finally:
        engine.dispose()


def test_authenticator_app_set_up_on_a_phone_without_javascript(browser, localhost_server):
    """The TOTP set-up works on a phone with no JavaScript: key as text, QR code, one code."""
    context = browser.new_context(**DEVICES["narrow"], locale="en-GB", java_script_enabled=False)
    context.set_default_timeout(10_000)
    traffic = Traffic(localhost_server.base_url)
    traffic.attach(context)
    page = context.new_page()
    try:
        page.goto(localhost_server.base_url + "/staff/sign-in")
        page.get_by_label("Email address").fill(EAST_LEAD)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(localhost_server.base_url + "/staff/account/totp")
        expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"the set-up page scrolls sideways on a 320px phone ({width}px)"
        key = "".join(page.locator("[data-totp-secret]").inner_text().split())
        page.get_by_role("textbox", name="Code").fill(pyotp.TOTP(key).now())
        page.get_by_role("button", name="Check code and turn on").click()
        expect(page.locator(".code-list li")).to_have_count(10)
    finally:
        context.close()
    traffic.assert_clean()
