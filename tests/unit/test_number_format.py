"""The fast number formatter writes exactly what Babel's format_decimal writes, for every
pattern the pages use, in Swedish and English, on many values."""

from decimal import Decimal, InvalidOperation, localcontext

import pytest
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from app.number_format import _pattern, format_for_reader, format_number
from app.swedish_numbers import format_swedish_number

# (max decimals, min decimals): "#,##0", "#,##0.0", "#,##0.#", "#,##0.##", "#,##0.###"
PATTERNS = [(0, 0), (1, 1), (1, 0), (2, 0), (3, 0), (2, 2)]
LOCALES = ["sv", "sv_SE", "en"]

decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None) | st.decimals(
    min_value=-(10**12), max_value=10**12, allow_nan=False, allow_infinity=False, places=4
)
# Values at a rounding tie ("0,005", "2,5") and with many decimals are where a mistake shows.
ties = st.builds(
    lambda whole, places, sign: Decimal(f"{sign}{whole}.{'0' * places}5"),
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=3),
    st.sampled_from(["", "-"]),
)
numbers = decimals | ties | st.integers() | st.floats(allow_nan=False, allow_infinity=False)


def babel(value, locale, max_decimals, min_decimals):
    return format_decimal(value, _pattern(max_decimals, min_decimals), locale=locale)


@settings(max_examples=3000, deadline=None)
@given(numbers, st.sampled_from(LOCALES), st.sampled_from(PATTERNS))
def test_same_text_as_babel(value, locale, pattern):
    max_decimals, min_decimals = pattern
    try:
        expected = babel(value, locale, max_decimals, min_decimals)
    except InvalidOperation:
        with pytest.raises(InvalidOperation):
            format_number(value, locale, max_decimals, min_decimals)
        return
    assert format_number(value, locale, max_decimals, min_decimals) == expected


@pytest.mark.parametrize(
    "value",
    [
        Decimal("-0"),
        Decimal("-0.001"),
        -0.0,
        0,
        Decimal("0.005"),
        Decimal("0.015"),
        Decimal("1E+5"),
        Decimal("1E-12"),
        Decimal("123.4560"),
        Decimal("999.9999"),
        Decimal("-999999.995"),
        Decimal("1" * 40),  # more digits than the decimal context holds
        Decimal("Infinity"),
        Decimal("-Infinity"),
        1e300,
        10**30,
        7.000000000000001,
    ],
)
@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("locale", LOCALES)
def test_edges_as_babel(value, pattern, locale):
    try:
        expected = babel(value, locale, *pattern)
    except InvalidOperation:
        with pytest.raises(InvalidOperation):
            format_number(value, locale, *pattern)
        return
    assert format_number(value, locale, *pattern) == expected


def test_a_smaller_decimal_context_rounds_as_babel():
    with localcontext() as context:
        context.prec = 6
        for value in (Decimal("1234567.89"), Decimal("0.1234567"), Decimal("99999.95")):
            for pattern in PATTERNS:
                try:
                    expected = babel(value, "sv", *pattern)
                except InvalidOperation:
                    with pytest.raises(InvalidOperation):
                        format_number(value, "sv", *pattern)
                    continue
                assert format_number(value, "sv", *pattern) == expected


def test_swedish_number_is_babels_sv_se():
    for value in (Decimal("1234567.891"), Decimal("-12.5"), 40, Decimal("1" * 40)):
        try:
            expected = format_decimal(value, "#,##0.##", locale="sv_SE")
        except InvalidOperation:
            expected = str(value)
        assert format_swedish_number(value) == expected
    assert format_swedish_number(Decimal("1234.5678"), decimals=0) == "1\u00a0235"


def test_outside_a_request_the_reader_reads_swedish():
    assert format_for_reader(Decimal("1234.5"), 1, 1) == "1\u00a0234,5"
    assert format_for_reader(Decimal("1" * 40)) == "1" * 40


def test_a_forced_language_writes_its_own_numbers(app):
    from flask_babel import force_locale

    with app.test_request_context("/"):
        assert format_for_reader(Decimal("1234.5"), 1, 1) == "1\u00a0234,5"
        with force_locale("en"):
            assert format_for_reader(Decimal("1234.5"), 1, 1) == "1,234.5"
        assert format_for_reader(Decimal("1234.5"), 1, 1) == "1\u00a0234,5"


def test_a_value_written_before_is_written_the_same_whatever_its_form_sign_or_context():
    """The texts are kept by value: equal values in another form, the other zero and a
    smaller decimal context must each still get Babel's text."""
    pairs = [
        (Decimal("-0"), Decimal("0")),
        (Decimal("0"), Decimal("-0.000")),
        (Decimal("1.0"), Decimal("1.00")),
        (Decimal("1E+3"), Decimal("1000")),
        (Decimal("-2.5"), Decimal("-2.50")),
    ]
    for first, second in pairs:
        for locale in LOCALES:
            for pattern in PATTERNS:
                for value in (first, second, first):
                    assert format_number(value, locale, *pattern) == babel(value, locale, *pattern)
    value = Decimal("12345.65")  # "12 345,6" by default, "12 345,7" rounding half up
    assert format_number(value, "sv", 1, 1) == babel(value, "sv", 1, 1)
    with localcontext() as context:
        context.prec = 6
        context.rounding = "ROUND_HALF_UP"
        assert format_number(value, "sv", 1, 1) == babel(value, "sv", 1, 1)
