"""Server-rendered, accessible SVG charts for report pages and WeasyPrint PDFs.

Each function returns one `<svg role="img">` as Markup, named by its <title> and <desc>.
The SVG is written by hand: no JavaScript and no inline styles, because the app's
Content-Security-Policy forbids both, so every colour and size is a presentation attribute
(which WeasyPrint also understands). Coordinates are rounded to one decimal so the same
input always gives the same bytes.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from itertools import accumulate

from markupsafe import Markup, escape

from app.figure_words import plain
from app.reports.text_width import fit_text, text_width

# At least 4.5:1 against white, so they serve for text and for shapes alike (WCAG 1.4.3, 1.4.11).
BLUE, ORANGE, GREEN, GREY, PURPLE = "#1d70b8", "#b35c00", "#00703c", "#505a5f", "#6f2a8f"
RED = "#c4261a"
PALETTE = (BLUE, ORANGE, GREEN, GREY, PURPLE)
# Low, medium and high risk as readers expect them: green, orange, red (the legend names them).
RISK_COLOURS = (GREEN, ORANGE, RED)
TEXT, WHITE = "#0b0c0c", "#ffffff"
# Below 3:1 on purpose: grid lines and box fills are decoration, the values are drawn in ink.
GRID, BOX_FILL = "#b1b4b6", "#d2e2f1"
# Colour must not be the only cue (WCAG 1.4.1), so radar series also differ in dash pattern.
DASHES = (None, "8 4", "2 3")
NBSP = "\u00a0"
WIDTH, ROW, FONT = 640, 28, 13
BOX_KEYS = ("min", "q1", "median", "q3", "max")
# Characters XML 1.0 forbids; a stray one from a pasted name would break the whole page.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def default_number_format(value: float) -> str:
    return plain(value, decimals=1)


def _n(x: float) -> str:
    text = f"{round(x, 1):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _attr(value) -> str:
    if isinstance(value, int | float):
        return _n(value)
    return _escaped(str(value))


# A chart writes thousands of attributes, mostly the same few colours, anchors and names:
# each is escaped and spelt once per process, not once per use.
@lru_cache(maxsize=4096)
def _escaped(text: str) -> str:
    return str(escape(_NOT_XML.sub("", text)))


@lru_cache(maxsize=256)
def _attribute_name(keyword: str) -> str:
    return keyword.rstrip("_").replace("_", "-")


def _el(tag: str, content: str | None = None, **attrs) -> Markup:
    """One element; attrs with None are left out, `font_size` is written `font-size`."""
    opening = tag + "".join(
        f' {_attribute_name(name)}="{_attr(value)}"'
        for name, value in attrs.items()
        if value is not None
    )
    if content is None:
        return Markup(f"<{opening}/>")  # noqa: S704 - attribute values escaped by _attr
    if not isinstance(content, Markup):
        content = escape(_NOT_XML.sub("", content))
    return Markup(f"<{opening}>{content}</{tag}>")  # noqa: S704 - content escaped above


def _join(items) -> Markup:
    return Markup("").join(items)


def _text(x: float, y: float, content: str, anchor: str = "start", **attrs) -> Markup:
    attrs.setdefault("fill", TEXT)
    return _el("text", content, x=x, y=y, text_anchor=anchor, **attrs)


def _line(x1: float, y1: float, x2: float, y2: float, **attrs) -> Markup:
    return _el("line", x1=x1, y1=y1, x2=x2, y2=y2, **attrs)


def _rect(x: float, y: float, width: float, height: float, **attrs) -> Markup:
    return _el("rect", x=x, y=y, width=width, height=height, **attrs)


def _points(points) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def _svg(chart_id: str, title: str, description: str, height: float, body) -> Markup:
    base = re.sub(r"[^A-Za-z0-9_-]", "-", chart_id)
    base = base if base[:1].isalpha() else f"chart-{base}"  # an id must start with a letter
    title_id, desc_id = f"{base}-title", f"{base}-desc"
    content = _join([_el("title", title, id=title_id), _el("desc", description, id=desc_id)])
    return _el(
        "svg",
        content + _join(body),
        xmlns="http://www.w3.org/2000/svg",
        role="img",
        viewBox=f"0 0 {WIDTH} {_n(height)}",
        width=WIDTH,
        height=height,
        aria_labelledby=f"{title_id} {desc_id}",
        font_family="sans-serif",
        font_size=FONT,
        class_="chart",
    )


def _fit(text: str, width: float, bold: bool = False) -> str:
    """Shorten a label to its room, measured, so it is never clipped at the chart's edge; the
    full text belongs in the description."""
    return fit_text(text, width, FONT, bold)


def _label_width(labels) -> float:
    longest = max((text_width(label, FONT, bold=True) for label in labels), default=0)
    return min(max(longest + 16, 60), 240)


@dataclass(frozen=True)
class _Scale:
    lo: float
    hi: float
    start: float
    length: float

    def __call__(self, value: float) -> float:
        return self.start + (value - self.lo) / (self.hi - self.lo) * self.length


def _with_unit(text: str, unit: str) -> str:
    return f"{text}{NBSP}{unit}" if unit else text


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: list[tuple[str, float | None]],
    unit: str = "",
    highlight: str | None = None,
    reference: tuple[str, float] | None = None,
    number_format: Callable[[float], str] = default_number_format,
) -> Markup:
    values = [value for _, value in bars if value is not None]
    values += [reference[1]] if reference else []
    lo, hi = min([0.0, *values]), max([0.0, *values])
    label_w = _label_width(label for label, _ in bars)
    scale = _Scale(lo, hi if hi > lo else lo + 1, label_w, WIDTH - label_w - 100)
    top = 32 if reference else 8
    bottom = top + ROW * len(bars)
    body, values_text = [], []
    for i, (label, value) in enumerate(bars):
        text = "–" if value is None else _with_unit(number_format(value), unit)
        row = _bar_row(scale, top + i * ROW, label, value, text, label == highlight)
        body.append(row[0])
        values_text.append(row[1])
    # Drawn after the bars so the zero line and the reference stay visible on top of them …
    body.append(_line(scale(0), top, scale(0), bottom, stroke=TEXT, class_="zero-line"))
    if reference:
        ref_text = f"{reference[0]}: {_with_unit(number_format(reference[1]), unit)}"
        body.append(_reference(scale(reference[1]), top, bottom, ref_text))
    # … and the values after both, on a white ground, so no line runs through a number.
    return _svg(chart_id, title, description, bottom + 8, body + values_text)


def _bar_row(
    scale: _Scale, y: float, label: str, value, text: str, highlighted: bool
) -> tuple[Markup, Markup]:
    """The row's label and bar, and apart from them its value, drawn last."""
    # Bold as well as orange, so the highlighted row does not depend on colour alone.
    weight = "bold" if highlighted else None
    mid = y + ROW / 2
    fitted = _fit(label, scale.start - 12, bold=highlighted)
    items = [_text(scale.start - 8, mid + 4.5, fitted, "end", font_weight=weight)]
    if value is not None:
        left, right = round(scale(min(value, 0)), 1), round(scale(max(value, 0)), 1)
        fill, kind = (ORANGE, "bar highlight") if highlighted else (BLUE, "bar")
        items.append(_rect(left, mid - 9, right - left, 18, fill=fill, class_=kind))
    # Right of the zero line even for negative bars, where that side of the row is empty.
    value_x = max(scale(value or 0), scale(0)) + 6
    width = text_width(text, FONT, highlighted) + 4
    ground = _rect(value_x - 2, mid - 8, width, 16, fill=WHITE, class_="value-ground")
    number = _text(value_x, mid + 4.5, text, font_weight=weight, class_="value")
    return _join(items), ground + number


