"""One project across cycles: the chain of its yearly rows (each carried over from the one
before), with budget, end date, re-baselines and each benefit's values year by year. The
chain is read with two recursive queries, so a long-lived project costs no more queries than
a new one."""

from dataclasses import dataclass, field

from sqlalchemy import select

from app.cycles.models import Cycle
from app.extensions import db
from app.submissions.models import Benefit, Project, ProjectBaselineChange, Submission


@dataclass
class BenefitLine:
    """One benefit followed across the chain: its latest register entry, and its row of each
    year, keyed by the cycle's year."""

    latest: Benefit
    years: dict[int, Benefit] = field(default_factory=dict)


@dataclass
class Timeline:
    years: list[int]
    projects: dict[int, Project]  # by the cycle's year
    rebaselines: list[ProjectBaselineChange]
    benefits: list[BenefitLine]


def _chain_ids(project_id: int) -> set[int]:
    """The project's row and every row it was carried from or into."""
    back = (
        select(Project.id, Project.carried_from_id)
        .where(Project.id == project_id)
        .cte("back", recursive=True)
    )
    back = back.union_all(
        select(Project.id, Project.carried_from_id).join(back, Project.id == back.c.carried_from_id)
    )
    ahead = select(Project.id).where(Project.id == project_id).cte("ahead", recursive=True)
    ahead = ahead.union_all(select(Project.id).join(ahead, Project.carried_from_id == ahead.c.id))
    earlier = set(db.session.scalars(select(back.c.id)))
    return earlier | set(db.session.scalars(select(ahead.c.id)))


def timeline_of(project: Project, agency_id: int) -> Timeline:
    rows = db.session.execute(
        select(Project, Cycle.year)
        .join(Submission, Project.submission_id == Submission.id)
        .join(Cycle, Submission.cycle_id == Cycle.id)
        .where(Project.id.in_(_chain_ids(project.id)), Submission.agency_id == agency_id)
        .order_by(Cycle.year)
    ).all()
    projects = {year: row for row, year in rows}
    latest = projects[max(projects)]
    return Timeline(
        years=sorted(projects),
        projects=projects,
        rebaselines=list(latest.baseline_changes),
        benefits=_benefit_lines(projects),
    )


def _benefit_lines(projects: dict[int, Project]) -> list[BenefitLine]:
    """Group each year's benefit rows by the benefit they continue (the first row of its
    chain), in the order the benefits were first registered."""
    first_of: dict[int, int] = {}
    lines: dict[int, BenefitLine] = {}
    for year in sorted(projects):
        for benefit in projects[year].benefits:
            origin = first_of.get(benefit.carried_from_id or -1, benefit.id)
            first_of[benefit.id] = origin
            line = lines.setdefault(origin, BenefitLine(latest=benefit))
            line.latest = benefit
            line.years[year] = benefit
    return list(lines.values())
