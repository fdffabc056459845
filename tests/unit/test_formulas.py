"""The key figures' formula language (workflows/formulas.py): what it reads, what it refuses,
and — by property — that it computes what exact arithmetic computes, never runs code, and
reads back what it writes."""

import contextlib
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.cycles.default_questionnaire import ITEMS, KEY_FIGURES
from workflows.formulas import (
    MAX_LENGTH,
    FormulaError,
    Item,
    Negative,
    Number,
    Operation,
    evaluate,
    names,
    parse,
    render,
)

D = Decimal


def test_a_share_reads_its_items_and_computes_in_decimal():
    formula = parse("it_cost_total * 100 / operating_cost")
    assert names(formula) == {"it_cost_total", "operating_cost"}
    assert evaluate(formula, {"it_cost_total": D("187500"), "operating_cost": D("1250000")}) == 15


def test_a_decimal_written_in_the_formula_is_exact():
    assert evaluate(parse("0.1 + 0.2"), {}) == D("0.3")


def test_a_missing_value_or_a_division_by_zero_is_not_computable():
    formula = parse("a / (b - c)")
    assert evaluate(formula, {"a": D(1), "b": D(2)}) is None
    assert evaluate(formula, {"a": D(1), "b": D(2), "c": D(2)}) is None
    assert evaluate(formula, {"a": D(1), "b": D(3), "c": D(2)}) == 1


@pytest.mark.parametrize(
    "text, reason",
    [
        ("__import__('os').system('true')", "not_allowed"),
        ("users.__class__", "not_allowed"),
        ("users[0]", "not_allowed"),
        ("max(users, 1)", "not_allowed"),
        ("users ** 2", "not_allowed"),
        ("users // 2", "not_allowed"),
        ("users if users else 1", "not_allowed"),
        ("lambda: 1", "not_allowed"),
        ("users > 1", "not_allowed"),
        ("'text'", "not_allowed"),
        ("True", "not_allowed"),
        ("1j", "not_allowed"),
        ("Users", "bad_name"),
        ("_users", "bad_name"),
        ("users +", "syntax"),
        ("users; 1", "syntax"),
        ("", "empty"),
        ("  ", "empty"),
        ("1e999", "bad_number"),
        ("x" * (MAX_LENGTH + 1), "too_long"),
        ("(" * 40 + "1" + ")" * 40, "too_deep"),
        ("-" * 100 + "1", "too_deep"),
    ],
)
def test_anything_outside_the_language_is_refused_with_a_reason(text, reason):
    with pytest.raises(FormulaError) as refused:
        parse(text)
    assert refused.value.reason == reason


def test_every_default_key_figure_is_in_the_language_and_reads_only_numeric_items():
    numeric = {i["code"] for i in ITEMS if i["kind"] in ("amount", "count", "fte", "percent")}
    for figure in KEY_FIGURES:
        assert names(parse(figure["formula"])) <= numeric, figure["code"]


# Property tests: random trees of the language, compared with exact arithmetic.

CODES = st.sampled_from(["a", "b", "c", "it_cost_total"])
NUMBERS = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False)
LEAVES = st.one_of(NUMBERS.map(Number), CODES.map(Item))
TREES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        inner.map(Negative),
        st.tuples(st.sampled_from("+-*/"), inner, inner).map(lambda t: Operation(*t)),
    ),
    max_leaves=12,
)
VALUES = st.fixed_dictionaries(
    {},
    optional={
        code: st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False)
        for code in ("a", "b", "c", "it_cost_total")
    },
)


def _exact(node, values):
    """The same tree in fractions: the reference the Decimal evaluation must approximate."""
    if isinstance(node, Number):
        return Fraction(node.value)
    if isinstance(node, Item):
        value = values.get(node.code)
        return None if value is None else Fraction(value)
    if isinstance(node, Negative):
        operand = _exact(node.operand, values)
        return None if operand is None else -operand
    left, right = _exact(node.left, values), _exact(node.right, values)
    if left is None or right is None:
        return None
    if node.operator == "/":
        return None if right == 0 else left / right
    return {"+": left + right, "-": left - right, "*": left * right}[node.operator]


@settings(max_examples=300, deadline=None)
@given(TREES)
def test_a_formula_written_back_reads_as_the_same_tree(tree):
    assert parse(render(tree)) == tree


@settings(max_examples=300, deadline=None)
@given(TREES, VALUES)
def test_evaluation_agrees_with_exact_arithmetic(tree, values):
    computed, exact = evaluate(tree, values), _exact(tree, values)
    if exact is None:
        # Not computable exactly means not computable in Decimal either, except where a
        # divisor rounds to zero in 28 digits (then Decimal is the one that gives up).
        assert computed is None
        return
    if computed is None:
        return  # a divisor that is zero only after rounding, or beyond Decimal's range
    tolerance = max(abs(exact), Fraction(1)) * Fraction(1, 10**20)
    assert abs(Fraction(computed) - exact) <= tolerance or abs(exact) > 10**40


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=80))
def test_any_text_is_either_a_formula_or_refused_with_a_reason(text):
    try:
        tree = parse(text)
    except FormulaError as refused:
        assert refused.reason
        return
    # What is accepted evaluates without running anything: on no values it is a number
    # (a formula of numbers only) or not computable.
    result = evaluate(tree, {})
    assert result is None or isinstance(result, Decimal)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "1", "2.5", "+", "-", "*", "/", "(", ")", " ", "b", "."]),
        max_size=30,
    )
)
def test_near_formulas_are_parsed_or_refused_never_crash(tokens):
    with contextlib.suppress(FormulaError):
        parse("".join(tokens))