def _reference(x: float, top: float, bottom: float, text: str) -> Markup:
    half = text_width(text, FONT) / 2
    label_x = min(max(x, half + 4), WIDTH - half - 4)
    line = _line(x, top - 6, x, bottom, stroke=GREY, stroke_width=2, stroke_dasharray="6 3")
    label = _text(label_x, top - 12, text, "middle", fill=GREY, class_="reference-label")
    return _el("g", line + label, class_="reference")


def radar_chart(
    chart_id: str,
    title: str,
    description: str,
    axes: list[str],
    series: list[tuple[str, list[float | None]]],
    max_value: float = 7,
    levels: int = 7,
) -> Markup:
    if len(axes) < 3:
        raise ValueError("a radar chart needs at least three axes")
    if not 1 <= len(series) <= len(DASHES):
        raise ValueError(f"a radar chart shows 1 to {len(DASHES)} series")
    if any(len(values) != len(axes) for _, values in series):
        raise ValueError("each series needs one value per axis")
    if max_value <= 0 or levels < 1:
        raise ValueError("max_value and levels must be positive")
    radius, cx = 130, WIDTH / 2
    cy = radius + 36

    def point(i: int, r: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / len(axes)  # first axis straight up, clockwise
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    body = []
    for level in range(1, levels + 1):
        r = radius * level / levels
        ring = _points(point(i, r) for i in range(len(axes)))
        body.append(_el("polygon", points=ring, fill="none", stroke=GRID, class_="level"))
        level_text = default_number_format(max_value * level / levels)
        # Left of the first axis, where the series' own dots do not cover the numbers.
        body.append(_text(cx - 4, cy - r + 4, level_text, "end", font_size=12, fill=GREY))
    for i, axis in enumerate(axes):
        body.append(_radar_axis(point(i, 0), point(i, radius), point(i, radius + 14), axis))
    for n, (_, values) in enumerate(series):
        clamped = [min(max(v or 0, 0), max_value) for v in values]
        corners = [point(i, radius * v / max_value) for i, v in enumerate(clamped)]
        body.append(_radar_series(n, corners, [v is not None for v in values]))
    legend_top = cy + radius + 54
    body += [_legend_line(n, legend_top + n * 22, name) for n, (name, _) in enumerate(series)]
    return _svg(chart_id, title, description, legend_top + len(series) * 22, body)


def _radar_axis(centre, end, label_at, label: str) -> Markup:
    dx, dy = label_at[0] - centre[0], label_at[1] - centre[1]
    anchor = "start" if dx > 1 else "end" if dx < -1 else "middle"
    # Labels below the chart hang under their point, labels above sit on it.
    y = label_at[1] + 4.5 + 6 * dy / math.hypot(dx, dy)
    room = WIDTH / 2 - abs(dx) - 8 if anchor != "middle" else WIDTH / 2
    return _join(
        [
            _line(*centre, *end, stroke=GRID, class_="axis"),
            _text(label_at[0], y, _fit(label, room), anchor, class_="axis-label"),
        ]
    )


def _radar_series(n: int, corners, present: list[bool]) -> Markup:
    colour, dashes = PALETTE[n], DASHES[n]
    paint = {"fill": colour, "fill_opacity": 0.1, "stroke": colour, "stroke_dasharray": dashes}
    outline = _el("polygon", points=_points(corners), stroke_width=2, class_="series", **paint)
    dots = (_el("circle", cx=x, cy=y, r=3, fill=colour) for x, y in corners)
    return _join([outline, *(dot for dot, shown in zip(dots, present, strict=True) if shown)])


def _legend_line(n: int, y: float, name: str) -> Markup:
    colour = PALETTE[n]
    sample = _line(20, y - 4, 56, y - 4, stroke=colour, stroke_width=3, stroke_dasharray=DASHES[n])
    return sample + _text(64, y, _fit(name, WIDTH - 80), class_="legend")


def box_plot(
    chart_id: str,
    title: str,
    description: str,
    groups: list[tuple[str, dict]],
    unit: str = "",
    number_format: Callable[[float], str] = default_number_format,
) -> Markup:
    for label, stats in groups:
        five = [stats[key] for key in BOX_KEYS]
        if five != sorted(five):
            raise ValueError(f"{label!r}: expected min <= q1 <= median <= q3 <= max")
    keys = (*BOX_KEYS, "marker")
    values = [s[k] for _, s in groups for k in keys if s.get(k) is not None] or [0.0]
    ticks = nice_ticks(min(values), max(values))
    label_w = _label_width(label for label, _ in groups)
    scale = _Scale(ticks[0], ticks[-1], label_w, WIDTH - label_w - 48)
    row, top = 36, 8
    axis_y = top + row * len(groups)
    body = []
    for i, tick in enumerate(ticks):
        text = number_format(tick)
        text = _with_unit(text, unit) if i == len(ticks) - 1 else text
        body.append(_line(scale(tick), top, scale(tick), axis_y, stroke=GRID, class_="grid"))
        body.append(_text(scale(tick), axis_y + 16, text, "middle", class_="tick"))
    for i, (label, stats) in enumerate(groups):
        body.append(_box_row(scale, top + i * row + row / 2, label, stats))
    height = axis_y + 28
    marker_label = next((s["marker_label"] for _, s in groups if s.get("marker_label")), None)
    if marker_label:
        body += [_diamond(label_w, height + 4), _text(label_w + 12, height + 8.5, marker_label)]
        height += 22
    return _svg(chart_id, title, description, height, body)


def _box_row(scale: _Scale, mid: float, label: str, stats: dict) -> Markup:
    lo, q1, median, q3, hi = (scale(stats[key]) for key in BOX_KEYS)
    ink = {"stroke": TEXT, "stroke_width": 1.5}
    items = [
        _text(scale.start - 8, mid + 4.5, _fit(label, scale.start - 12), "end"),
        _line(lo, mid, hi, mid, class_="whisker", **ink),
        _line(lo, mid - 7, lo, mid + 7, class_="cap", **ink),
        _line(hi, mid - 7, hi, mid + 7, class_="cap", **ink),
        _rect(
            q1, mid - 10, round(q3, 1) - round(q1, 1), 20, fill=BOX_FILL, stroke=BLUE, class_="box"
        ),
        _line(median, mid - 10, median, mid + 10, stroke=TEXT, stroke_width=3, class_="median"),
    ]
    if stats.get("marker") is not None:
        items.append(_diamond(scale(stats["marker"]), mid))
    return _join(items)


def _diamond(x: float, y: float, size: float = 7) -> Markup:
    corners = [(x, y - size), (x + size, y), (x, y + size), (x - size, y)]
    return _el("polygon", points=_points(corners), fill=ORANGE, stroke=WHITE, class_="marker")


def nice_ticks(lo: float, hi: float) -> list[float]:
    """Four to six round values, steps of 1, 2, 2.5 or 5 times a power of ten, covering lo..hi."""
    if hi - lo < 1e-9 * max(abs(lo), abs(hi), 1):  # one value only: widen around it
        pad = abs(lo) / 10
        lo, hi = (lo - pad, hi + pad) if pad else (0.0, 1.0)
    power = math.floor(math.log10(hi - lo)) - 1
    for exponent in range(power, power + 3):
        for mantissa in (1, 2, 2.5, 5):
            step = mantissa * 10.0**exponent
            first, last = math.floor(lo / step), math.ceil(hi / step)
            if last - first <= 5:
                digits = max(0, 1 - exponent)
                return [round(k * step, digits) for k in range(first, last + 1)]
    raise AssertionError("unreachable: a step of 10**(power + 2) always fits")


def stacked_share_bar(
    chart_id: str,
    title: str,
    description: str,
    parts: list[tuple[str, float]],
    colours: tuple[str, ...] = PALETTE,
) -> Markup:
    """Shares of a whole as one bar, with a legend; `colours` where the parts have a meaning
    of their own (low to high risk), the palette otherwise."""
    if not parts or len(parts) > len(colours):
        raise ValueError(f"a share bar shows 1 to {len(colours)} parts")
    if any(value < 0 for _, value in parts):
        raise ValueError("shares cannot be negative")
    x0, length, bar_y, bar_h = 20, WIDTH - 40, 8, 32
    # Running sums, so the last end is exactly the full width whatever the rounding.
    sums = list(accumulate(value for _, value in parts))
    total = sums[-1]
    ends = [round(x0 + (s / total if total else 0) * length, 1) for s in sums]
    body = [] if total else [_rect(x0, bar_y, length, bar_h, fill="none", stroke=GREY)]
    starts, legend_y = [x0, *ends[:-1]], bar_y + bar_h + 24
    for i, (label, value) in enumerate(parts):
        percent, y = _percent(value, total), legend_y + i * 22
        body.append(_share(colours[i], starts[i], ends[i], bar_y, bar_h, percent))
        body.append(_rect(x0, y - 11, 14, 14, fill=colours[i]))
        room = WIDTH - x0 - 26 - text_width(f": {percent}", FONT)
        body.append(_text(x0 + 22, y, f"{_fit(label, room)}: {percent}", class_="legend"))
    return _svg(chart_id, title, description, legend_y + len(parts) * 22 - 8, body)


def _percent(value: float, total: float) -> str:
    share = Decimal(value) * 100 / Decimal(total) if total else Decimal(0)
    return f"{share.quantize(Decimal(1), ROUND_HALF_UP)}{NBSP}%"


def _share(colour: str, start: float, end: float, y: float, height: float, percent: str) -> Markup:
    if end <= start:
        return Markup("")
    # A white edge separates neighbours whatever their colours.
    rect = _rect(start, y, round(end - start, 1), height, fill=colour, stroke=WHITE, class_="share")
    if end - start < 44:  # too narrow for its label; the legend still gives the share
        return rect
    middle = (start + end) / 2
    return rect + _text(
        middle,
        y + height / 2 + 4.5,
        percent,
        "middle",
        fill=WHITE,
        font_weight="bold",
        class_="share-label",
    )
