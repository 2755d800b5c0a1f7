"""What the browser tests check on every page: accessibility, weight, outside requests, reflow.

A `Visitor` is one browser context with one page. `visitor.check(name)` runs the checks on
the page as it is now and saves a screenshot; a failed check fails the test with a report
that names the rule and the element.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    BrowserContext,
    Locator,
    Page,
    Request,
    Response,
    Route,
)
from playwright.sync_api import (
    Error as PlaywrightError,
)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

# WCAG 2.2 AA: axe tags every rule with the level and version that introduced it.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}

# HTML + CSS + JS of a young person's page, gzip-compressed (what a phone downloads).
YOUTH_PAGE_LIMIT = 15 * 1024
GZIP_LEVEL = 6

DEVICES: dict[str, dict[str, Any]] = {
    "phone": {
        "viewport": {"width": 375, "height": 667},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "tablet": {
        "viewport": {"width": 768, "height": 1024},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    # WCAG 1.4.10 reflow: content must fit 320 CSS pixels without scrolling sideways.
    "narrow": {
        "viewport": {"width": 320, "height": 640},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    # A 1280 x 800 laptop at 200% browser zoom: the page gets 640 x 400 CSS pixels, drawn
    # with two device pixels each. This is exactly what browser zoom does to layout.
    "zoom200": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}

_axe = Axe()


@dataclass
class Resource:
    """One response a page needed, with its size as sent and as gzip would send it."""

    url: str
    kind: str
    raw: int
    compressed: int


@dataclass
class Weight:
    """What a page weighs: its document and every resource it loaded."""

    page: str
    resources: list[Resource]

    @property
    def total(self) -> int:
        """Compressed bytes of everything the page loaded."""
        return sum(r.compressed for r in self.resources)

    def describe(self) -> str:
        """One line per resource, for failure messages."""
        return "\n".join(
            f"  {r.kind:<10} {r.compressed:>6} B gz ({r.raw} B raw)  {r.url}"
            for r in self.resources
        )


@dataclass
class RunReport:
    """What the whole run measured, printed at the end and saved with the screenshots."""

    youth_weights: dict[str, int] = field(default_factory=dict)
    axe_pages: list[str] = field(default_factory=list)
    skipped_reason: str | None = None

    def record_weight(self, weight: Weight) -> None:
        """Keep the heaviest measurement of each named page."""
        previous = self.youth_weights.get(weight.page, 0)
        self.youth_weights[weight.page] = max(previous, weight.total)


class Traffic:
    """Every request one browser context makes. Requests to other hosts are blocked and kept."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.outside: list[str] = []
        self.problems: list[str] = []
        self.responses: list[Response] = []

    def attach(self, context: BrowserContext) -> None:
        """Watch `context`: route all its requests through this object."""
        context.route("**/*", self._route)
        context.on("response", self._response)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.problems.append(f"script error: {error.error}"))

    def is_local(self, url: str) -> bool:
        """Whether `url` is served by the app under test."""
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return True
        return f"{parts.scheme}://{parts.netloc}" == self.origin

    def _route(self, route: Route) -> None:
        request: Request = route.request
        if self.is_local(request.url):
            route.continue_()
        else:
            self.outside.append(f"{request.resource_type} {request.url}")
            route.abort("blockedbyclient")

    def _response(self, response: Response) -> None:
        self.responses.append(response)
        kind = response.request.resource_type
        if kind != "document" and response.status >= 400 and self.is_local(response.url):
            self.problems.append(f"{kind} {response.url} answered {response.status}")

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        text = message.text
        # A page answered with 4xx logs this; error pages are checked on their own merits.
        if text.startswith("Failed to load resource: the server responded with a status of"):
            return
        if "ERR_BLOCKED_BY_CLIENT" in text:
            return  # already recorded in `outside`
        self.problems.append(f"console error: {text}")

    def latest_document(self) -> Response | None:
        """The response that delivered the page now shown (of those since the last mark)."""
        documents = [r for r in self.responses if r.request.resource_type == "document"]
        return documents[-1] if documents else None

    def mark(self) -> None:
        """Forget the responses so far: the next measurement starts here."""
        self.responses = []

    def weight(self, name: str) -> Weight:
        """The weight of the latest page: its document and the resources loaded after it."""
        start = 0
        for index, response in enumerate(self.responses):
            if response.request.resource_type == "document" and not _redirect(response):
                start = index
        seen: dict[str, Resource] = {}
        for response in self.responses[start:]:
            if _redirect(response) or not self.is_local(response.url):
                continue
            if response.url.startswith(("data:", "about:")):
                continue
            try:
                body = response.body()
            except PlaywrightError:
                continue
            seen[response.url] = Resource(
                url=response.url.removeprefix(self.origin),
                kind=response.request.resource_type,
                raw=len(body),
                compressed=len(gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)),
            )
        return Weight(page=name, resources=list(seen.values()))

    def assert_clean(self) -> None:
        """Fail when anything went to another host, or a script or resource failed."""
        assert not self.outside, "requests to hosts other than the app:\n" + "\n".join(self.outside)
        assert not self.problems, "problems in the browser:\n" + "\n".join(self.problems)


