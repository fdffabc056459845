"""The plausibility of benefits, pure: beyond the target in the benefit's own direction, an
economic benefit worth more a year than the project costs, no owner once the project ended."""

from datetime import date
from decimal import Decimal

from workflows.benefits import BenefitFacts, benefit_id_of, benefit_item, benefit_warnings

TODAY = date(2027, 2, 1)


def facts(**changes) -> BenefitFacts:
    base = {
        "id": 7,
        "kind": "economic",
        "status": "on_track",
        "baseline_value": Decimal(30),
        "target_value": Decimal(12),  # a handling time: lower is better
        "realised_value": Decimal(20),
        "amount": Decimal(4500),
        "owner": "Enhetschef",
        "project_cost": Decimal(52000),
        "project_end": date(2027, 12, 31),
        "project_ended": False,
    }
    return BenefitFacts(**{**base, **changes})


def codes(*benefits) -> list[str]:
    return [finding.code for finding in benefit_warnings(list(benefits), TODAY)]


def test_a_plausible_benefit_has_no_warning():
    assert codes(facts()) == []


def test_beyond_the_target_follows_the_direction_of_the_benefit():
    assert codes(facts(realised_value=Decimal(10))) == ["beyond_target"]  # below a lower target
    assert codes(facts(realised_value=Decimal(12))) == []  # reached exactly
    rising = {"baseline_value": Decimal(60), "target_value": Decimal(75)}
    assert codes(facts(**rising, realised_value=Decimal(80))) == ["beyond_target"]
    assert codes(facts(**rising, realised_value=Decimal(70))) == []


def test_an_economic_benefit_above_the_projects_whole_cost():
    assert codes(facts(amount=Decimal(60000))) == ["benefit_above_cost"]
    assert codes(facts(kind="qualitative", amount=None)) == []


def test_no_owner_counts_only_once_the_project_has_ended():
    assert codes(facts(owner="")) == []
    assert codes(facts(owner=" ", project_ended=True)) == ["no_owner_after_end"]
    assert codes(facts(owner="", project_end=date(2026, 12, 31))) == ["no_owner_after_end"]


def test_an_abandoned_benefit_is_not_questioned_for_plausibility():
    assert codes(facts(status="abandoned", owner="", project_ended=True)) == []


def test_a_benefit_is_an_item_of_its_own():
    assert benefit_item(7) == "benefit:7" and benefit_id_of("benefit:7") == 7
    assert benefit_id_of("users") is None and benefit_id_of("benefit:x") is None
