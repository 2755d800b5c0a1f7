"""Turn self-contained HTML into a PDF in a separate process, within a time limit.

Each web worker process keeps one renderer process (started from a clean "forkserver", so
it shares no database connections or threads with the web worker). The renderer keeps
WeasyPrint and its fonts loaded between reports, which makes the second report much faster
than the first, and it exits after a while idle or after a number of reports. If rendering
fails, crashes or takes too long, the renderer is killed and the caller gets a `PdfError`;
the web worker itself is unaffected, and the next report starts a fresh renderer.

Nothing here touches the network: the URL fetcher refuses every URL that is not inline
`data:`.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from multiprocessing.connection import Connection
from typing import Any

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
IDLE_SECONDS = 600.0  # a renderer nobody has used for this long exits
MAX_REPORTS = 50  # and one that has made this many is replaced, so memory stays bounded


class PdfError(RuntimeError):
    """A PDF could not be made (it failed, or it took longer than allowed)."""


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class InlineOnlyFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
        """Opens inline data: URLs and refuses everything else (no network, no files)."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data",), allow_redirects=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.lower().startswith("data:"):
                raise ValueError(f"reports may not fetch {url[:80]!r}: only inline data")
            return super().fetch(url, headers)

    return InlineOnlyFetcher()


def render_in_process(html: str) -> bytes:
    """Render HTML to PDF bytes in this process."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=None, url_fetcher=_fetcher()).write_pdf()
    return pdf


WARM_UP = "<!doctype html><html><body><p>Participation</p><table><tr><td>1</td></tr></table>"


def _serve(connection: Connection) -> None:
    """The renderer's loop: receive HTML, send back ("ok", pdf) or ("error", message)."""
    try:
        render_in_process(WARM_UP)  # load fonts now, not during someone's first report
    except Exception:  # a real report will report the problem
        logger.exception("PDF renderer warm-up failed")
    for _ in range(MAX_REPORTS):
        if not connection.poll(IDLE_SECONDS):
            break
        try:
            html = connection.recv()
        except EOFError:  # the web worker has gone
            break
        reply: tuple[str, bytes | str]
        try:
            reply = ("ok", render_in_process(html))
        except Exception as exc:  # every failure goes back to the caller as a message
            reply = ("error", f"{type(exc).__name__}: {exc}"[:500])
        connection.send(reply)
    connection.close()


class Renderer:
    """One renderer process, started when first needed and replaced when it fails."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: Any = None
        self._connection: Any = None
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["weasyprint", "participation.exports.pdf"])

    @property
    def pid(self) -> int | None:
        """The renderer's process id while it runs."""
        return self._process.pid if self._process is not None else None

    def _start(self) -> None:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=_serve, args=(theirs,), daemon=True, name="participation-pdf"
        )
        process.start()
        theirs.close()
        self._process, self._connection = process, ours

    def stop(self) -> None:
        """Kill the renderer (if any) and forget it."""
        process, connection = self._process, self._connection
        self._process = self._connection = None
        if connection is not None:
            connection.close()
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(5)
            process.close()

    def start_soon(self) -> None:
        """Start the renderer in the background if it is not running, so it is warm when needed."""

        def start() -> None:
            if not self._lock.acquire(blocking=False):
                return  # a report is being made: the renderer is running
            try:
                if self._process is None or not self._process.is_alive():
                    self.stop()
                    self._start()
            except OSError:
                logger.exception("Could not start the PDF renderer")
            finally:
                self._lock.release()

        threading.Thread(target=start, name="participation-pdf-start", daemon=True).start()

    def render(self, html: str, timeout: float) -> bytes:
        """Render in the renderer process; raise PdfError on failure or after `timeout`."""
        if not self._lock.acquire(timeout=timeout):
            raise PdfError("another report is still being made")
        try:
            for attempt in range(2):
                if self._process is None or not self._process.is_alive():
                    self.stop()
                    self._start()
                try:
                    self._connection.send(html)
                    break
                except (BrokenPipeError, EOFError, OSError):
                    # It had just exited (idle or worn out): start another once.
                    self.stop()
                    if attempt:
                        raise PdfError("the PDF renderer could not be started") from None
            if not self._connection.poll(timeout):
                self.stop()
                raise PdfError(f"the PDF took longer than {timeout:g} seconds")
            try:
                status, payload = self._connection.recv()
            except (EOFError, OSError) as exc:
                self.stop()
                raise PdfError("the PDF renderer stopped unexpectedly") from exc
        finally:
            self._lock.release()
        if status != "ok":
            logger.error("PDF rendering failed: %s", payload)
            raise PdfError("the PDF could not be made")
        pdf: bytes = payload  # a successful reply carries the PDF's bytes
        return pdf


_renderer: Renderer | None = None
_renderer_lock = threading.Lock()


def renderer() -> Renderer:
    """This process's renderer."""
    global _renderer
    with _renderer_lock:
        if _renderer is None:
            _renderer = Renderer()
        return _renderer


def html_to_pdf(html: str, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Render HTML to PDF in the renderer process; raise PdfError on failure or after `timeout`."""
    return renderer().render(html, timeout)