def _redirect(response: Response) -> bool:
    return 300 <= response.status < 400


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page at the WCAG 2.2 AA tags; the violations it finds."""
    return _axe.run(page, options=AXE_OPTIONS).response["violations"]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """Rule, impact and offending elements of each violation, one block per rule."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            target = ", ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node['html'][:160]}")
            if node.get("failureSummary"):
                summary = " ".join(node["failureSummary"].split())
                lines.append(f"      {summary[:240]}")
    return "\n".join(lines)


def overflow(page: Page) -> tuple[int, int]:
    """The page's scroll width and visible width in CSS pixels."""
    return tuple(
        page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
    )


WIDEST = """() => {
    const limit = document.documentElement.clientWidth + 1;
    const one = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
        + (e.classList.length ? "." + [...e.classList].join(".") : "");
    const describe = (e) => (e.parentElement && !e.id && !e.classList.length)
        ? one(e.parentElement) + " > " + one(e) : one(e);
    const sticking = [...document.body.querySelectorAll("*")].filter(
        (e) => e.getBoundingClientRect().right > limit
    );
    const outermost = sticking.filter((e) => !sticking.includes(e.parentElement));
    return outermost.slice(0, 5).map(
        (e) => `${describe(e)} (right edge at ${Math.round(e.getBoundingClientRect().right)}px)`
    );
}"""


def widest(page: Page) -> list[str]:
    """The outermost elements that stick out past the right edge of the window."""
    return page.evaluate(WIDEST)


