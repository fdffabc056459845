"""The report charts: accessible, CSP-safe SVG whose geometry matches the numbers."""

import math
import re
import xml.etree.ElementTree as ET
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from app.reports.charts import (
    BLUE,
    ORANGE,
    PALETTE,
    WHITE,
    bar_chart,
    box_plot,
    nice_ticks,
    radar_chart,
    stacked_share_bar,
)

SVG = "{http://www.w3.org/2000/svg}"
NBSP = "\u00a0"
AREAS = ["Styrning", "Risk", "Kontroll", "Uppföljning", "IT", "Personal", "Ekonomi", "Etik"]
BOX = {"min": 400.0, "q1": 800.0, "median": 1100.0, "q3": 1500.0, "max": 2600.0}


def parse(markup) -> ET.Element:
    assert isinstance(markup, Markup)
    return ET.fromstring(str(markup))  # noqa: S314 - our own output, not untrusted input


def elements(root, tag, css_class=None) -> list[ET.Element]:
    found = root.iter(SVG + tag)
    return [el for el in found if css_class is None or css_class in el.get("class", "").split()]


def texts(root) -> list[str]:
    return ["".join(el.itertext()) for el in elements(root, "text")]


def num(el, attribute) -> float:
    return float(el.get(attribute))


def points(polygon) -> list[tuple[float, float]]:
    return [tuple(map(float, pair.split(","))) for pair in polygon.get("points").split()]


def every_chart(chart_id="c", label="Myndighet", title="Titel", description="Beskrivning"):
    return {
        "bar": bar_chart(chart_id, title, description, [(label, 50.0), ("B", None)]),
        "radar": radar_chart(chart_id, title, description, [label, "B", "C"], [(label, [1, 2, 3])]),
        "box": box_plot(chart_id, title, description, [(label, {**BOX, "marker": 900.0})]),
        "share": stacked_share_bar(chart_id, title, description, [(label, 1.0), ("B", 3.0)]),
    }


