"""The follow-up of benefits realisation, from a cycle's dataset (its JSON form, like every
other result): for the ongoing projects, the shares that identified, analysed, planned and
own their benefits, whose main benefit is economic or qualitative, and whose budget or
schedule was revised — overall and per peer group; each agency's planned against realised
benefits; realised economic benefits against the projects' costs. Computed once per dataset.
A dataset frozen before the benefit register has projects without benefits: it reads as
none identified."""

from dataclasses import dataclass, field
from decimal import Decimal

from app.reports.analysis import Dataset
from workflows.vocabulary import BenefitKind, BenefitStatus, ProjectStatus

RUNNING = (ProjectStatus.ONGOING, ProjectStatus.REORIENTING)


def _number(value) -> Decimal:
    return Decimal(value) if value is not None else Decimal(0)


def _share(part: int, whole: int) -> Decimal | None:
    return Decimal(part) * 100 / whole if whole else None


@dataclass
class FollowUp:
    """The follow-up figures of a set of ongoing projects, as counts; shares on demand."""

    projects: int = 0
    identified: int = 0
    analysed: int = 0
    planned: int = 0
    owned: int = 0
    main_economic: int = 0
    main_qualitative: int = 0
    revised_budget: int = 0
    revised_schedule: int = 0

    def share(self, name: str) -> Decimal | None:
        return _share(getattr(self, name), self.projects)

    def add(self, project: dict) -> None:
        benefits = project.get("benefits", [])
        self.projects += 1
        self.identified += bool(benefits)
        self.analysed += bool(project["benefits_analysed"])
        self.planned += bool(project["benefits_plan"])
        self.owned += bool(benefits) and all(b["owner"] for b in benefits)
        main = next((b for b in benefits if b["is_main"]), None)
        if main is not None:
            self.main_economic += main["kind"] == BenefitKind.ECONOMIC
            self.main_qualitative += main["kind"] == BenefitKind.QUALITATIVE
        fields = {r["field"] for r in project["rebaselines"]}
        self.revised_budget += "budget" in fields
        self.revised_schedule += "end_date" in fields


FOLLOW_UP_ROWS = (
    "identified",
    "analysed",
    "planned",
    "owned",
    "main_economic",
    "main_qualitative",
    "revised_budget",
    "revised_schedule",
)


@dataclass
class Realisation:
    """Planned against realised benefits of one agency (or all): every benefit reported this
    cycle, whether or not its project still runs."""

    name: str = ""
    benefits: int = 0
    realised: int = 0
    at_risk: int = 0
    abandoned: int = 0
    after_end: int = 0  # followed after their project ended
    planned_amount: Decimal = Decimal(0)  # economic benefits, tkr a year
    realised_amount: Decimal = Decimal(0)
    project_cost: Decimal = Decimal(0)  # forecast at completion of the projects with benefits

    @property
    def realised_share(self) -> Decimal | None:
        return _share(self.realised, self.benefits)

    @property
    def amount_share(self) -> Decimal | None:
        if not self.planned_amount:
            return None
        return self.realised_amount * 100 / self.planned_amount

    @property
    def against_cost(self) -> Decimal | None:
        """Realised economic benefits a year as a share of what the projects cost."""
        return self.realised_amount * 100 / self.project_cost if self.project_cost else None

    def add(self, project: dict) -> None:
        benefits = project.get("benefits", [])
        if not benefits:
            return
        self.project_cost += _number(project["forecast_at_completion"])
        ended = project["status"] not in RUNNING
        for benefit in benefits:
            self.benefits += 1
            self.realised += benefit["status"] == BenefitStatus.REALISED
            self.at_risk += benefit["status"] == BenefitStatus.AT_RISK
            self.abandoned += benefit["status"] == BenefitStatus.ABANDONED
            self.after_end += ended
            if benefit["kind"] == BenefitKind.ECONOMIC:
                self.planned_amount += _number(benefit["amount"])
                self.realised_amount += _number(benefit["realised_amount"])


@dataclass
class BenefitResults:
    overall: FollowUp
    groups: list[tuple[str, FollowUp]]  # (peer group name, its figures), groups with projects
    agencies: list[Realisation] = field(default_factory=list)  # with benefits, by name
    total: Realisation = field(default_factory=Realisation)


def _compute(dataset: Dataset, groups: dict[str, str]) -> BenefitResults:
    overall, per_group = FollowUp(), {code: FollowUp() for code in groups}
    total, agencies = Realisation(), []
    for submission in dataset.submissions:
        agency = Realisation(name=submission["agency"]["name"])
        group = per_group.setdefault(submission["agency"]["peer_group"], FollowUp())
        for project in submission["projects"]:
            if project["status"] in RUNNING:
                overall.add(project)
                group.add(project)
            agency.add(project)
            total.add(project)
        if agency.benefits:
            agencies.append(agency)
    agencies.sort(key=lambda a: a.name)
    named = [(groups.get(code, code), f) for code, f in per_group.items() if f.projects]
    return BenefitResults(overall, named, agencies, total)


def benefit_results(dataset: Dataset, groups: dict[str, str]) -> BenefitResults:
    """Once per dataset (and language of the group names)."""
    key = ("benefits", tuple(groups.items()))
    return dataset.memo(key, lambda: _compute(dataset, groups))


def agency_realisation(dataset: Dataset, org_number: str) -> Realisation | None:
    own = dataset.of(org_number)
    if own is None:
        return None
    result = Realisation(name=own["agency"]["name"])
    for project in own["projects"]:
        result.add(project)
    return result
