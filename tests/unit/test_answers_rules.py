"""The checks of workflows/answers.py on a worked example, without a database."""

from decimal import ROUND_HALF_UP, Decimal

from app.cycles.default_questionnaire import KEY_FIGURES
from workflows.answers import (
    FORECAST,
    OUTCOME,
    ItemSpec,
    KeyFigureSpec,
    RuleSpec,
    change_thresholds,
    check_answers,
    key_figures,
    plausibility,
)
from workflows.formulas import parse

D = Decimal
PARTS = (
    "it_cost_internal_staff",
    "it_cost_consultants",
    "it_cost_outsourced",
    "it_cost_hardware",
    "it_cost_software",
    "it_cost_telephony",
    "it_cost_storage",
    "it_cost_other",
)

# The worked example: an agency with 1 250 000 tkr operating cost (all amounts in tkr).
WORKED = {
    "operating_cost": "1250000",
    "it_cost_total": "187500",
    "it_investments": "18750",
    "it_cost_internal_staff": "62000",
    "it_cost_consultants": "31500",
    "it_cost_outsourced": "45000",
    "it_cost_hardware": "14000",
    "it_cost_software": "22000",
    "it_cost_telephony": "5500",
    "it_cost_storage": "2500",
    "it_cost_other": "5000",
    "it_cost_run": "120000",
    "it_cost_improve": "45000",
    "it_cost_new": "22500",
    "users": "2400",
    "workstations": "2600",
    "internal_it_staff": "85",
    "hired_it_staff": "35",
}


# The default questionnaire's key figures, as every cycle gets them: data, not code.
DEFAULT_FIGURES = [KeyFigureSpec(f["code"], parse(f["formula"])) for f in KEY_FIGURES]


def _answers(values=WORKED, period=OUTCOME):
    return {(code, period): D(value) for code, value in values.items()}


def _öre(value):
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def test_key_figures_of_the_worked_example_to_the_öre():
    figures = {
        code: _öre(value) for code, value in key_figures(_answers(), DEFAULT_FIGURES).items()
    }
    assert figures == {
        "it_cost_share": D("15.00"),  # 187 500 / 1 250 000
        "it_investment_share": D("1.50"),  # 18 750 / 1 250 000
        "hired_staff_share": D("29.17"),  # 35 / (85 + 35)
        "it_cost_per_user": D("78125.00"),  # 187 500 000 kr / 2 400 users
        "outsourced_share": D("24.00"),  # 45 000 / 187 500
        "cost_per_workstation": D("72115.38"),  # 187 500 000 kr / 2 600
        "telephony_per_user": D("2291.67"),  # 5 500 000 kr / 2 400
        "run_share": D("64.00"),
        "improve_share": D("24.00"),
        "new_share": D("12.00"),
    }


def test_a_ratio_over_zero_is_not_computable():
    figures = key_figures(
        _answers({**WORKED, "operating_cost": "0", "users": "0"}), DEFAULT_FIGURES
    )
    assert figures["it_cost_share"] is None and figures["it_cost_per_user"] is None
    assert figures["outsourced_share"] == D(24)


ITEMS = [
    ItemSpec(code, "amount", has_forecast=True, min_value=D(0))
    for code in ("operating_cost", "it_cost_total", *PARTS)
]
SUM = RuleSpec("it_cost_parts", "sum", "it_cost_total", PARTS)


def test_parts_that_do_not_add_up_are_an_error_with_the_difference():
    answers = _answers({**WORKED, "it_cost_other": "5400"})
    findings = check_answers(ITEMS, [SUM], answers, complete=False)
    assert [(f.code, f.item, f.params["difference"]) for f in findings] == [
        ("sum_mismatch", "it_cost_total", D(400))
    ]


def test_half_a_tkr_of_rounding_is_tolerated():
    answers = _answers({**WORKED, "it_cost_other": "5000.5"})
    assert check_answers(ITEMS, [SUM], answers, complete=False) == []