def contrast(colour: str, background: str = WHITE) -> float:
    def luminance(hex_colour):
        def channel(value):
            value /= 255
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(int(hex_colour[i : i + 2], 16)) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted([luminance(colour), luminance(background)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


# --- Every chart -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["bar", "radar", "box", "share"])
def test_named_by_title_and_description(kind):
    root = parse(every_chart("kostnad", title="Kostnad per ärende", description="Jämförelse")[kind])
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    width, height = num(root, "width"), num(root, "height")
    assert root.get("viewBox").split() == ["0", "0", root.get("width"), root.get("height")]
    assert width > 0 and height > 0
    title_id, desc_id = root.get("aria-labelledby").split()
    title, desc = root[0], root[1]
    assert (title.tag, title.get("id"), title.text) == (
        SVG + "title",
        title_id,
        "Kostnad per ärende",
    )
    assert (desc.tag, desc.get("id"), desc.text) == (SVG + "desc", desc_id, "Jämförelse")


@pytest.mark.parametrize("kind", ["bar", "radar", "box", "share"])
def test_ids_are_unique_per_chart_id(kind):
    page = [parse(every_chart(chart_id)[kind]) for chart_id in ("a", "b", "3 risk/år")]
    ids = [el.get("id") for root in page for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)) == 6
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", value) for value in ids)


@pytest.mark.parametrize("kind", ["bar", "radar", "box", "share"])
def test_no_script_no_inline_style(kind):
    for el in parse(every_chart()[kind]).iter():
        assert el.tag.removeprefix(SVG) not in {"script", "style", "foreignObject"}
        assert "style" not in el.attrib
        assert not any(name.startswith("on") for name in el.attrib)


@pytest.mark.parametrize("kind", ["bar", "radar", "box", "share"])
def test_user_text_is_escaped(kind):
    chart = every_chart('"x', label="<b>&", title="<script>", description="a & b\x00")[kind]
    root = parse(chart)
    assert not [el for el in root.iter() if el.tag in {"b", SVG + "b", "script", SVG + "script"}]
    assert any(text.startswith("<b>&") for text in texts(root))
    assert root[0].text == "<script>"
    assert root[1].text == "a & b"  # the NUL would have made the XML invalid


@pytest.mark.parametrize("kind", ["bar", "radar", "box", "share"])
def test_text_is_legible(kind):
    root = parse(every_chart()[kind])
    assert root.get("font-family") == "sans-serif"
    assert all(12 <= num(el, "font-size") <= 14 for el in root.iter() if el.get("font-size"))
    for el in elements(root, "text"):
        # White text only sits on palette colours (the share bar's percentages).
        backgrounds = PALETTE if el.get("fill") == WHITE else (WHITE,)
        assert min(contrast(el.get("fill"), bg) for bg in backgrounds) >= 4.5


def test_palette_contrast_suits_text_and_shapes():
    assert all(contrast(colour) >= 4.5 for colour in PALETTE)


@pytest.mark.parametrize("kind", ["bar", "radar", "box", "share"])
def test_output_is_stable(kind):
    assert every_chart()[kind] == every_chart()[kind]


# --- Bar chart ---------------------------------------------------------------------------


def test_bar_widths_are_proportional_and_start_at_zero():
    root = parse(bar_chart("b", "T", "D", [("A", 50.0), ("B", 100.0), ("C", 25.0)]))
    a, b, c = elements(root, "rect", "bar")
    assert num(b, "width") == pytest.approx(2 * num(a, "width"), abs=0.1)
    assert num(b, "width") == pytest.approx(4 * num(c, "width"), abs=0.1)
    (zero,) = elements(root, "line", "zero-line")
    assert {num(bar, "x") for bar in (a, b, c)} == {num(zero, "x1")}


def test_highlighted_bar_stands_out_by_colour_and_weight():
    bars = [("Verket", 900.0), ("Styrelsen", 1200.0), ("Myndigheten", 1000.0)]
    root = parse(bar_chart("b", "T", "D", bars, highlight="Styrelsen"))
    assert [bar.get("fill") for bar in elements(root, "rect", "bar")] == [BLUE, ORANGE, BLUE]
    assert elements(root, "rect", "highlight") == [elements(root, "rect", "bar")[1]]
    bold = [el.text for el in elements(root, "text") if el.get("font-weight") == "bold"]
    assert bold == ["Styrelsen", "1" + NBSP + "200"]


def test_missing_value_shows_a_dash_and_no_bar():
    root = parse(bar_chart("b", "T", "D", [("A", 10.0), ("B", None), ("C", 0.0)]))
    assert [el.text for el in elements(root, "text", "value")] == ["10", "–", "0"]
    assert len(elements(root, "rect", "bar")) == 2


def test_values_carry_the_unit_and_the_given_format():
    root = parse(bar_chart("b", "T", "D", [("A", 1100.0)], unit="kr"))
    assert elements(root, "text", "value")[0].text == f"1{NBSP}100{NBSP}kr"
    root = parse(bar_chart("b", "T", "D", [("A", 0.5)], number_format=lambda v: f"{v:.0%}"))
    assert elements(root, "text", "value")[0].text == "50%"


def test_reference_line_sits_at_its_value_with_its_label():
    bars = [("A", 2000.0), ("B", 500.0)]
    root = parse(bar_chart("b", "T", "D", bars, unit="kr", reference=("Median", 1100.0)))
    full = elements(root, "rect", "bar")[0]
    (group,) = elements(root, "g", "reference")
    line = group.find(SVG + "line")
    assert num(line, "x1") == pytest.approx(num(full, "x") + 0.55 * num(full, "width"), abs=0.1)
    assert line.get("stroke-dasharray")
    assert group.find(SVG + "text").text == f"Median: 1{NBSP}100{NBSP}kr"


def test_reference_beyond_the_bars_extends_the_scale():
    root = parse(bar_chart("b", "T", "D", [("A", 100.0)], reference=("Mål", 200.0)))
    bar, line = elements(root, "rect", "bar")[0], elements(root, "g", "reference")[0][0]
    assert num(line, "x1") == pytest.approx(num(bar, "x") + 2 * num(bar, "width"), abs=0.1)


def test_height_grows_with_the_number_of_bars():
    two = parse(bar_chart("b", "T", "D", [("A", 1.0)] * 2))
    ten = parse(bar_chart("b", "T", "D", [("A", 1.0)] * 10))
    assert num(ten, "height") - num(two, "height") == pytest.approx(8 * 28)


def test_negative_values_scale_from_min_with_a_zero_line():
    root = parse(bar_chart("b", "T", "D", [("A", -50.0), ("B", 100.0)]))
    negative, positive = elements(root, "rect", "bar")
    zero = num(elements(root, "line", "zero-line")[0], "x1")
    assert num(negative, "x") + num(negative, "width") == pytest.approx(zero, abs=0.1)
    assert num(positive, "x") == zero
    assert num(positive, "width") == pytest.approx(2 * num(negative, "width"), abs=0.1)
    assert num(negative, "x") > 0


def test_all_zero_or_no_bars_still_render():
    assert elements(parse(bar_chart("b", "T", "D", [("A", 0.0)])), "rect", "bar")[0].get(
        "width"
    ) == ("0")
    assert not elements(parse(bar_chart("b", "T", "D", [])), "rect")


def test_long_labels_are_shortened_to_their_column():
    label = "Myndigheten för samhällsskydd och beredskap, regionala enheten i norr"
    root = parse(bar_chart("b", "T", "D", [(label, 1.0)]))
    shown = texts(root)[0]
    assert shown.endswith("…") and label.startswith(shown[:-1])
    assert num(elements(root, "rect", "bar")[0], "x") <= 240


# --- Radar chart -------------------------------------------------------------------------


def radar_geometry(root):
    """Centre and radius, from the outermost level ring."""
    ring = points(elements(root, "polygon", "level")[-1])
    cx = sum(x for x, _ in ring) / len(ring)
    cy = sum(y for _, y in ring) / len(ring)
    return cx, cy, math.dist((cx, cy), ring[0])


def test_radar_vertices_sit_at_value_over_max_along_their_axis():
    values = [1.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, None]
    root = parse(radar_chart("r", "T", "D", AREAS, [("Myndigheten", values)]))
    cx, cy, radius = radar_geometry(root)
    (series,) = elements(root, "polygon", "series")
    axes = elements(root, "line", "axis")
    for value, (x, y), axis in zip(values, points(series), axes, strict=True):
        distance = math.dist((cx, cy), (x, y))
        assert distance == pytest.approx(radius * (value or 0) / 7, abs=0.15)
        if value:  # the vertex lies on its own axis, in the axis' direction
            ax, ay = num(axis, "x2") - cx, num(axis, "y2") - cy
            assert (x - cx) * ax + (y - cy) * ay == pytest.approx(distance * radius, rel=1e-3)
    assert len(elements(root, "circle")) == 7  # no dot claims a value for the missing area


def test_radar_levels_axes_and_labels():
    root = parse(radar_chart("r", "T", "D", AREAS, [("A", [4.0] * 8)], max_value=5, levels=5))
    assert len(elements(root, "polygon", "level")) == 5
    assert len(elements(root, "line", "axis")) == 8
    assert [el.text for el in elements(root, "text", "axis-label")] == AREAS
    first_axis = elements(root, "line", "axis")[0]
    assert num(first_axis, "x1") == num(first_axis, "x2")  # the first area points straight up


def test_radar_series_differ_in_colour_and_dash_with_a_legend():
    series = [("Myndigheten", [5.0] * 8), ("Snitt", [4.0] * 8), ("Median", [3.0] * 8)]
    root = parse(radar_chart("r", "T", "D", AREAS, series))
    polygons = elements(root, "polygon", "series")
    assert len({p.get("stroke") for p in polygons}) == 3
    assert len({p.get("stroke-dasharray") for p in polygons}) == 3
    assert [el.text for el in elements(root, "text", "legend")] == [
        "Myndigheten",
        "Snitt",
        "Median",
    ]
    samples = [line for line in elements(root, "line") if line.get("stroke-width") == "3"]
    assert [s.get("stroke-dasharray") for s in samples] == [
        p.get("stroke-dasharray") for p in polygons
    ]


def test_radar_values_are_kept_inside_the_chart():
    root = parse(radar_chart("r", "T", "D", AREAS[:3], [("A", [9.0, -1.0, 7.0])]))
    cx, cy, radius = radar_geometry(root)
    distances = [math.dist((cx, cy), p) for p in points(elements(root, "polygon", "series")[0])]
    assert distances == pytest.approx([radius, 0, radius], abs=0.15)


@pytest.mark.parametrize(
    ("axes", "series"),
    [
        (AREAS[:2], [("A", [1.0, 2.0])]),
        (AREAS, []),
        (AREAS, [("A", [1.0] * 8)] * 4),
        (AREAS, [("A", [1.0] * 7)]),
    ],
)
def test_radar_rejects_what_it_cannot_draw(axes, series):
    with pytest.raises(ValueError):
        radar_chart("r", "T", "D", axes, series)


# --- Box plot ----------------------------------------------------------------------------


def box_parts(root, index=0):
    whisker = elements(root, "line", "whisker")[index]
    box = elements(root, "rect", "box")[index]
    median = elements(root, "line", "median")[index]
    return {
        "min": num(whisker, "x1"),
        "q1": num(box, "x"),
        "median": num(median, "x1"),
        "q3": num(box, "x") + num(box, "width"),
        "max": num(whisker, "x2"),
    }


def axis_map(root):
    """Value to x, read back from the grid lines and their tick labels."""
    grid = elements(root, "line", "grid")
    ticks = [float(t.split(NBSP)[0]) for t in (el.text for el in elements(root, "text", "tick"))]
    x0, x1 = num(grid[0], "x1"), num(grid[-1], "x1")
    return lambda value: x0 + (value - ticks[0]) / (ticks[-1] - ticks[0]) * (x1 - x0)


def test_box_plot_geometry_follows_the_five_numbers_and_marker():
    groups = [("Myndigheten", {**BOX, "marker": 1900.0}), ("Alla", BOX)]
    root = parse(box_plot("x", "T", "D", groups, unit="kr", number_format=lambda v: f"{v:g}"))
    for index in (0, 1):
        x = box_parts(root, index)
        assert x["min"] < x["q1"] < x["median"] < x["q3"] < x["max"]
        scale = axis_map(root)
        assert [x[key] for key in x] == pytest.approx([scale(BOX[key]) for key in x], abs=0.1)
    (marker,) = elements(root, "polygon", "marker")
    assert marker.get("fill") == ORANGE
    xs = [x for x, _ in points(marker)]
    assert (min(xs) + max(xs)) / 2 == pytest.approx(axis_map(root)(1900.0), abs=0.1)


def test_box_plot_scale_has_four_to_six_ticks_with_the_unit_once():
    root = parse(box_plot("x", "T", "D", [("A", BOX)], unit="kr"))
    ticks = [el.text for el in elements(root, "text", "tick")]
    assert 4 <= len(ticks) <= 6
    assert ticks[-1].endswith(NBSP + "kr") and not any("kr" in tick for tick in ticks[:-1])
    assert ticks[0] == "0" and ticks[-1] == f"3{NBSP}000{NBSP}kr"


def test_box_plot_marker_legend_only_when_named():
    named = {**BOX, "marker": 900.0, "marker_label": "Er myndighet"}
    assert "Er myndighet" in texts(parse(box_plot("x", "T", "D", [("A", named)])))
    root = parse(box_plot("x", "T", "D", [("A", BOX)]))
    assert not elements(root, "polygon", "marker")
    assert texts(root)[-1] == "A"


def test_box_plot_rejects_unordered_numbers():
    with pytest.raises(ValueError, match="Fel"):
        box_plot("x", "T", "D", [("Fel", {**BOX, "q1": 1200.0})])


@given(
    st.floats(-1e9, 1e9, allow_nan=False),
    st.floats(0, 1e9, allow_nan=False),
)
def test_nice_ticks_cover_the_range_in_four_to_six_even_steps(lo, span):
    hi = lo + span
    ticks = nice_ticks(lo, hi)
    assert 4 <= len(ticks) <= 6
    slack = 1e-9 * max(abs(lo), abs(hi), 1)  # float division may be off by an ulp
    assert ticks[0] <= lo + slack and ticks[-1] >= hi - slack
    steps = [b - a for a, b in pairwise(ticks)]
    assert max(steps) - min(steps) <= 1e-6 * max(steps)


# --- Stacked share bar -------------------------------------------------------------------


def test_shares_fill_the_bar_in_proportion():
    parts = [("Låg", 10.0), ("Medel", 30.0), ("Hög", 60.0)]
    root = parse(stacked_share_bar("s", "T", "D", parts))
    shares = elements(root, "rect", "share")
    widths = [num(el, "width") for el in shares]
    assert widths == pytest.approx([60.0, 180.0, 360.0])
    assert sum(widths) == pytest.approx(600.0)
    for left, right in pairwise(shares):  # no gaps, no overlaps
        assert num(left, "x") + num(left, "width") == pytest.approx(num(right, "x"))
    assert [el.get("fill") for el in shares] == list(PALETTE[:3])
    legend = [el.text for el in elements(root, "text", "legend")]
    assert legend == [f"Låg: 10{NBSP}%", f"Medel: 30{NBSP}%", f"Hög: 60{NBSP}%"]


def test_awkward_shares_still_sum_to_the_full_width():
    root = parse(stacked_share_bar("s", "T", "D", [("A", 1.0), ("B", 1.0), ("C", 1.0)]))
    widths = [num(el, "width") for el in elements(root, "rect", "share")]
    assert sum(widths) == pytest.approx(600.0, abs=1e-9)
    assert [el.text for el in elements(root, "text", "share-label")] == [f"33{NBSP}%"] * 3


def test_percentages_round_half_up():
    root = parse(stacked_share_bar("s", "T", "D", [("A", 1.0), ("B", 7.0)]))
    assert [el.text for el in elements(root, "text", "legend")] == [
        f"A: 13{NBSP}%",
        f"B: 88{NBSP}%",
    ]


def test_zero_parts_keep_their_legend_but_draw_nothing():
    root = parse(stacked_share_bar("s", "T", "D", [("Låg", 0.0), ("Hög", 4.0)]))
    assert [num(el, "width") for el in elements(root, "rect", "share")] == [600.0]
    assert [el.text for el in elements(root, "text", "legend")] == [
        f"Låg: 0{NBSP}%",
        f"Hög: 100{NBSP}%",
    ]
    empty = parse(stacked_share_bar("s", "T", "D", [("Låg", 0.0), ("Hög", 0.0)]))
    assert not elements(empty, "rect", "share")
    assert [el.text for el in elements(empty, "text", "legend")] == [
        f"Låg: 0{NBSP}%",
        f"Hög: 0{NBSP}%",
    ]


def test_narrow_shares_leave_their_percentage_to_the_legend():
    root = parse(stacked_share_bar("s", "T", "D", [("A", 1.0), ("B", 99.0)]))
    assert [el.text for el in elements(root, "text", "share-label")] == [f"99{NBSP}%"]
    assert texts(root) == [f"A: 1{NBSP}%", f"99{NBSP}%", f"B: 99{NBSP}%"]


@pytest.mark.parametrize("parts", [[], [("A", -1.0), ("B", 2.0)], [("A", 1.0)] * 6])
def test_share_bar_rejects_what_it_cannot_draw(parts):
    with pytest.raises(ValueError):
        stacked_share_bar("s", "T", "D", parts)
