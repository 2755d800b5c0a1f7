"""The checks themselves: a form field without a label, or a script from another host, fails."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Route

from tests.browser.support import axe_violations

pytestmark = pytest.mark.browser

EXTERNAL_SCRIPT = '<script src="https://cdn.example.net/analytics.js"></script>'
EXTERNAL_STYLE = '<link rel="stylesheet" href="https://fonts.example.com/css?family=Round">'


def serve_changed(visitor, path: str, change, *, keep_csp: bool = True) -> None:
    """Serve `path` as the app renders it, passed through `change(html)` (a template edit)."""

    def handle(route: Route) -> None:
        original = route.fetch()
        headers = dict(original.headers)
        if not keep_csp:
            headers.pop("content-security-policy", None)
        headers.pop("content-length", None)
        route.fulfill(response=original, body=change(original.text()), headers=headers)

    visitor.page.route(visitor.url(path), handle)


def test_a_field_without_a_label_fails_the_axe_check(visit):
    visitor = visit("phone")
    serve_changed(
        visitor,
        "/staff/sign-in",
        lambda html: html.replace('<label class="label" for="email">Email address</label>', ""),
    )
    visitor.goto("/staff/sign-in")
    assert visitor.page.locator("label[for=email]").count() == 0

    rules = {v["id"]: v for v in axe_violations(visitor.page)}
    assert "label" in rules
    assert rules["label"]["nodes"][0]["target"] == ["#email"]
    with pytest.raises(AssertionError, match=r"(?s)axe found.*- label .*#email"):
        visitor.check("sign-in without a label")


def test_an_injected_unlabelled_input_fails_the_axe_check(visit):
    visitor = visit("desktop")
    visitor.goto("/")
    visitor.page.evaluate(
        """() => {
            const input = document.createElement("input");
            input.type = "text";
            input.name = "nickname";
            document.querySelector("main").append(input);
        }"""
    )
    with pytest.raises(AssertionError, match=r"- label \(critical\)"):
        visitor.check("start page with an unlabelled input")


def test_an_external_script_fails_even_when_the_policy_blocks_it(visit):
    visitor = visit("phone")
    serve_changed(visitor, "/", lambda html: html.replace("</head>", EXTERNAL_SCRIPT + "</head>"))
    visitor.goto("/")
    with pytest.raises(AssertionError, match=r"(?s)problems in the browser.*cdn\.example\.net"):
        visitor.check("start page with an external script", youth=True)


def test_an_external_script_or_style_is_blocked_and_reported(visit):
    visitor = visit("phone")
    serve_changed(
        visitor,
        "/",
        lambda html: html.replace("</head>", EXTERNAL_SCRIPT + EXTERNAL_STYLE + "</head>"),
        keep_csp=False,
    )
    visitor.goto("/")
    with pytest.raises(AssertionError, match="requests to hosts other than the app") as failure:
        visitor.check("start page with outside resources", youth=True)
    assert "script https://cdn.example.net/analytics.js" in str(failure.value)
    assert "stylesheet https://fonts.example.com/css?family=Round" in str(failure.value)
    visitor.traffic.outside.clear()  # seen and asserted; the fixture would fail the test again


def test_a_heavy_young_persons_page_fails_the_weight_check(visit):
    visitor = visit("phone")
    filler = f"<!-- {secrets.token_urlsafe(24_000)} -->"  # random text does not compress
    serve_changed(visitor, "/", lambda html: html.replace("</main>", filler + "</main>"))
    visitor.goto("/")
    with pytest.raises(AssertionError, match=r"weighs \d+ bytes compressed, over 15360"):
        visitor.check("start page made heavy", youth=True, axe=False)
    visitor.report.youth_weights.pop("start page made heavy")  # not one of the app's pages