def slug(text: str) -> str:
    """A file-name-safe version of `text`."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "page"


class Visitor:
    """One person in one browser context: a page, its traffic and its screenshots."""

    def __init__(
        self,
        context: BrowserContext,
        traffic: Traffic,
        base_url: str,
        shots: Path,
        report: RunReport,
        device: str,
        *,
        javascript: bool = True,
    ) -> None:
        self.context = context
        self.traffic = traffic
        self.base_url = base_url
        self.shots = shots
        self.report = report
        self.device = device
        self._javascript = javascript
        self.page = context.new_page()
        self._shot_number = 0
        self._twin: Page | None = None
        self._document: tuple[str, bytes, dict[str, str]] | None = None

    def url(self, path: str) -> str:
        """The absolute URL of `path` on the app."""
        return self.base_url + path

    def goto(self, path: str) -> Response | None:
        """Open `path` on the app."""
        self.traffic.mark()
        return self.page.goto(self.url(path))

    @property
    def path(self) -> str:
        """The path (and query) of the page now shown."""
        parts = urlsplit(self.page.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def screenshot(self, name: str) -> Path:
        """Save a full-page screenshot under artifacts/screenshots/."""
        self._shot_number += 1
        self.shots.mkdir(parents=True, exist_ok=True)
        path = self.shots / f"{self._shot_number:02d}-{slug(name)}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def _axe(self) -> list[dict[str, Any]]:
        if self._javascript:
            # Judged from the top, as the twin below and a page just opened are: at any other
            # scroll position the sticky "Leave this site" bar covers whatever lies under it.
            self.page.evaluate("window.scrollTo(0, 0)")
            return axe_violations(self.page)
        # axe-core needs timers, which do not run where JavaScript is off. So it checks a twin:
        # a page with scripts allowed, given the very document this page received and the
        # same stylesheets, with the app's own scripts blocked so it looks the same.
        document = self.traffic.latest_document()
        if document is not None:
            self._document = (document.url, document.body(), document.headers)
        assert self._document is not None, "no page to check"
        url, body, headers = self._document
        twin = self._twin_page()

        def serve(route: Route) -> None:
            kind = route.request.resource_type
            if kind == "document" and route.request.url == url:
                route.fulfill(body=body, headers=headers, status=200)
            elif kind == "script":
                route.abort()
            else:
                route.continue_()

        twin.unroute("**/*")
        twin.route("**/*", serve)
        twin.goto(url)
        return axe_violations(twin)

    def _twin_page(self) -> Page:
        if self._twin is None:
            browser = self.context.browser
            assert browser is not None
            viewport = self.page.viewport_size
            twin_context = browser.new_context(
                viewport=viewport,
                device_scale_factor=DEVICES[self.device].get("device_scale_factor", 1),
            )
            self._twin = twin_context.new_page()
        return self._twin

    def another_page(self) -> Visitor:
        """A second tab in the same browser context (same person, same cookies)."""
        return Visitor(
            self.context,
            self.traffic,
            self.base_url,
            self.shots.with_name(self.shots.name + "-tab"),
            self.report,
            self.device,
            javascript=self._javascript,
        )

    def close(self) -> None:
        """Close this visitor's browser context (and its axe twin, if any)."""
        if self._twin is not None:
            self._twin.context.close()
        self.context.close()

    def check(self, name: str, *, youth: bool = False, axe: bool = True) -> Weight | None:
        """Check the page now shown: axe, no sideways scroll, no outside requests; youth weight."""
        page = self.page
        page.wait_for_load_state("load")
        self.screenshot(name)
        if axe:
            violations = self._axe()
            self.report.axe_pages.append(f"{name} ({self.device})")
            assert not violations, (
                f"axe found accessibility problems on '{name}' ({self.path}, {self.device}):\n"
                + describe_violations(violations)
            )
        scroll_width, client_width = overflow(page)
        if scroll_width > client_width:
            sticking = widest(page)
            # WCAG 1.4.10 excepts data tables: they may scroll sideways to keep their meaning.
            left = [e for e in sticking if not e.startswith("table")]
            assert not left, (
                f"'{name}' ({self.path}) scrolls sideways on {self.device}: "
                f"content {scroll_width}px wide in a {client_width}px window; sticking out: "
                + ", ".join(sticking)
            )
        self.traffic.assert_clean()
        weight = None
        if youth:
            weight = self.traffic.weight(name)
            self.report.record_weight(weight)
            assert weight.resources, f"nothing was measured for '{name}'"
            assert weight.total <= YOUTH_PAGE_LIMIT, (
                f"'{name}' ({self.path}) weighs {weight.total} bytes compressed, over "
                f"{YOUTH_PAGE_LIMIT}:\n{weight.describe()}"
            )
        self.traffic.mark()
        return weight


FOCUS_IS_VISIBLE = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return false;
    const shows = (node) => {
        const style = getComputedStyle(node);
        const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
        return outline || style.boxShadow !== "none";
    };
    const label = element.labels && element.labels[0];
    return shows(element) || (!!label && shows(label));
}"""


def tab_to(page: Page, target: Locator, *, limit: int = 120, reverse: bool = False) -> None:
    """Press Tab (or Shift+Tab) until `target` has the keyboard focus, which must be visible."""
    key = "Shift+Tab" if reverse else "Tab"
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            assert page.evaluate(FOCUS_IS_VISIBLE), f"no visible focus on {target}"
            return
        page.keyboard.press(key)
    raise AssertionError(f"{target} could not be reached with {key} in {limit} presses")


def arrow_to(page: Page, target: Locator, *, limit: int = 12) -> None:
    """In a focused radio group, press the down arrow until `target` is focused and chosen."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            assert target.is_checked()
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{target} could not be reached with the arrow keys")
