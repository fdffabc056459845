"""The analysis of a cycle's dataset: key figures per peer group, an agency's position and
trend, maturity against peers, and the project portfolio. Everything is computed from the
dataset's JSON form — the frozen snapshot once the cycle is approved, the live rows before —
so pages and PDF reports read the same figures.

A dataset is parsed or built once per version (`app.caching`: the digest of a frozen one, the
fingerprint of an open one's submissions), and what is computed over all its agencies (the
spread per peer group, the medians) once per dataset, so a view does work for one agency
only, whatever the number of agencies."""

import json
import threading
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from statistics import median

from sqlalchemy import select

from app.accounts.models import PeerGroup
from app.caching import cache
from app.cycles.models import Cycle
from app.cycles.questionnaire_changes import breaks_between, series_breaks
from app.cycles.questionnaire_service import figures_in
from app.datasets.freezing import LIVE_STATUSES, build_snapshot
from app.datasets.models import BY_HEADER_CYCLE, DatasetSnapshot, FrozenKeyFigure
from app.extensions import db
from app.reports.statistics import Stats, describe
from app.submissions.versions import cycle_version
from workflows.submission import SubmissionStatus

RISKS = ("risk_benefits", "risk_budget", "risk_time")
RISK_LEVELS = ("low", "medium", "high")


def _decimal(value) -> Decimal | None:
    return Decimal(value) if value is not None else None


RECENT_RESULTS = 128


@dataclass(eq=False)
class Dataset:
    """A cycle's dataset, read-only once made: it may be shared by every request of a process."""

    data: dict
    frozen: bool
    digest: str | None = None
    _memo: dict = field(default_factory=dict, repr=False)
    _recent: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def submissions(self) -> list[dict]:
        return self.data["submissions"]

    @property
    def key_figures(self) -> dict[str, tuple[str, str]]:
        """Its questionnaire's key figures: code → (label in the reader's language, unit)."""
        return figures_in(self.data["questionnaire"])

    @cached_property
    def _by_org(self) -> dict[str, dict]:
        return {s["agency"]["org_number"]: s for s in self.submissions}

    @cached_property
    def _by_group(self) -> dict[str, list[dict]]:
        groups: dict[str, list[dict]] = {}
        for submission in self.submissions:
            groups.setdefault(submission["agency"]["peer_group"], []).append(submission)
        return groups

    def of(self, org_number: str) -> dict | None:
        return self._by_org.get(org_number)

    def peers_of(self, submission: dict) -> list[dict]:
        return self._by_group.get(submission["agency"]["peer_group"], [])

    def in_group(self, group_code: str) -> list[dict]:
        return self._by_group.get(group_code, [])

    def memo(self, key, compute):
        """A result computed over the dataset, once."""
        with self._lock:
            if key in self._memo:
                return self._memo[key]
        value = compute()
        with self._lock:
            return self._memo.setdefault(key, value)

    def memo_recent(self, key, compute):
        """A result for one reader's part of the dataset (an agency's charts in a language),
        kept among the most recent RECENT_RESULTS: 340 agencies in two languages would be
        tens of megabytes a dataset if all were kept."""
        with self._lock:
            if key in self._recent:
                self._recent.move_to_end(key)
                return self._recent[key]
        value = compute()
        with self._lock:
            self._recent[key] = value
            while len(self._recent) > RECENT_RESULTS:
                self._recent.popitem(last=False)
        return value


def dataset_of(cycle: Cycle) -> Dataset:
    snapshot = db.session.execute(
        select(DatasetSnapshot.id, DatasetSnapshot.digest).where(cycle.id == BY_HEADER_CYCLE)
    ).first()
    if snapshot is not None:
        return _frozen_dataset(cycle.id, snapshot.id, snapshot.digest)
    return cache().get(
        ("dataset", cycle.id),
        cycle_version(cycle.id, (*LIVE_STATUSES, SubmissionStatus.EXEMPTED)),
        lambda: Dataset(build_snapshot(cycle, None, "", counted=LIVE_STATUSES), False),
    )


