"""The app as the browser tests serve it: the real app, plus a stand-in for the quick-exit site.

In production the quick exit leaves for a neutral outside site. The tests may not reach
outside hosts, so the same server answers one extra path with a neutral page, outside the
app itself (a WSGI wrapper, not a route).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from participation import create_app

NEUTRAL_PATH = "/outside/weather"
NEUTRAL_TITLE = "Weather forecast"
NEUTRAL_PAGE = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
    f"<title>{NEUTRAL_TITLE}</title></head>"
    f"<body><main><h1>{NEUTRAL_TITLE}</h1><p>Sunny spells, light winds.</p></main></body></html>"
).encode()

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def with_neutral_page(inner: WSGIApp) -> WSGIApp:
    """Wrap `inner` so NEUTRAL_PATH serves the neutral page."""

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == NEUTRAL_PATH:
            start_response(
                "200 OK",
                [
                    ("Content-Type", "text/html; charset=utf-8"),
                    ("Content-Length", str(len(NEUTRAL_PAGE))),
                    ("Cache-Control", "no-store"),
                ],
            )
            return [NEUTRAL_PAGE]
        return inner(environ, start_response)

    return serve


def create() -> WSGIApp:
    """The app gunicorn serves in the browser tests (`tests.browser.wsgi:create()`)."""
    return with_neutral_page(create_app())
