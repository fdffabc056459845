from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.swedish_numbers import NotANumber, format_swedish_number, parse_swedish_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234 567", "1234567"),
        ("1\u00a0234\u00a0567", "1234567"),  # no-break spaces, as Swedish formatting writes
        ("1 234,5", "1234.5"),
        ("1234,5", "1234.5"),
        ("1 234 567 kr", "1234567"),
        ("850 tkr", "850"),
        ("-12", "-12"),
        ("\u221212,75", "-12.75"),  # the typographic minus sign
        ("0,5", "0.5"),
        ("1234.5", "1234.5"),  # a decimal point from an English spreadsheet
        ("42 %", "42"),
    ],
)
def test_accepted_formats(text, expected):
    assert parse_swedish_number(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("12 34", "grouping"),
        ("1 2345", "grouping"),
        ("1.234", "ambiguous_dot"),  # thousands dot or decimal point? we do not guess
        ("1.234.567", "ambiguous_dot"),
        ("1,2,3", "characters"),
        ("12a", "words"),
        ("NaN", "words"),
        ("Infinity", "words"),
        ("1e6", "words"),
        ("<script>", "words"),
        ("1/2", "characters"),
        # Words are not a grouping mistake: the advice says to write digits.
        ("tja 500 miljoner", "words"),
        ("12 milj", "words"),
        ("ca 37 000", "words"),
        ("elva tusen", "words"),
        ("37 000 kronor", "words"),
    ],
)
def test_refused_with_a_reason(text, reason):
    with pytest.raises(NotANumber) as refused:
        parse_swedish_number(text)
    assert refused.value.reason == reason


@given(
    st.decimals(
        min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False
    )
)
def test_format_then_parse_round_trips(value):
    assert parse_swedish_number(format_swedish_number(value)) == value


@given(st.integers(min_value=0, max_value=10**12))
def test_formatted_integers_group_thousands_with_no_break_spaces(value):
    text = format_swedish_number(value)
    assert text.replace("\u00a0", "") == str(value)
    assert all(len(group) == 3 for group in text.split("\u00a0")[1:])