def _frozen_dataset(cycle_id: int, snapshot_id: int, digest: str) -> Dataset:
    def parse() -> Dataset:
        content = db.session.scalar(
            select(DatasetSnapshot.content).where(DatasetSnapshot.id == snapshot_id)
        )
        return Dataset(json.loads(content), True, digest)

    return cache().get(("dataset", cycle_id), ("frozen", digest), parse)


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


def _figures_of(submissions: list[dict], codes) -> dict[str, list[Decimal]]:
    """Per key figure, the values present, ascending."""
    return {
        code: sorted(v for s in submissions if (v := figure(s, code)) is not None) for code in codes
    }


def _spread(dataset: Dataset, group_code: str | None) -> dict[str, Stats | None]:
    """Per key figure, the statistics of a peer group (or of every agency, for None)."""

    def compute():
        chosen = dataset.submissions if group_code is None else dataset.in_group(group_code)
        figures = _figures_of(chosen, dataset.key_figures)
        return {code: describe(values) for code, values in figures.items()}

    return dataset.memo(("spread", group_code), compute)


def _ordered(dataset: Dataset, group_code: str) -> dict[str, list[Decimal]]:
    return dataset.memo(
        ("ordered", group_code),
        lambda: _figures_of(dataset.in_group(group_code), dataset.key_figures),
    )


def key_figure_stats(dataset: Dataset, groups: dict[str, str]) -> list[FigureStats]:
    overall = _spread(dataset, None)
    rows = []
    for code, (label, unit) in dataset.key_figures.items():
        row = FigureStats(code, label, unit, overall[code])
        for group_code, name in groups.items():
            row.groups.append((name, _spread(dataset, group_code)[code]))
        rows.append(row)
    return rows


def _place(value: Decimal, ascending: list[Decimal]) -> tuple[int, int]:
    """(place, of how many), the highest value first."""
    return len(ascending) - bisect_right(ascending, value) + 1, len(ascending)


@dataclass
class Position:
    code: str
    label: str
    unit: str
    value: Decimal | None
    peers: Stats | None
    place: tuple[int, int] | None
    last_year: Decimal | None = None
    series_break: bool = False  # its definition changed since last year: not comparable


def figure_breaks(dataset: Dataset, last_year: Dataset | None) -> frozenset[str]:
    """The key figures measured otherwise than in last year's dataset (their formula, unit or
    definition changed, or an item they read was redefined), from the two datasets' own
    questionnaires."""
    if last_year is None:
        return frozenset()

    def compute() -> frozenset[str]:
        return breaks_between(last_year.data["questionnaire"], dataset.data["questionnaire"])

    # Last year's dataset is a frozen one, known by its digest; one still open is not kept.
    return dataset.memo(("breaks", last_year.digest), compute) if last_year.digest else compute()


def agency_position(dataset: Dataset, org_number: str, last_year: Dataset | None) -> list[Position]:
    own = dataset.of(org_number)
    if own is None:
        return []
    previous = last_year.of(org_number) if last_year else None
    return position_among(dataset, own, previous, figure_breaks(dataset, last_year))


def position_among(
    dataset: Dataset,
    own: dict,
    previous: dict | None = None,
    breaks: frozenset[str] = frozenset(),
) -> list[Position]:
    """A submission's key figures against its peer group in the dataset, whether or not it is
    one of the dataset's own (a self-assessment is compared without being counted); a key
    figure in `breaks` is marked a series break against last year."""
    group = own["agency"]["peer_group"]
    spread, ordered = _spread(dataset, group), _ordered(dataset, group)
    outsider = dataset.of(own["agency"]["org_number"]) is not own  # placed as one more
    positions = []
    for code, (label, unit) in dataset.key_figures.items():
        value = figure(own, code)
        place = _place(value, ordered[code]) if value is not None else None
        if place is not None and outsider:
            place = (place[0], place[1] + 1)
        positions.append(
            Position(
                code,
                label,
                unit,
                value,
                spread[code],
                place,
                figure(previous, code) if previous else None,
                code in breaks,
            )
        )
    return positions


