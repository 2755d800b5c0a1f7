"""QR codes: they must scan back to exactly the join URL."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from io import BytesIO

import pytest
import zxingcpp
from markupsafe import Markup
from PIL import Image, ImageDraw

from participation.activities.qr import (
    QUIET_ZONE,
    join_url,
    qr_matrix,
    qr_png,
    qr_svg,
    qr_svg_data_uri,
)

SVG = "{http://www.w3.org/2000/svg}"
URL = "https://participation.example.org/j/DEMOYP"


def decode(image: Image.Image) -> list[str]:
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def draw(matrix: list[list[bool]], scale: int = 8) -> Image.Image:
    """Rasterise a module matrix the way the SVG draws it."""
    size = len(matrix) * scale
    image = Image.new("L", (size, size), 255)
    pen = ImageDraw.Draw(image)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                pen.rectangle((x * scale, y * scale, (x + 1) * scale - 1, (y + 1) * scale - 1), 0)
    return image


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("https://example.org", "https://example.org/j/ABC234"),
        ("https://example.org/", "https://example.org/j/ABC234"),
        ("https://example.org/youth/", "https://example.org/youth/j/ABC234"),
    ],
)
def test_join_url(base: str, expected: str) -> None:
    assert join_url(base, "ABC234") == expected


def test_join_url_quotes_odd_codes() -> None:
    assert join_url("https://example.org", "A/B?C") == "https://example.org/j/A%2FB%3FC"


@pytest.mark.parametrize("data", [URL, "http://127.0.0.1:5000/j/ABC234", "x" * 300])
def test_png_decodes_to_the_data(data: str) -> None:
    png = qr_png(data)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert decode(Image.open(BytesIO(png))) == [data]


def test_png_box_size_scales_the_image() -> None:
    modules = len(qr_matrix(URL))
    assert Image.open(BytesIO(qr_png(URL, box_size=3))).size == (modules * 3, modules * 3)


def test_matrix_is_square_with_a_quiet_zone() -> None:
    matrix = qr_matrix(URL)
    n = len(matrix)
    assert all(len(row) == n for row in matrix)
    for i in range(QUIET_ZONE):
        assert not any(matrix[i]) and not any(matrix[n - 1 - i])
        assert not any(row[i] or row[n - 1 - i] for row in matrix)


def test_matrix_is_a_fresh_copy_each_time() -> None:
    matrix = qr_matrix(URL)
    matrix[5][5] = not matrix[5][5]
    assert qr_matrix(URL)[5][5] != matrix[5][5]


def test_svg_is_well_formed_and_self_contained() -> None:
    svg = qr_svg(URL)
    assert isinstance(svg, Markup)
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg"
    n = len(qr_matrix(URL))
    assert root.get("viewBox") == f"0 0 {n} {n}"
    assert root.get("width") == root.get("height") == str(n * 8)
    assert root.get("role") == "img"
    assert root.findtext(f"{SVG}title") == "QR code"
    paths = root.findall(f"{SVG}path")
    assert len(paths) == 1
    assert not re.search(r"<script|<style|style=|href=|<image|@import|url\(", str(svg))


def svg_to_matrix(svg: str) -> list[list[bool]]:
    """Rebuild the module matrix from the SVG path ("M x y h w v1 h-w z" per run)."""
    root = ET.fromstring(svg)
    n = int(root.get("viewBox", "").split()[2])
    matrix = [[False] * n for _ in range(n)]
    d = root.findall(f"{SVG}path")[0].get("d", "")
    runs = re.findall(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z", d)
    assert "".join(f"M{x} {y}h{w}v1h-{w2}z" for x, y, w, w2 in runs) == d
    for x, y, w, w2 in runs:
        assert w == w2
        for i in range(int(x), int(x) + int(w)):
            assert not matrix[int(y)][i], "runs must not overlap"
            matrix[int(y)][i] = True
    return matrix


def test_svg_path_draws_exactly_the_matrix_and_scans() -> None:
    svg = str(qr_svg(URL))
    rebuilt = svg_to_matrix(svg)
    assert rebuilt == qr_matrix(URL)
    assert decode(draw(rebuilt)) == [URL]


def test_svg_draws_one_segment_per_horizontal_run() -> None:
    d = ET.fromstring(str(qr_svg(URL))).findall(f"{SVG}path")[0].get("d", "")
    runs = sum(
        1
        for row in qr_matrix(URL)
        for x, dark in enumerate(row)
        if dark and (x == 0 or not row[x - 1])
    )
    assert d.count("M") == runs < sum(map(sum, qr_matrix(URL)))


def test_svg_label_is_escaped() -> None:
    svg = qr_svg(URL, label='Join <"Workshop"> & more')
    root = ET.fromstring(str(svg))
    assert root.findtext(f"{SVG}title") == 'Join <"Workshop"> & more'
    assert root.get("aria-label") == 'Join <"Workshop"> & more'


def test_svg_data_uri_round_trips() -> None:
    uri = qr_svg_data_uri(URL)
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    assert base64.b64decode(uri.removeprefix(prefix)).decode("utf-8") == str(qr_svg(URL))


def test_output_is_deterministic() -> None:
    assert qr_svg(URL) == qr_svg(URL)
    assert qr_png(URL) == qr_png(URL)
