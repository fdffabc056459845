"""Numbers as Swedes write them: "1 234 567,5", "1234,5", "1 234 567 kr", "−12".

Parsing is strict where a mistake would be silent: spaces must group thousands, and "1.234"
(a thousands dot or a decimal point?) is refused rather than guessed.
"""

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from app.number_format import format_number

_SPACES = "\u00a0\u202f\u2009 "
_UNIT = re.compile(r"\s*(kr|tkr|sek|kkr|%)\.?$", re.IGNORECASE)
_GROUPED = re.compile(r"^\d{1,3}( \d{3})+$")


# What each reason of NotANumber says next to the field.
NOT_A_NUMBER_TEXT = {
    "words": _l(
        "Enter the figure in digits, for example 480 000, without words such as “milj” or “ca”."
    ),
    "grouping": _l("Group thousands in threes, as in 1 234 567, or leave out the spaces."),
    "ambiguous_dot": _l("Use a decimal comma, as in 1234,5: a dot could also group thousands."),
    "characters": _l("Enter a number, for example 1 234 567 or 1234,5."),
    "empty": _l("Enter a number."),
}


class NotANumber(ValueError):
    """The text is not a number; `reason` says why, for the message next to the field."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def parse_swedish_number(text: str) -> Decimal:
    raw = (text or "").strip()
    if not raw:
        raise NotANumber("empty")
    raw = _UNIT.sub("", raw)
    if any(character.isalpha() for character in raw):
        raise NotANumber("words")  # "12 milj", "ca 37 000", "elva tusen": not a grouping error
    for space in _SPACES:
        raw = raw.replace(space, " ")
    sign = ""
    if raw[:1] in ("-", "\u2212"):
        sign, raw = "-", raw[1:].strip()
    integer, decimals = _split_decimals(raw)
    if " " in integer:
        if not _GROUPED.match(integer):
            raise NotANumber("grouping")
        integer = integer.replace(" ", "")
    if not integer.isdigit() or (decimals and not decimals.isdigit()):
        raise NotANumber("characters")
    try:
        return Decimal(f"{sign}{integer}.{decimals or 0}")
    except InvalidOperation:  # pragma: no cover - the checks above leave only digits
        raise NotANumber("characters") from None


def _split_decimals(raw: str) -> tuple[str, str]:
    if "," in raw:
        if raw.count(",") > 1 or "." in raw:
            raise NotANumber("characters")
        integer, decimals = raw.split(",")
        return integer.strip(), decimals.strip()
    if "." in raw:
        integer, _, decimals = raw.partition(".")
        if raw.count(".") > 1 or " " in raw or len(decimals) == 3:
            raise NotANumber("ambiguous_dot")
        return integer, decimals
    return raw, ""


def format_swedish_number(value: Decimal | int | float | None, decimals: int = 2) -> str:
    """Swedish grouping and decimal comma, at most `decimals` decimals, trailing zeros dropped."""
    if value is None:
        return ""
    try:
        return format_number(Decimal(value), "sv_SE", decimals)
    except InvalidOperation:  # more digits than the decimal context holds: shown as they are
        return str(value)
