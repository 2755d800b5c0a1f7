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


# ---------------------------------------------------------------- paired bars

PAIR_BAR_HEIGHT = 13
PAIR_GAP = 2
HATCH_FILL = "#ffffff"
LEGEND_SWATCH = 14


@dataclass(frozen=True)
class PairedRow:
    """One answer of a paired chart: the first and the latest bar (values out of 100)."""

    label: str
    first: Bar
    latest: Bar


@dataclass(frozen=True)
class PairedGroup:
    """One group of rows under its own heading; `note` replaces the rows when none are shown."""

    label: str
    rows: Sequence[PairedRow]
    note: str = ""


def _swatch(x: float, y: float, size: float, fill: str) -> str:
    return (
        f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(size)}" height="{_num(size)}" '
        f'fill="{fill}" stroke="{BAR_FILL}" stroke-width="1"/>'
    )


def _paired_bar(bar: Bar, x: float, y: float, track: float, fill: str, name: str) -> str:
    """One bar of a pair with its value after it, or the suppression wording in its place."""
    text_y = _num(y + PAIR_BAR_HEIGHT / 2 + FONT_SIZE * 0.35)
    title = f"<title>{escape(name)}: {escape(bar.display)}</title>"
    if bar.value is None:
        return (
            f'<g class="bar-pair suppressed">{title}<text x="{_num(x + LABEL_GAP)}" y="{text_y}" '
            f'fill="{MUTED_FILL}" font-style="italic">{escape(bar.display)}</text></g>'
        )
    width = track * min(bar.value, 100.0) / 100.0
    shape = ""
    if bar.value > 0:
        width = max(width, 1.0)
        shape = (
            f'<rect class="bar" x="{_num(x)}" y="{_num(y)}" width="{_num(width)}" '
            f'height="{PAIR_BAR_HEIGHT}" fill="{fill}" stroke="{BAR_FILL}" stroke-width="1"/>'
        )
    return (
        f'<g class="bar-pair">{title}{shape}<text x="{_num(x + width + LABEL_GAP)}" '
        f'y="{text_y}" fill="{TEXT_FILL}">{escape(bar.display)}</text></g>'
    )


def paired_bar_chart_svg(
    groups: Sequence[PairedGroup],
    *,
    title: str,
    series: tuple[str, str] = ("First answer", "Latest answer"),
    width: int = 560,
    chart_id: str | None = None,
) -> Markup:
    """Return groups of paired horizontal bars (a share out of 100 each) as an inline SVG.

    The first bar of a pair is solid, the second hatched, so the two never rely on colour
    alone; a legend names them and every bar carries its number as text.
    """
    for group in groups:
        for row in group.rows:
            _check_value(row.first)
            _check_value(row.latest)
    bars = [bar for g in groups for row in g.rows for bar in (row.first, row.latest)]
    cid = escape(chart_id or _chart_id(title, bars))
    hatch = f"{cid}-hatch"
    label_width = min(int(width * 0.3), 170)
    label_chars = max(4, int((label_width - LABEL_GAP) / CHAR_WIDTH))
    value_width = max((len(b.display) for b in bars), default=4) * CHAR_WIDTH + LABEL_GAP
    track = max(20.0, width - label_width - value_width)
    fills = (BAR_FILL, f"url(#{hatch})")

    parts = [
        f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{HATCH_FILL}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{BAR_FILL}" stroke-width="3"/>'
        "</pattern></defs>"
    ]
    x = 0.0
    for name, fill in zip(series, fills, strict=True):
        parts.append(_swatch(x, ROW_GAP / 2, LEGEND_SWATCH, fill))
        parts.append(
            f'<text x="{_num(x + LEGEND_SWATCH + 6)}" y="{_num(ROW_GAP / 2 + LEGEND_SWATCH - 2)}" '
            f'fill="{TEXT_FILL}">{escape(_clean(name))}</text>'
        )
        x += LEGEND_SWATCH + 12 + len(name) * CHAR_WIDTH
    y = float(ROW_GAP * 2 + LEGEND_SWATCH)
    desc: list[str] = []
    for group in groups:
        heading = _clean(group.label)
        y += LINE_HEIGHT
        parts.append(
            f'<text x="0" y="{_num(y)}" font-weight="bold" fill="{TEXT_FILL}">'
            f"{escape(heading)}</text>"
        )
        y += ROW_GAP / 2
        if group.note or not group.rows:
            note = _clean(group.note) or "No data"
            y += LINE_HEIGHT
            parts.append(
                f'<text x="{LABEL_GAP}" y="{_num(y)}" fill="{MUTED_FILL}" '
                f'font-style="italic">{escape(note)}</text>'
            )
            desc.append(f"{heading}: {note}")
            y += ROW_GAP
            continue
        for row in group.rows:
            label = _clean(row.label)
            lines = _label_lines(label, label_chars)
            row_h = 2 * PAIR_BAR_HEIGHT + PAIR_GAP
            mid = y + row_h / 2
            baseline = mid - (len(lines) - 1) * LINE_HEIGHT / 2 + FONT_SIZE * 0.35
            tspans = "".join(
                f'<tspan x="{label_width - LABEL_GAP}" y="{_num(baseline + i * LINE_HEIGHT)}">'
                f"{escape(line)}</tspan>"
                for i, line in enumerate(lines)
            )
            parts.append(f'<text text-anchor="end" fill="{TEXT_FILL}">{tspans}</text>')
            for number, (bar, fill, name) in enumerate(
                zip((row.first, row.latest), fills, series, strict=True)
            ):
                bar_y = y + number * (PAIR_BAR_HEIGHT + PAIR_GAP)
                what = f"{heading}, {label}, {_clean(name).lower()}"
                parts.append(_paired_bar(bar, label_width, bar_y, track, fill, what))
            desc.append(
                f"{heading}, {label}: {_clean(series[0]).lower()} {row.first.display}, "
                f"{_clean(series[1]).lower()} {row.latest.display}"
            )
            y += max(row_h, len(lines) * LINE_HEIGHT) + ROW_GAP
        y += ROW_GAP
    if not groups:
        y += LINE_HEIGHT
        parts.append(f'<text x="0" y="{_num(y)}" fill="{MUTED_FILL}">No data</text>')
        desc.append("No data")
        y += ROW_GAP
    height = _num(y)
    # Every interpolated text is escaped above; the rest are numbers and constants.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--paired" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{cid}-title" aria-describedby="{cid}-desc" '
        f'font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}">'
        f'<title id="{cid}-title">{escape(_clean(title))}</title>'
        f'<desc id="{cid}-desc">{escape(_clean("; ".join(desc)))}</desc>'
        f"{''.join(parts)}</svg>"
    )
