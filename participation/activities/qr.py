"""QR codes for join links, as PNG, inline SVG and data URIs."""

from __future__ import annotations

import base64
import functools
import io
from urllib.parse import quote

from markupsafe import Markup, escape

QUIET_ZONE = 4  # modules; the QR specification's minimum, scanners struggle with less


def join_url(base_url: str, code: str) -> str:
    """Return the URL a young person's phone opens after scanning the join QR code."""
    return f"{base_url.rstrip('/')}/j/{quote(code, safe='')}"


@functools.lru_cache(maxsize=64)
def _matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    # qrcode (and Pillow below) are imported when first used: most workers never draw a code,
    # and importing them with the app would slow every new worker's start-up.
    import qrcode
    import qrcode.constants

    # High error correction: codes are scanned off projectors, through glare and from handouts.
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_H, border=QUIET_ZONE)
    qr.add_data(data)
    qr.make(fit=True)
    return tuple(tuple(bool(cell) for cell in row) for row in qr.get_matrix())


def qr_matrix(data: str) -> list[list[bool]]:
    """Return the QR code for data as rows of dark (True) modules, quiet zone included."""
    return [list(row) for row in _matrix(data)]


def qr_png(data: str, box_size: int = 10) -> bytes:
    """Return the QR code for data as a black-on-white PNG."""
    from PIL import Image

    matrix = _matrix(data)
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    image = image.resize((size * box_size, size * box_size), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _path(matrix: tuple[tuple[bool, ...], ...]) -> str:
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    return "".join(parts)


def qr_svg(data: str, *, label: str = "QR code", module_size: int = 8) -> Markup:
    """Return a self-contained SVG document (safe to inline in HTML) of the QR code for data."""
    matrix = _matrix(data)
    n = len(matrix)
    px = n * module_size
    # The label is escaped; everything else is numbers and constants.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qr" width="{px}" height="{px}" '
        f'viewBox="0 0 {n} {n}" role="img" aria-label="{escape(label)}" '
        f'shape-rendering="crispEdges"><title>{escape(label)}</title>'
        f'<rect width="{n}" height="{n}" fill="#fff"/>'
        f'<path fill="#000" d="{_path(matrix)}"/></svg>'
    )


def qr_svg_data_uri(data: str) -> str:
    """Return a data: URI of the QR code SVG, for an <img src>."""
    svg = str(qr_svg(data)).encode("utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
