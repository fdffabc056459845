"""What a ministry reads: its agencies' results in published cycles only. Every page reads
one cycle's dataset (parsed once per process) and works over the ministry's own agencies,
whatever the number of agencies in the collection."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from app.accounts.models import Agency
from app.cycles.models import Cycle
from app.extensions import db
from app.ministry.models import MinistryObservation
from app.reports.analysis import (
    Dataset,
    MaturityArea,
    Portfolio,
    Position,
    agency_position,
    dataset_of,
    figure,
    maturity,
    portfolio,
)
from workflows.cycle import CycleStatus


def published_cycle(year: int | None) -> Cycle | None:
    """The published cycle of the year, or the latest published one; None if there is none
    (an unpublished year is never confirmed to exist)."""
    statement = select(Cycle).where(Cycle.status == CycleStatus.PUBLISHED)
    if year is not None:
        statement = statement.where(Cycle.year == year)
    return db.session.scalar(statement.order_by(Cycle.year.desc()).limit(1))


def published_years() -> list[int]:
    return list(
        db.session.scalars(
            select(Cycle.year).where(Cycle.status == CycleStatus.PUBLISHED).order_by(Cycle.year)
        )
    )


def agencies_of(ministry: str) -> list[Agency]:
    return list(
        db.session.scalars(select(Agency).where(Agency.ministry == ministry).order_by(Agency.name))
    )


def agency_of(ministry: str, org_number: str) -> Agency | None:
    """The ministry's own agency with that number; None for any other agency."""
    return db.session.scalar(
        select(Agency).where(Agency.ministry == ministry, Agency.org_number == org_number)
    )


@dataclass
class Row:
    agency: Agency
    took_part: bool
    figures: dict[str, Decimal | None]
    maturity: Decimal | None  # the mean current level over the areas answered
    projects: int


def side_by_side(
    cycle: Cycle, agencies: list[Agency], locale: str
) -> tuple[list[tuple[str, str, str]], list[Row]]:
    """The cycle's key figures (code, label, unit) and a row per agency."""
    dataset = dataset_of(cycle)
    key_figures = [(code, label, unit) for code, (label, unit) in dataset.key_figures.items()]
    rows = []
    for agency in agencies:
        own = dataset.of(agency.org_number)
        if own is None:
            rows.append(Row(agency, False, {}, None, 0))
            continue
        levels = [a.current for a in maturity(dataset, agency.org_number, locale)]
        answered = [level for level in levels if level is not None]
        rows.append(
            Row(
                agency,
                True,
                {code: figure(own, code) for code, _label, _unit in key_figures},
                sum(answered) / len(answered) if answered else None,
                len(own["projects"]),
            )
        )
    return key_figures, rows


@dataclass
class Briefing:
    cycle: Cycle
    previous: Cycle | None
    dataset: Dataset
    own: dict
    positions: list[Position]
    areas: list[MaturityArea]
    areas_last_year: dict[str, Decimal | None]
    projects: list[dict]
    portfolio: Portfolio
    projects_last_year: int | None
    observation: MinistryObservation | None

    @property
    def changes(self) -> list[Position]:
        """The key figures reported both years, for "what changed since last year"."""
        return [p for p in self.positions if p.value is not None and p.last_year is not None]


def briefing(cycle: Cycle, agency: Agency, locale: str) -> Briefing | None:
    dataset = dataset_of(cycle)
    own = dataset.of(agency.org_number)
    if own is None:
        return None
    previous = published_cycle(cycle.year - 1)  # last year counts only if it is published
    last = dataset_of(previous) if previous is not None else None
    last_own = last.of(agency.org_number) if last is not None else None
    areas_last = maturity(last, agency.org_number, locale) if last_own is not None else []
    return Briefing(
        cycle=cycle,
        previous=previous,
        dataset=dataset,
        own=own,
        positions=agency_position(dataset, agency.org_number, last),
        areas=maturity(dataset, agency.org_number, locale),
        areas_last_year={a.code: a.current for a in areas_last},
        projects=own["projects"],
        portfolio=portfolio(own["projects"]),
        projects_last_year=len(last_own["projects"]) if last_own is not None else None,
        observation=observation_of(cycle, agency),
    )


def observation_of(cycle: Cycle, agency: Agency) -> MinistryObservation | None:
    return db.session.scalar(
        select(MinistryObservation).where(
            MinistryObservation.cycle_id == cycle.id, MinistryObservation.agency_id == agency.id
        )
    )
