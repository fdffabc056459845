"""Chart text as a reader sees it in the PDF: measured with DejaVu Sans's own advance widths
(read from the font file, not from the table the charts use), every label stays inside the
chart; no median or zero line runs through a value; risk levels in the colours readers expect."""

from pathlib import Path

import pytest

from app.reports.charts import (
    GREEN,
    ORANGE,
    RED,
    RISK_COLOURS,
    WIDTH,
    bar_chart,
    box_plot,
    radar_chart,
    stacked_share_bar,
)
from tests.unit.test_charts import BOX, SVG, elements, num, parse

FONTS = Path("/usr/share/fonts/truetype/dejavu")
LONG_NAMES = [
    "Myndigheten för samhällsskydd och beredskap",
    "Statens skolverk, enheten för WWW-tjänster",
    "Mälardalens universitet",
    "MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM",
]


@pytest.fixture(scope="module")
def measure():
    fonts = pytest.importorskip("fontTools.ttLib")
    if not (FONTS / "DejaVuSans.ttf").exists():
        pytest.skip("DejaVu Sans is not installed (fonts-dejavu-core)")
    faces = {
        weight: fonts.TTFont(FONTS / name)
        for weight, name in (("normal", "DejaVuSans.ttf"), ("bold", "DejaVuSans-Bold.ttf"))
    }

    def width(text: str, size: float, weight: str) -> float:
        face = faces[weight]
        cmap, advances = face.getBestCmap(), face["hmtx"]
        units = sum(advances[cmap.get(ord(char), ".notdef")][0] for char in text)
        return units * size / face["head"].unitsPerEm

    return width


def _extents(root, measure):
    for text in elements(root, "text"):
        content = "".join(text.itertext())
        size = float(text.get("font-size") or root.get("font-size"))
        width = measure(content, size, text.get("font-weight") or "normal")
        x, anchor = num(text, "x"), text.get("text-anchor", "start")
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        yield content, left, left + width


def _charts():
    bars = [(name, 1000.0 * (i + 1)) for i, name in enumerate(LONG_NAMES)]
    boxes = [(name, BOX) for name in LONG_NAMES]
    return {
        "bar": bar_chart("b", "T", "D", bars, unit="kr", highlight=LONG_NAMES[0]),
        "box": box_plot("x", "T", "D", boxes, unit="kr"),
        "radar": radar_chart(
            "r", "T", "D", [*LONG_NAMES, "Informationssäkerhet"], [("Nuläge", [1, 2, 3, 4, 5])]
        ),
        "share": stacked_share_bar("s", "T", "D", [(LONG_NAMES[3], 1.0), ("B", 1.0)]),
    }


@pytest.mark.parametrize("kind", ["bar", "box", "radar", "share"])
def test_no_label_reaches_past_the_edge_of_its_chart(kind, measure):
    root = parse(_charts()[kind])
    for content, left, right in _extents(root, measure):
        assert left >= 0 and right <= WIDTH, (content, left, right)


def test_long_names_are_shortened_only_as_much_as_they_must(measure):
    root = parse(_charts()["radar"])
    shown = ["".join(t.itertext()) for t in elements(root, "text", "axis-label")]
    assert "Informationssäkerhet" in shown  # short enough: whole
    assert any(s.endswith("…") for s in shown)


def test_values_are_drawn_over_the_median_line_on_a_white_ground(measure):
    bars = [("Alfa", 10.0), ("Beta", 11.0), ("Gamma", 30.0)]
    root = parse(bar_chart("b", "T", "D", bars, unit="%", reference=("Median", 11.0)))
    children = list(root)
    reference = next(i for i, el in enumerate(children) if "reference" in el.get("class", ""))
    values = [i for i, el in enumerate(children) if "value" in el.get("class", "").split()]
    assert values and min(values) > reference
    for i in values:
        ground, text = children[i - 1], children[i]
        assert ground.tag == SVG + "rect" and ground.get("fill") == "#ffffff"
        width = measure("".join(text.itertext()), 13, "normal")
        assert num(ground, "x") <= num(text, "x")
        assert num(ground, "x") + num(ground, "width") >= num(text, "x") + width


def test_risk_levels_are_green_orange_and_red_in_order():
    assert RISK_COLOURS == (GREEN, ORANGE, RED)
    parts = [("Låg", 1.0), ("Medel", 1.0), ("Hög", 1.0)]
    root = parse(stacked_share_bar("r", "T", "D", parts, colours=RISK_COLOURS))
    assert [el.get("fill") for el in elements(root, "rect", "share")] == [GREEN, ORANGE, RED]
