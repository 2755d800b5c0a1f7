"""Server-side SVG bar charts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from participation.figures.charts import BAR_FILL, MUTED_FILL, TEXT_FILL, Bar, bar_chart_svg

SVG = "{http://www.w3.org/2000/svg}"

BARS = [
    Bar("Working well", 12, "12 (60%)"),
    Bar("Not working", 6, "6 (30%)"),
    Bar("Change", None, "fewer than 5"),
    Bar("Nothing", 0, "0"),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def rows(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if "row" in g.get("class", "").split()]


def bar_width(row: ET.Element) -> float:
    rects = [r for r in row.iter(f"{SVG}rect") if r.get("class") == "bar"]
    return sum(float(r.get("width", "0")) for r in rects)


def texts(element: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in element.iter(f"{SVG}text")]


def contrast(hex_colour: str, against: str = "#ffffff") -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(hex_colour), luminance(against)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_returns_markup_with_accessible_root() -> None:
    svg = bar_chart_svg(BARS, title="How was today?")
    assert isinstance(svg, Markup)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("class") == "chart"
    assert root.get("role") == "img"
    assert root.get("viewBox") == f"0 0 560 {root.get('height')}"
    title_id = root.get("aria-labelledby")
    title = root.find(f"{SVG}title")
    assert title is not None and title.get("id") == title_id and title.text == "How was today?"
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.get("id") == root.get("aria-describedby")
    assert desc.text is not None
    assert "Change: fewer than 5" in desc.text and "Working well: 12 (60%)" in desc.text


def test_one_row_per_bar_with_label_and_display() -> None:
    root = parse(bar_chart_svg(BARS, title="t"))
    found = rows(root)
    assert len(found) == len(BARS)
    for row, bar in zip(found, BARS, strict=True):
        assert bar.label in texts(row)
        assert bar.display in texts(row)


def test_bars_are_proportional() -> None:
    found = rows(parse(bar_chart_svg(BARS, title="t")))
    assert bar_width(found[0]) == pytest.approx(2 * bar_width(found[1]), rel=0.01)
    assert bar_width(found[3]) == 0


def test_suppressed_row_draws_no_bar() -> None:
    found = rows(parse(bar_chart_svg(BARS, title="t")))
    suppressed = found[2]
    assert "suppressed" in suppressed.get("class", "")
    assert not [r for r in suppressed.iter(f"{SVG}rect") if float(r.get("width", "0")) > 0]
    assert "fewer than 5" in texts(suppressed)


def test_max_value_sets_the_scale_and_clamps() -> None:
    # Same display text each time: its width sets the room left for the bar.
    half = rows(parse(bar_chart_svg([Bar("a", 50, "x")], title="t", max_value=100)))
    full = rows(parse(bar_chart_svg([Bar("a", 100, "x")], title="t", max_value=100)))
    over = rows(parse(bar_chart_svg([Bar("a", 150, "x")], title="t", max_value=100)))
    assert bar_width(half[0]) == pytest.approx(bar_width(full[0]) / 2, rel=0.01)
    assert bar_width(over[0]) == pytest.approx(bar_width(full[0]))


def test_bars_and_text_stay_inside_the_width() -> None:
    for width in (320, 560, 900):
        root = parse(bar_chart_svg(BARS, title="t", width=width))
        for rect in root.iter(f"{SVG}rect"):
            assert float(rect.get("x", "0")) + float(rect.get("width", "0")) <= width
        for text in root.iter(f"{SVG}text"):
            if text.get("x") is not None:
                assert 0 <= float(text.get("x", "0")) < width


def test_tiny_values_stay_visible() -> None:
    found = rows(parse(bar_chart_svg([Bar("a", 1000, "1000"), Bar("b", 1, "1")], title="t")))
    assert bar_width(found[1]) >= 1


def test_unit_fills_in_a_missing_display() -> None:
    root = parse(bar_chart_svg([Bar("a", 42.5, ""), Bar("b", None, "")], title="t", unit="%"))
    found = rows(root)
    assert "42.5%" in texts(found[0])
    assert "not shown" in texts(found[1])


@pytest.mark.parametrize(
    "label",
    [
        "<script>alert(1)</script>",
        'a "quoted" & <b>bold</b> label',
        "]]><!-- -->",
        "emoji 🙂🎉 and zero\u200dwidth",
        "עברית and العربية mixed with English",
        "control\x00chars\x1b here\ud800",
    ],
)
def test_text_is_escaped_and_parses(label: str) -> None:
    svg = bar_chart_svg([Bar(label, 3, "3 <b>")], title=f"Title {label}")
    root = parse(svg)
    assert "<script" not in svg and "<b>" not in svg
    assert root.find(f"{SVG}script") is None
    assert root.findtext(f"{SVG}title", "").startswith("Title ")
    assert "3 <b>" in texts(rows(root)[0])


def test_long_labels_wrap_to_two_lines_and_keep_the_full_label() -> None:
    label = "This is a very long label that a participation lead typed into the question " * 3
    root = parse(bar_chart_svg([Bar(label, 3, "3")], title="t"))
    row = rows(root)[0]
    tspans = list(row.iter(f"{SVG}tspan"))
    assert len(tspans) == 2
    assert (tspans[-1].text or "").endswith("…")
    assert (row.findtext(f"{SVG}title") or "").startswith(" ".join(label.split()))


def test_no_script_no_inline_style_no_external_resources() -> None:
    svg = str(bar_chart_svg(BARS, title="t"))
    root = parse(svg)
    assert not re.search(r"<script|<style|<foreignObject|<image|href=|@import|url\(", svg)
    assert all("style" not in element.attrib for element in root.iter())
    assert all(not name.startswith("on") for element in root.iter() for name in element.attrib)


def test_colours_have_enough_contrast() -> None:
    svg = str(bar_chart_svg(BARS, title="t"))
    fills = set(re.findall(r'fill="(#[0-9a-f]{6})"', svg))
    assert fills == {BAR_FILL, TEXT_FILL, MUTED_FILL}
    assert contrast(BAR_FILL) >= 3
    assert contrast(TEXT_FILL) >= 4.5
    assert contrast(MUTED_FILL) >= 4.5


def test_output_is_deterministic_and_ids_differ_between_charts() -> None:
    a1 = bar_chart_svg(BARS, title="Question 1")
    a2 = bar_chart_svg(list(BARS), title="Question 1")
    b = bar_chart_svg(BARS, title="Question 2")
    assert a1 == a2
    assert parse(a1).get("aria-labelledby") != parse(b).get("aria-labelledby")


def test_chart_id_can_be_given() -> None:
    root = parse(bar_chart_svg(BARS, title="t", chart_id="q1-chart"))
    assert root.get("aria-labelledby") == "q1-chart-title"


def test_empty_chart_says_no_data() -> None:
    root = parse(bar_chart_svg([], title="Nothing yet"))
    assert rows(root) == []
    assert "No data" in texts(root)


def test_all_suppressed_chart_renders() -> None:
    root = parse(bar_chart_svg([Bar("a", None, "fewer than 5")] * 2, title="t"))
    assert [bar_width(r) for r in rows(root)] == [0, 0]


@pytest.mark.parametrize("value", [-1, float("nan"), float("inf")])
def test_bad_values_are_refused(value: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        bar_chart_svg([Bar("a", value, "?")], title="t")