def trend(org_number: str, up_to_year: int, codes) -> dict[str, list[tuple[int, Decimal | None]]]:
    """Each of these key figures of the agency in every frozen cycle up to the year, from the
    figures written beside each snapshot (a few rows per year, whatever the number of
    agencies)."""
    years = list(
        db.session.scalars(
            select(Cycle.year)
            .join(DatasetSnapshot, DatasetSnapshot.cycle_id == Cycle.id)
            .where(Cycle.year <= up_to_year)
            .order_by(Cycle.year)
        )
    )
    rows = db.session.execute(
        select(Cycle.year, FrozenKeyFigure.code, FrozenKeyFigure.value)
        .join(Cycle, Cycle.id == FrozenKeyFigure.cycle_id)
        .where(FrozenKeyFigure.org_number == org_number, Cycle.year <= up_to_year)
    )
    reported = {(year, code): value for year, code, value in rows}
    return {code: [(year, reported.get((year, code))) for year in years] for code in codes}


def trend_breaks(up_to_year: int, codes) -> dict[str, list[int]]:
    """For each of these key figures, the frozen years (up to the year) from which it was
    measured otherwise than the year before: each year's questionnaire against its previous
    cycle's, a series break in the trend. Frozen questionnaires do not change: computed once
    per process for the same frozen years."""
    frozen = db.session.execute(
        select(Cycle.id, DatasetSnapshot.digest)
        .join(DatasetSnapshot, Cycle.id == BY_HEADER_CYCLE)
        .where(Cycle.year <= up_to_year)
        .order_by(Cycle.year)
    ).all()

    def compute() -> list[tuple[int, frozenset[str]]]:
        cycles = [db.session.get(Cycle, cycle_id) for cycle_id, _digest in frozen]
        return [(cycle.year, series_breaks(cycle)) for cycle in cycles if cycle is not None]

    key = ("trend_breaks", tuple(cycle_id for cycle_id, _digest in frozen))
    broken = cache().get(key, tuple(digest for _id, digest in frozen), compute)
    return {code: [year for year, codes_ in broken if code in codes_] for code in codes}


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


def _maturity_medians(dataset: Dataset, group_code: str | None) -> dict[str, tuple]:
    """Per area, the median current level and target of a peer group (None: every agency)."""

    def compute():
        chosen = dataset.submissions if group_code is None else dataset.in_group(group_code)
        return {
            area: (
                _median(_level(s, area, "current") for s in chosen),
                _median(_level(s, area, "target") for s in chosen),
            )
            for area, _label in maturity_areas(dataset, "sv")
        }

    return dataset.memo(("maturity", group_code), compute)


def maturity(dataset: Dataset, org_number: str, locale: str) -> list[MaturityArea]:
    own = dataset.of(org_number)
    if own is None:
        return []
    return maturity_among(dataset, own, locale)


def maturity_among(dataset: Dataset, own: dict, locale: str) -> list[MaturityArea]:
    """A submission's maturity per area against its peer group's medians in the dataset."""
    medians = _maturity_medians(dataset, own["agency"]["peer_group"])
    return [
        MaturityArea(
            area,
            label,
            _level(own, area, "current"),
            _level(own, area, "target"),
            *medians[area],
        )
        for area, label in maturity_areas(dataset, locale)
    ]


def maturity_overview(dataset: Dataset, groups: dict[str, str], locale: str):
    """Per area: the median current level overall and per peer group, and the median target."""
    overall = _maturity_medians(dataset, None)
    per_group = {code: _maturity_medians(dataset, code) for code in groups}
    return [
        {
            "area": area,
            "label": label,
            "current": overall[area][0],
            "target": overall[area][1],
            "groups": [(name, per_group[code][area][0]) for code, name in groups.items()],
        }
        for area, label in maturity_areas(dataset, locale)
    ]


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


def portfolio_of(dataset: Dataset) -> Portfolio:
    """The portfolio of every agency's projects, once per dataset."""
    return dataset.memo("portfolio", lambda: portfolio(all_projects(dataset)))
