"""Accessible server-side SVG bar charts (no JavaScript, no inline CSS)."""

from __future__ import annotations

import hashlib
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

BAR_FILL = "#1d70b8"  # GOV.UK blue, 5.2:1 against white
TEXT_FILL = "#0b0c0c"  # 19:1
MUTED_FILL = "#505a5f"  # 7:1, suppressed rows and the axis
FONT_FAMILY = "Arial, Helvetica, sans-serif"
FONT_SIZE = 14
LINE_HEIGHT = 17
BAR_HEIGHT = 22
ROW_GAP = 10
LABEL_GAP = 8
MAX_LABEL_LINES = 2
# No font metrics on the server: estimate widths generously so text rarely overflows.
CHAR_WIDTH = FONT_SIZE * 0.6

# Characters XML 1.0 forbids; a stray one in a label would break the whole page in
# strict parsers (and WeasyPrint).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart; value None means the number is suppressed."""

    label: str
    value: float | None
    display: str


def _clean(text: str) -> str:
    return " ".join(_XML_INVALID.sub("", text).split())


def _label_lines(label: str, width_chars: int) -> list[str]:
    lines = textwrap.wrap(label, width_chars, break_long_words=True) or [""]
    if len(lines) > MAX_LABEL_LINES:
        last = " ".join(lines[MAX_LABEL_LINES - 1 :])
        lines = [*lines[: MAX_LABEL_LINES - 1], last[: max(1, width_chars - 1)].rstrip() + "…"]
    return lines


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _chart_id(title: str, bars: Sequence[Bar]) -> str:
    # Deterministic, so pages and PDFs render identically; distinct charts get distinct ids.
    h = hashlib.blake2s(digest_size=5)
    for part in (title, *(f"{b.label}\x1f{b.value}\x1f{b.display}" for b in bars)):
        h.update(part.encode("utf-8", "surrogatepass") + b"\x1e")
    return "chart-" + h.hexdigest()


def _fallback(bar: Bar, unit: str) -> str:
    return "not shown" if bar.value is None else _num(bar.value) + unit


def _check_value(bar: Bar) -> None:
    if bar.value is not None and (not math.isfinite(bar.value) or bar.value < 0):
        raise ValueError(f"bar values must be finite and not negative, got {bar.value!r}")


def bar_chart_svg(
    bars: Sequence[Bar],
    *,
    title: str,
    max_value: float | None = None,
    unit: str = "",
    width: int = 560,
    chart_id: str | None = None,
) -> Markup:
    """Return an accessible horizontal bar chart as an inline SVG element.

    unit is appended verbatim to a value when its bar has no display text ("%", " people").
    Pass chart_id when the same chart can appear twice on one page.
    """
    for bar in bars:
        _check_value(bar)
    cid = escape(chart_id or _chart_id(title, bars))
    clean_title = _clean(title)
    rows = [(_clean(b.label), b.value, _clean(b.display) or _fallback(b, unit)) for b in bars]

    label_width = min(int(width * 0.38), 240)
    label_chars = max(4, int((label_width - LABEL_GAP) / CHAR_WIDTH))
    value_width = max((len(d) for _, _, d in rows), default=0) * CHAR_WIDTH + LABEL_GAP
    bar_x = label_width
    track = max(20.0, width - bar_x - value_width)
    values = [v for _, v, _ in rows if v is not None]
    scale_max = max_value if max_value and max_value > 0 else max(values, default=0) or 1

    parts: list[str] = []
    desc_items: list[str] = []
    y = ROW_GAP
    for label, value, display in rows:
        lines = _label_lines(label, label_chars)
        row_h = max(BAR_HEIGHT, len(lines) * LINE_HEIGHT)
        mid = y + row_h / 2
        first_baseline = mid - (len(lines) - 1) * LINE_HEIGHT / 2 + FONT_SIZE * 0.35
        tspans = "".join(
            f'<tspan x="{bar_x - LABEL_GAP}" y="{_num(first_baseline + i * LINE_HEIGHT)}">'
            f"{escape(line)}</tspan>"
            for i, line in enumerate(lines)
        )
        row = [f"<title>{escape(label)}: {escape(display)}</title>"]
        row.append(f'<text text-anchor="end" fill="{TEXT_FILL}">{tspans}</text>')
        text_y = _num(mid + FONT_SIZE * 0.35)
        if value is None:
            row.append(
                f'<text x="{bar_x + LABEL_GAP}" y="{text_y}" fill="{MUTED_FILL}" '
                f'font-style="italic">{escape(display)}</text>'
            )
            klass = "row suppressed"
        else:
            bar_w = track * min(value, scale_max) / scale_max
            if value > 0:
                bar_w = max(bar_w, 1.0)  # a small but real count must stay visible
                row.append(
                    f'<rect class="bar" x="{bar_x}" y="{_num(mid - BAR_HEIGHT / 2)}" '
                    f'width="{_num(bar_w)}" height="{BAR_HEIGHT}" fill="{BAR_FILL}"/>'
                )
            row.append(
                f'<text x="{_num(bar_x + bar_w + LABEL_GAP)}" y="{text_y}" '
                f'fill="{TEXT_FILL}">{escape(display)}</text>'
            )
            klass = "row"
        parts.append(f'<g class="{klass}">{"".join(row)}</g>')
        desc_items.append(f"{label}: {display}")
        y += row_h + ROW_GAP

    if not rows:
        parts.append(
            f'<text x="{LABEL_GAP}" y="{ROW_GAP + FONT_SIZE}" fill="{MUTED_FILL}">No data</text>'
        )
        desc_items.append("No data")
        y += BAR_HEIGHT + ROW_GAP
    else:
        parts.insert(
            0,
            f'<line x1="{bar_x}" y1="{ROW_GAP / 2}" x2="{bar_x}" y2="{_num(y - ROW_GAP / 2)}" '
            f'stroke="{MUTED_FILL}" stroke-width="1"/>',
        )

    height = _num(y)
    desc = "; ".join(desc_items)
    # Every interpolated text is escaped above; the rest are numbers and constants.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{cid}-title" aria-describedby="{cid}-desc" '
        f'font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}">'
        f'<title id="{cid}-title">{escape(clean_title)}</title>'
        f'<desc id="{cid}-desc">{escape(_clean(desc))}</desc>'
        f"{''.join(parts)}</svg>"
    )
