"""Bar charts as PNG images for PowerPoint and Word, drawn with Pillow from the SVG's own bars.

The web pages and PDFs use the SVG from `participation.figures.charts`; Office files need a
bitmap. WeasyPrint cannot rasterise and a second SVG renderer would be another native
dependency, so the same `Bar` rows (labels, suppressed values, display text) are drawn here
with Pillow, which the app already uses for QR codes.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from participation.figures.charts import BAR_FILL, MUTED_FILL, TEXT_FILL, Bar

FONT_FILES = (
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
    "/Library/Fonts/Arial.ttf",
    "C:/Windows/Fonts/arial.ttf",
)
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=8)
def _font(size: int) -> Font:
    for path in FONT_FILES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _wrapped(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int) -> list[str]:
    chars = max(4, len(text))
    while chars > 4:
        lines = textwrap.wrap(text, chars) or [""]
        if all(draw.textlength(line, font=font) <= width for line in lines):
            return lines[:2] if len(lines) <= 2 else [lines[0], lines[1][: chars - 1] + "…"]
        chars -= 2
    return textwrap.wrap(text, 4)[:2] or [""]


def bar_chart_png(bars: Sequence[Bar], *, width: int = 1600, font_size: int = 30) -> bytes:
    """A horizontal bar chart of `bars` as PNG bytes (suppressed bars say so in grey)."""
    font = _font(font_size)
    line = int(font_size * 1.25)
    bar_height, gap = int(font_size * 1.4), int(font_size * 0.6)
    label_width = int(width * 0.36)
    scratch = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    rows = [(_wrapped(scratch, bar.label, font, label_width - gap), bar) for bar in bars]
    heights = [max(bar_height, len(lines) * line) + gap for lines, _ in rows]
    height = max(sum(heights) + gap, bar_height + 2 * gap)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    value_width = max((draw.textlength(b.display, font=font) for b in bars), default=0) + gap
    track = max(40.0, width - label_width - value_width - gap)
    top = max((b.value or 0.0 for b in bars), default=0.0) or 1.0
    y = gap
    for (lines, bar), row_height in zip(rows, heights, strict=True):
        middle = y + (row_height - gap) / 2
        text_top = middle - len(lines) * line / 2
        for number, text in enumerate(lines):
            draw.text(
                (label_width - gap, text_top + number * line),
                text,
                font=font,
                fill=_rgb(TEXT_FILL),
                anchor="ra",
            )
        x = label_width
        if bar.value is None:
            draw.text((x + gap, middle), bar.display, font=font, fill=_rgb(MUTED_FILL), anchor="lm")
        else:
            length = track * bar.value / top
            if bar.value > 0:
                length = max(length, 2.0)
                draw.rectangle(
                    (x, middle - bar_height / 2, x + length, middle + bar_height / 2),
                    fill=_rgb(BAR_FILL),
                )
            draw.text(
                (x + length + gap, middle),
                bar.display,
                font=font,
                fill=_rgb(TEXT_FILL),
                anchor="lm",
            )
        y += row_height
    draw.line((label_width, gap / 2, label_width, height - gap / 2), fill=_rgb(MUTED_FILL), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()
