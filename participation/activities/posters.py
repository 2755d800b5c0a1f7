"""Printable join sheets: an A4 poster and a handout of 8 cut-out cards, as PDF.

Everything a PDF needs (its CSS and the QR code as inline SVG) is in the HTML, and the URL
fetcher refuses anything that is not inline, so making a PDF never touches the network.
"""

from __future__ import annotations

import functools
from typing import Any

from flask import render_template

from participation.activities.qr import qr_svg
from participation.models import Activity

PRIVACY_PROMISE = "You don't give your name. Skip any question, stop any time."
CARDS_PER_HANDOUT = 8


@functools.cache
def _fetcher_class() -> type:
    # WeasyPrint takes a second or more to import; load it when the first PDF is asked for,
    # not when the app starts.
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
        """A WeasyPrint URL fetcher that only opens inline data: URLs."""

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(allowed_protocols=("data",), allow_redirects=False, **kwargs)

        def fetch(self, url: str, headers: Any = None) -> Any:
            """Open a data: URL; refuse every other URL."""
            if not url.lower().startswith("data:"):
                raise ValueError(f"PDFs may not fetch {url[:80]!r}: only inline data is allowed")
            return super().fetch(url, headers)

    return LocalOnlyFetcher


def local_only_fetcher() -> Any:
    """A WeasyPrint URL fetcher that opens inline data: URLs and refuses everything else."""
    return _fetcher_class()()


def join_details(activity: Activity, join_url: str) -> dict[str, Any]:
    """What every printable shows: title, QR code, the typed address and code, the promise."""
    start_url = join_url.rsplit("/j/", 1)[0] + "/join"
    return {
        "title": activity.title,
        "code": activity.join_code,
        "join_url": join_url,
        "start_url": start_url,
        "qr": qr_svg(join_url, label=f"QR code for {join_url}"),
        "promise": PRIVACY_PROMISE,
    }


def render_pdf(html: str) -> bytes:
    """Turn self-contained HTML into PDF bytes without any network access."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=None, url_fetcher=local_only_fetcher()).write_pdf()
    return pdf


def poster_html(activity: Activity, join_url: str) -> str:
    """The A4 poster as self-contained HTML."""
    return render_template("pdf/poster.html", **join_details(activity, join_url))


def handout_html(activity: Activity, join_url: str) -> str:
    """The handout of 8 cut-out cards as self-contained HTML."""
    return render_template(
        "pdf/handout.html", cards=range(CARDS_PER_HANDOUT), **join_details(activity, join_url)
    )


def poster_pdf(activity: Activity, join_url: str) -> bytes:
    """An A4 poster for a wall or a projector table."""
    return render_pdf(poster_html(activity, join_url))


def handout_pdf(activity: Activity, join_url: str) -> bytes:
    """An A4 sheet of 8 cards to cut out and hand round."""
    return render_pdf(handout_html(activity, join_url))
