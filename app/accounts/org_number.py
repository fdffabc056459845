"""Swedish organisation numbers (organisationsnummer): NNNNNN-NNNN with a Luhn check digit."""

import re

_SHAPE = re.compile(r"^(\d{6})-?(\d{4})$")


class InvalidOrgNumber(ValueError):
    pass


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(digits):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return total % 10 == 0


def normalise_org_number(raw: str) -> str:
    """Return the number as NNNNNN-NNNN or raise InvalidOrgNumber with the reason."""
    text = (raw or "").strip().replace(" ", "")
    match = _SHAPE.match(text)
    if not match:
        raise InvalidOrgNumber("shape")
    digits = match.group(1) + match.group(2)
    # The third digit of a legal person's number is at least 2; lower ones are personal
    # identity numbers (a month), which an agency never has.
    if int(digits[2]) < 2:
        raise InvalidOrgNumber("not_organisation")
    if not luhn_ok(digits):
        raise InvalidOrgNumber("check_digit")
    return f"{digits[:6]}-{digits[6:]}"


def with_check_digit(first_nine: str) -> str:
    """Complete nine digits with their check digit (for demo data and tests)."""
    for last in "0123456789":
        if luhn_ok(first_nine + last):
            return f"{first_nine[:6]}-{first_nine[6:]}{last}"
    raise AssertionError("unreachable: one digit always completes a Luhn number")
