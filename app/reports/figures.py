"""The charts of the analysis and the reports, each with the table it is drawn from beside it
in the template (the text alternative for every reader)."""

from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup

from app.figure_words import plain
from app.reports.analysis import RISK_LEVELS, RISKS, Dataset, MaturityArea, Portfolio
from app.reports.charts import RISK_COLOURS, box_plot, radar_chart, stacked_share_bar

RISK_LABELS = {
    "risk_benefits": lambda: _("Risk to the benefits"),
    "risk_budget": lambda: _("Risk to the budget"),
    "risk_time": lambda: _("Risk to the schedule"),
}
LEVEL_LABELS = {"low": lambda: _("Low"), "medium": lambda: _("Medium"), "high": lambda: _("High")}


def figure_box_plot(row, groups: dict[str, str], marker=None):
    """A key figure's spread per peer group (and overall), the agency's value marked."""
    boxes = [(name, stats.as_box(marker)) for name, stats in row.groups if stats]
    if row.overall:
        boxes.append((_("All agencies"), row.overall.as_box(marker)))
    if not boxes:
        return None
    for _name, box in boxes:
        if marker is not None:
            box["marker_label"] = _("Your agency")
    return box_plot(
        f"box-{row.code}",
        row.label,
        _(
            "Median, quartiles, lowest and highest value per peer group; the table beside it "
            "gives the figures."
        ),
        boxes,
        unit=row.unit,
        number_format=whole_or_one_decimal(row.unit),
    )


def peer_distribution_chart(dataset: Dataset, org_number: str, position):
    """The spread of one key figure in the agency's peer group as a box plot (lowest value,
    quartiles, median, highest value), the agency marked: as large at 340 agencies as at 10,
    where one bar per agency grew with the group."""
    if position.peers is None or position.value is None:
        return None
    own = dataset.of(org_number)
    box = position.peers.as_box(position.value)
    box["marker_label"] = own["agency"]["name"]
    return box_plot(
        f"peers-{position.code}",
        position.label,
        _(
            "The spread of the %(count)d agencies of the peer group: lowest value, quartiles, "
            "median and highest value; the diamond marks %(agency)s. The table gives the figures.",
            count=position.peers.count,
            agency=own["agency"]["name"],
        ),
        [(_("Peer group"), box)],
        unit=position.unit,
        number_format=whole_or_one_decimal(position.unit),
    )


# The name the pages and PDF documents call.
peers_bar_chart = peer_distribution_chart


def whole_or_one_decimal(unit: str):
    """Shares with one decimal, amounts in whole kronor."""
    decimals = 1 if unit == "%" else 0
    return lambda value: plain(value, decimals=decimals)


def maturity_radar(areas: list[MaturityArea], agency_name: str):
    usable = [a for a in areas if a.current is not None or a.peer_current is not None]
    if len(usable) < 3:
        return None

    def level(value):
        return float(value) if value is not None else None

    return radar_chart(
        "maturity-radar",
        _("Maturity: %(agency)s and its peer group", agency=agency_name),
        _(
            "Current level and target in two years per area on the 1–7 scale, against the peer "
            "group's median current level; the table gives the figures."
        ),
        [a.label for a in usable],
        [
            (_("Current level"), [level(a.current) for a in usable]),
            (_("Target in two years"), [level(a.target) for a in usable]),
            (_("Peer group median"), [level(a.peer_current) for a in usable]),
        ],
    )


def overview_radar(rows: list[dict]):
    if len(rows) < 3:
        return None

    def level(value):
        return float(value) if value is not None else None

    return radar_chart(
        "maturity-overview",
        _("Maturity of all agencies"),
        _("The median current level and the median target per area, 1–7."),
        [r["label"] for r in rows],
        [
            (_("Median current level"), [level(r["current"]) for r in rows]),
            (_("Median target"), [level(r["target"]) for r in rows]),
        ],
    )


@dataclass(frozen=True)
class TitledChart:
    """A chart with the title the page shows above it (a figure's caption)."""

    title: str
    svg: Markup


def risk_bars(portfolio: Portfolio) -> list[TitledChart]:
    charts = []
    for risk in RISKS:
        counts = portfolio.risks.get(risk, {})
        if not sum(counts.values()):
            continue
        title = RISK_LABELS[risk]()
        svg = stacked_share_bar(
            f"risk-{risk}",
            title,
            _("Share of the projects with a low, medium or high risk."),
            [(LEVEL_LABELS[level](), counts.get(level, 0)) for level in RISK_LEVELS],
            colours=RISK_COLOURS,
        )
        charts.append(TitledChart(title, svg))
    return charts
