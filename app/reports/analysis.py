"""The analysis of a cycle's dataset: key figures per peer group, an agency's position and
trend, maturity against peers, and the project portfolio. Everything is computed from the
dataset's JSON form — the frozen snapshot once the cycle is approved, the live rows before —
so pages and PDF reports read the same figures."""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median

from sqlalchemy import select

from app.accounts.models import PeerGroup
from app.cycles.models import Cycle
from app.datasets.freezing import LIVE_STATUSES, build_snapshot, snapshot_of
from app.datasets.models import DatasetSnapshot
from app.extensions import db
from app.reports.statistics import Stats, describe, rank
from app.submissions.findings_text import KEY_FIGURES, key_figure_label

RISKS = ("risk_benefits", "risk_budget", "risk_time")
RISK_LEVELS = ("low", "medium", "high")


def _decimal(value) -> Decimal | None:
    return Decimal(value) if value is not None else None


@dataclass
class Dataset:
    data: dict
    frozen: bool
    digest: str | None = None

    @property
    def submissions(self) -> list[dict]:
        return self.data["submissions"]

    def of(self, org_number: str) -> dict | None:
        return next((s for s in self.submissions if s["agency"]["org_number"] == org_number), None)

    def peers_of(self, submission: dict) -> list[dict]:
        group = submission["agency"]["peer_group"]
        return [s for s in self.submissions if s["agency"]["peer_group"] == group]


def dataset_of(cycle: Cycle) -> Dataset:
    snapshot = snapshot_of(cycle)
    if snapshot is not None:
        return Dataset(json.loads(snapshot.content), True, snapshot.digest)
    return Dataset(build_snapshot(cycle, None, "", counted=LIVE_STATUSES), False)


def group_names(locale: str) -> dict[str, str]:
    groups = db.session.scalars(select(PeerGroup).order_by(PeerGroup.position))
    return {group.code: group.name(locale) for group in groups}


def figure(submission: dict, code: str) -> Decimal | None:
    return _decimal(submission["key_figures"].get(code))


@dataclass
class FigureStats:
    code: str
    label: str
    unit: str
    overall: Stats | None
    groups: list[tuple[str, Stats | None]] = field(default_factory=list)


def key_figure_stats(dataset: Dataset, groups: dict[str, str]) -> list[FigureStats]:
    rows = []
    for code, (_label, unit) in KEY_FIGURES.items():
        values = [figure(s, code) for s in dataset.submissions]
        row = FigureStats(code, key_figure_label(code), unit, describe(values))
        for group_code, name in groups.items():
            in_group = [
                figure(s, code)
                for s in dataset.submissions
                if s["agency"]["peer_group"] == group_code
            ]
            row.groups.append((name, describe(in_group)))
        rows.append(row)
    return rows


@dataclass
class Position:
    code: str
    label: str
    unit: str
    value: Decimal | None
    peers: Stats | None
    place: tuple[int, int] | None
    last_year: Decimal | None = None


def agency_position(dataset: Dataset, org_number: str, last_year: Dataset | None) -> list[Position]:
    own = dataset.of(org_number)
    if own is None:
        return []
    previous = last_year.of(org_number) if last_year else None
    positions = []
    for code, (_label, unit) in KEY_FIGURES.items():
        value = figure(own, code)
        peer_values = [figure(s, code) for s in dataset.peers_of(own)]
        positions.append(
            Position(
                code,
                key_figure_label(code),
                unit,
                value,
                describe(peer_values),
                rank(value, peer_values) if value is not None else None,
                figure(previous, code) if previous else None,
            )
        )
    return positions


def trend(org_number: str, up_to_year: int) -> dict[str, list[tuple[int, Decimal | None]]]:
    """Each key figure of the agency in every frozen cycle up to the year."""
    snapshots = db.session.execute(
        select(Cycle.year, DatasetSnapshot.content)
        .join(DatasetSnapshot, DatasetSnapshot.cycle_id == Cycle.id)
        .where(Cycle.year <= up_to_year)
        .order_by(Cycle.year)
    ).all()
    series = {code: [] for code in KEY_FIGURES}
    for year, content in snapshots:
        own = Dataset(json.loads(content), True).of(org_number)
        for code in KEY_FIGURES:
            series[code].append((year, figure(own, code) if own else None))
    return series


