"""Realistic, consistent answers for the demo agencies: parts that add up, shares that make
sense for the peer group, and a few plausible outliers for the reviewers to find."""

import random
from datetime import date
from decimal import Decimal

from app.cycles.default_questionnaire import IT_COST_PARTS, MATURITY_AREAS
from workflows.vocabulary import Orientation, RiskLevel

# Shares of the IT cost per part, roughly as Swedish agencies report them.
PART_WEIGHTS = [0.34, 0.16, 0.24, 0.07, 0.11, 0.03, 0.02, 0.03]
SIZE = {
    "esam": (900_000, 9_000_000),
    "higher_education": (700_000, 7_000_000),
    "other": (80_000, 900_000),
}


def _split(total: int, weights: list[float], noise: random.Random) -> list[int]:
    raw = [total * w * noise.uniform(0.95, 1.05) for w in weights]
    scaled = [int(value * total / sum(raw)) for value in raw]
    scaled[0] += total - sum(scaled)  # the largest part takes the rounding
    return scaled


def _profile(rng: random.Random) -> dict:
    """What stays the same for an agency from year to year: how it spends on IT."""
    return {
        "parts": [w * rng.uniform(0.7, 1.3) for w in PART_WEIGHTS],
        "split": [w * rng.uniform(0.8, 1.2) for w in (0.62, 0.24, 0.14)],
        "investments": rng.uniform(0.05, 0.2),
    }


def _amounts(operating: int, it_total: int, profile: dict, noise: random.Random) -> dict:
    amounts = {
        "operating_cost": operating,
        "it_cost_total": it_total,
        "it_investments": int(it_total * profile["investments"] * noise.uniform(0.9, 1.1)),
    }
    amounts.update(zip(IT_COST_PARTS, _split(it_total, profile["parts"], noise), strict=True))
    run, improve, new = _split(it_total, profile["split"], noise)
    amounts.update(it_cost_run=run, it_cost_improve=improve, it_cost_new=new)
    return amounts


def demo_answers(org_number: str, peer_group: str, year: int) -> dict[str, str]:
    """Form values (as an agency would type them) for one agency and one year."""
    rng = random.Random(f"{org_number}-base")
    low, high = SIZE[peer_group]
    operating = rng.randint(low, high)
    it_share = rng.uniform(0.07, 0.19)
    growth = 1 + rng.uniform(-0.05, 0.08) * (year - 2025)
    yearly = random.Random(f"{org_number}-{year}")
    if year > 2025 and int(org_number[-3:]) % 9 == 0:
        growth *= 1.45  # an outlier: a large new investment, worth a question
    operating = int(operating * (1 + 0.03 * (year - 2025)))
    it_total = int(operating * it_share * growth)
    form = {}
    profile = _profile(rng)
    for period, scale in (("outcome", 1.0), ("forecast", 1.03)):
        amounts = _amounts(int(operating * scale), int(it_total * scale), profile, yearly)
        form.update({f"{code}--{period}": _swedish(value) for code, value in amounts.items()})
    users = max(int(operating / rng.uniform(900, 1400)), 20)
    people = {
        "users": users,
        "workstations": int(users * rng.uniform(1.0, 1.3)),
        "internal_it_staff": round(users * rng.uniform(0.04, 0.08), 1),
        "hired_it_staff": round(users * rng.uniform(0.01, 0.04), 1),
    }
    form.update({f"{code}--outcome": _swedish(value) for code, value in people.items()})
    form["workstation_cost_direction--outcome"] = rng.choice(["stay", "fall", "rise"])
    for area, *_ in MATURITY_AREAS:
        current = rng.randint(2, 5) + (1 if year > 2025 and rng.random() < 0.3 else 0)
        form[f"maturity_{area}_current--outcome"] = str(current)
        form[f"maturity_{area}_target--outcome"] = str(min(current + rng.randint(0, 2), 7))
    return form


def _swedish(value) -> str:
    return f"{Decimal(str(value)):,}".replace(",", " ").replace(".", ",")


PROJECT_NAMES = [
    ("Nytt ärendehanteringssystem", "Ersätter tre äldre system för ärendehandläggning."),
    ("Digital brevlåda och e-tjänster", "Fler ärenden ska kunna lämnas och följas digitalt."),
    ("Flytt till gemensam molnplattform", "Drift flyttas till en statlig molntjänst."),
    ("Automatiserad handläggning", "Regelstyrda beslut fattas automatiskt där det är möjligt."),
    ("Informationsförsörjning och datadelning", "Data delas med andra myndigheter via API."),
]