def test_a_complete_check_names_every_missing_required_answer_per_period():
    findings = check_answers(ITEMS[:1], [], {("operating_cost", OUTCOME): D(1)})
    assert [(f.code, f.item, f.period) for f in findings] == [
        ("required", "operating_cost", FORECAST)
    ]


def test_field_rules():
    level = ItemSpec("maturity_x_current", "level", min_value=D(1), max_value=D(7))
    count = ItemSpec("users", "count", min_value=D(0))
    choice = ItemSpec("direction", "choice", choices=("stay", "rise", "fall"))
    findings = check_answers(
        [level, count, choice],
        [],
        {
            ("maturity_x_current", OUTCOME): D(8),
            ("users", OUTCOME): D("2.5"),
            ("direction", OUTCOME): "sideways",
        },
        complete=False,
    )
    assert [f.code for f in findings] == ["above_max", "whole_number", "not_a_choice"]
    negative = check_answers(ITEMS[:1], [], {("operating_cost", OUTCOME): D(-1)}, complete=False)
    assert [f.code for f in negative] == ["below_min"]


AMBITION = RuleSpec(
    "maturity_x_ambition",
    "at_least",
    "maturity_x_target",
    ("maturity_x_current", "maturity_x_comment"),
)


def test_a_target_below_the_current_level_needs_an_explanation():
    answers = {("maturity_x_current", OUTCOME): D(5), ("maturity_x_target", OUTCOME): D(3)}
    assert [f.code for f in check_answers([], [AMBITION], answers)] == ["below_reference"]
    answers[("maturity_x_comment", OUTCOME)] = "Vi lägger ned verksamheten."
    assert check_answers([], [AMBITION], answers) == []


def test_plausibility_warns_on_large_changes_and_outlying_key_figures():
    now = _answers({**WORKED, "it_cost_total": "187500"})
    last_year = _answers({**WORKED, "it_cost_total": "100000", "operating_cost": "1200000"})
    items = [ItemSpec("it_cost_total", "amount"), ItemSpec("operating_cost", "amount")]
    warnings = plausibility(
        items, now, last_year, key_figures(now, DEFAULT_FIGURES), {"it_cost_share": (D(2), D(12))}
    )
    assert [(w.code, w.item) for w in warnings] == [
        ("large_change", "it_cost_total"),
        ("outside_peers", "it_cost_share"),
    ]
    assert warnings[0].params["change"] == D("87.5")
    assert all(w.level == "warning" for w in warnings)


def test_a_change_threshold_rule_gives_an_item_its_own_limit_of_change():
    now = _answers({**WORKED, "it_cost_total": "187500", "operating_cost": "1250000"})
    last_year = _answers({**WORKED, "it_cost_total": "100000", "operating_cost": "1000000"})
    items = [ItemSpec("it_cost_total", "amount"), ItemSpec("operating_cost", "amount")]
    rules = [
        RuleSpec("total_moves", "change_threshold", "it_cost_total", ("100",)),
        RuleSpec("operating_is_steady", "change_threshold", "operating_cost", ("10",)),
    ]
    warnings = plausibility(items, now, last_year, {}, {}, D("0.30"), change_thresholds(rules))
    # +87.5 % is within its own 100 %; +25 % is beyond its own 10 % (the general 30 % is not).
    assert [(w.code, w.item) for w in warnings] == [("large_change", "operating_cost")]
    assert check_answers(items, rules, now) == []


def test_a_series_break_is_compared_with_nothing_from_last_year():
    now = _answers({**WORKED, "it_cost_total": "187500"})
    last_year = _answers({**WORKED, "it_cost_total": "100000"})
    items = [ItemSpec("it_cost_total", "amount")]
    figures = key_figures(now, DEFAULT_FIGURES)
    ranges = {"it_cost_share": (D(2), D(12))}
    breaks = frozenset({"it_cost_total", "it_cost_share"})
    assert plausibility(items, now, last_year, figures, ranges, D("0.30"), None, breaks) == []