@dataclass
class MaturityArea:
    code: str
    label: str
    current: Decimal | None
    target: Decimal | None
    peer_current: Decimal | None
    peer_target: Decimal | None


def maturity_areas(dataset: Dataset, locale: str) -> list[tuple[str, str]]:
    """(area code, label) in questionnaire order, from the items named maturity_<area>_current."""
    areas = []
    for item in dataset.data["questionnaire"]["items"]:
        if item["section"] == "maturity" and item["code"].endswith("_current"):
            label = item["label"]["en" if locale == "en" else "sv"].split(":")[0]
            areas.append((item["heading"], label))
    return areas


def _level(submission: dict, area: str, which: str) -> Decimal | None:
    return _decimal(submission["values"].get(f"maturity_{area}_{which}", {}).get("outcome"))


def _median(values) -> Decimal | None:
    values = [v for v in values if v is not None]
    return median(values) if values else None


def maturity(dataset: Dataset, org_number: str, locale: str) -> list[MaturityArea]:
    own = dataset.of(org_number)
    if own is None:
        return []
    peers = dataset.peers_of(own)
    return [
        MaturityArea(
            area,
            label,
            _level(own, area, "current"),
            _level(own, area, "target"),
            _median(_level(p, area, "current") for p in peers),
            _median(_level(p, area, "target") for p in peers),
        )
        for area, label in maturity_areas(dataset, locale)
    ]


def maturity_overview(dataset: Dataset, groups: dict[str, str], locale: str):
    """Per area: the median current level overall and per peer group, and the median target."""
    rows = []
    for area, label in maturity_areas(dataset, locale):
        per_group = [
            (
                name,
                _median(
                    _level(s, area, "current")
                    for s in dataset.submissions
                    if s["agency"]["peer_group"] == code
                ),
            )
            for code, name in groups.items()
        ]
        rows.append(
            {
                "area": area,
                "label": label,
                "current": _median(_level(s, area, "current") for s in dataset.submissions),
                "target": _median(_level(s, area, "target") for s in dataset.submissions),
                "groups": per_group,
            }
        )
    return rows


@dataclass
class Portfolio:
    count: int = 0
    original_budget: Decimal = Decimal(0)
    current_budget: Decimal = Decimal(0)
    forecast: Decimal = Decimal(0)
    cost_variance: Decimal = Decimal(0)
    mean_slip_days: Decimal | None = None
    risks: dict[str, dict[str, int]] = field(default_factory=dict)
    budget_without_plan: Decimal = Decimal(0)
    budget_without_owner: Decimal = Decimal(0)

    @property
    def cost_variance_share(self) -> Decimal | None:
        return self.cost_variance * 100 / self.original_budget if self.original_budget else None

    @property
    def share_without_plan(self) -> Decimal | None:
        return self.budget_without_plan * 100 / self.current_budget if self.current_budget else None

    @property
    def share_without_owner(self) -> Decimal | None:
        return (
            self.budget_without_owner * 100 / self.current_budget if self.current_budget else None
        )


def portfolio(projects: list[dict]) -> Portfolio:
    """Budgets, forecasts, cost variance and schedule slip against the original baseline, the
    risk distribution, and the share of budget without a benefits plan or owner."""
    result = Portfolio(count=len(projects))
    result.risks = {risk: dict.fromkeys(RISK_LEVELS, 0) for risk in RISKS}
    slips = []
    for project in projects:
        budget = _decimal(project["current_budget"])
        result.original_budget += _decimal(project["original_budget"])
        result.current_budget += budget
        result.forecast += _decimal(project["forecast_at_completion"])
        result.cost_variance += _decimal(project["cost_variance"])
        slips.append(project["schedule_slip_days"])
        for risk in RISKS:
            result.risks[risk][project[risk]] = result.risks[risk].get(project[risk], 0) + 1
        if not project["benefits_plan"]:
            result.budget_without_plan += budget
        if not project["benefits_owner"]:
            result.budget_without_owner += budget
    if slips:
        result.mean_slip_days = Decimal(sum(slips)) / len(slips)
    return result


def all_projects(dataset: Dataset) -> list[dict]:
    return [p for s in dataset.submissions for p in s["projects"]]