def demo_projects(org_number: str, budget_scale: int, first_year: int = 2025) -> list[dict]:
    """Zero to three strategic projects for an agency, as the form would receive them, started
    in the few years up to the agency's first reported cycle."""
    rng = random.Random(f"{org_number}-projects")
    chosen = rng.sample(PROJECT_NAMES, rng.randint(0, 3))
    projects = []
    for name, description in chosen:
        budget = int(budget_scale * rng.uniform(0.02, 0.12))
        start = date(first_year - 2 + rng.randint(0, 2), rng.randint(1, 12), 1)
        projects.append(
            {
                "name": name,
                "description": description,
                "orientation": rng.choice([o.value for o in Orientation]),
                "status": "ongoing",
                "start_date": start,
                "end_date": date(start.year + rng.randint(2, 4), 6, 30),
                "budget": Decimal(budget),
                "cost_to_date": Decimal(int(budget * rng.uniform(0.1, 0.6))),
                "forecast_at_completion": Decimal(int(budget * rng.uniform(0.95, 1.3))),
                "collaboration": "",
                "risk_benefits": rng.choice(RISKS),
                "risk_budget": rng.choice(RISKS),
                "risk_time": rng.choice(RISKS),
                "benefits_analysed": rng.random() < 0.8,
                "benefits_plan": rng.random() < 0.6,
                "benefits_owner": rng.random() < 0.5,
                "expected_benefits": "Kortare handläggningstider och lägre förvaltningskostnad.",
                "benefit_measure": "Genomsnittlig handläggningstid i dagar",
                "benefit_target": "Minska med 30 procent",
                "realised_benefits": "",
            }
        )
    return projects


RISKS = tuple(level.value for level in RiskLevel)


# The benefits a demo project may register: (name, stakeholder, kind, goal, indicator, unit,
# baseline, target, amount in tkr a year as a share of the budget or None).
BENEFIT_TEMPLATES = [
    (
        "Kortare handläggningstid",
        "Sökande medborgare och företag",
        "economic",
        "En effektiv och rättssäker handläggning",
        "Genomsnittlig handläggningstid",
        "dagar",
        30,
        18,
        0.08,
    ),
    (
        "Frigjord arbetstid i handläggningen",
        "Myndighetens handläggare",
        "economic",
        "Resurser flyttas från administration till kärnverksamhet",
        "Frigjorda årsarbetskrafter",
        "årsarbetskrafter",
        0,
        12,
        0.12,
    ),
    (
        "Fler ärenden digitalt",
        "Medborgare",
        "qualitative",
        "Digitalt först i kontakterna med myndigheten",
        "Andel ärenden som kommer in digitalt",
        "procent",
        45,
        85,
        None,
    ),
    (
        "Lägre driftkostnad",
        "Myndighetens ekonomifunktion",
        "economic",
        "God hushållning med statens medel",
        "Årlig driftkostnad för systemen",
        "tkr",
        9000,
        6500,
        0.05,
    ),
    (
        "Nöjdare användare",
        "Myndighetens medarbetare",
        "qualitative",
        "En attraktiv arbetsgivare med goda verktyg",
        "Nöjd medarbetarindex för verksamhetsstödet",
        "index",
        58,
        72,
        None,
    ),
]
OWNERS = ["Avdelningschef för verksamhetsstöd", "Enhetschef för handläggning", "Ekonomichef"]


def demo_benefits(project: dict, budget: int) -> list[dict]:
    """One to three benefits of a demo project, as the benefit form would receive them; the
    first is the main one, most have an owner and a target year after the project ends."""
    rng = random.Random(f"{project['name']}-{budget}-benefits")
    chosen = rng.sample(BENEFIT_TEMPLATES, rng.randint(1, 3))
    benefits = []
    for index, (name, who, kind, goal, indicator, unit, before, target, share) in enumerate(chosen):
        benefits.append(
            {
                "name": name,
                "stakeholder": who,
                "kind": kind,
                "goal": goal,
                "indicator": indicator,
                "unit": unit,
                "baseline_value": Decimal(before),
                "baseline_date": project["start_date"],
                "target_value": Decimal(target),
                "target_year": project["end_date"].year + rng.randint(0, 2),
                "owner": rng.choice(OWNERS) if rng.random() < 0.75 else "",
                "is_main": index == 0,
                "amount": Decimal(max(1, int(budget * share))) if share else None,
                "budget_affecting": bool(share) and rng.random() < 0.5,
                "realised_value": None,
                "realised_amount": None,
                "status": "at_risk" if rng.random() < 0.15 else "on_track",
                "status_reason": "",
            }
        )
    for benefit in benefits:
        if benefit["status"] == "at_risk":
            benefit["status_reason"] = "Införandet i linjen har inte fått resurser."
    return benefits


def benefit_progress(benefit: dict, year: int, started: int) -> dict:
    """A benefit's realisation in `year`, moving from its baseline towards its target over the
    years up to its target year: some reach it, some fall behind, a few are abandoned."""
    rng = random.Random(f"{benefit['name']}-{benefit['baseline_date']}-{year}")
    span = max(1, benefit["target_year"] - started)
    share = min(Decimal(1), Decimal(year - started) / span)
    before, target = benefit["baseline_value"], benefit["target_value"]
    pace = Decimal(str(round(rng.uniform(0.55, 1.1), 2)))
    progress = {**benefit}
    progress["realised_value"] = (before + (target - before) * share * pace).quantize(
        Decimal("0.01")
    )
    if benefit["amount"] is not None:
        progress["realised_amount"] = (benefit["amount"] * share * pace).quantize(Decimal(1))
    draw = rng.random()
    if share >= 1 and draw < 0.6:
        progress.update(status="realised", realised_value=target, status_reason="")
    elif draw < 0.08:
        progress.update(status="abandoned", status_reason="Verksamheten ändrade inriktning.")
    elif draw < 0.3:
        progress.update(status="at_risk", status_reason="Besparingen har inte tagits hem.")
    else:
        progress.update(status="on_track", status_reason="")
    return progress
