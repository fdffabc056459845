import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.accounts.org_number import (
    InvalidOrgNumber,
    luhn_ok,
    normalise_org_number,
    with_check_digit,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("202100-5489", "202100-5489"),  # Ekonomistyrningsverket
        ("2021005448", "202100-5448"),  # Skatteverket, without hyphen
        (" 202100 2932 ", "202100-2932"),  # Uppsala universitet, spaces
    ],
)
def test_real_agency_numbers_are_accepted_and_normalised(raw, expected):
    assert normalise_org_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("202100-5488", "check_digit"),
        ("202100-548", "shape"),
        ("20210-05489", "shape"),
        ("abcdef-ghij", "shape"),
        ("", "shape"),
        ("811218-9876", "not_organisation"),  # a personal identity number's shape
    ],
)
def test_invalid_numbers_say_why(raw, reason):
    with pytest.raises(InvalidOrgNumber, match=reason):
        normalise_org_number(raw)


@given(st.from_regex(r"\A[0-9]{2}[2-9][0-9]{6}\Z"))
def test_completing_nine_digits_always_gives_a_valid_number(first_nine):
    number = with_check_digit(first_nine)
    assert normalise_org_number(number) == number


@given(st.from_regex(r"\A[0-9]{10}\Z"), st.integers(1, 9))
def test_changing_the_check_digit_breaks_the_luhn_sum(digits, delta):
    changed = digits[:9] + str((int(digits[9]) + delta) % 10)
    assert not (luhn_ok(digits) and luhn_ok(changed))
