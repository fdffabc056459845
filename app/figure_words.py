"""How figures and comparisons read, in the page's language.

One number format per unit, so a column of one unit never mixes "12" with "12,5"; a
difference said in the unit's own terms: maturity in levels ("+3 nivåer"), a share in
percentage points ("+2,5 procentenheter"), an amount or a count as a change in per cent;
a difference that rounds to nothing is "±0", never "-0"; a place among peers says which end
is the first ("3 av 12 (1 = högst)").
"""

from decimal import Decimal

from app.number_format import format_for_reader
from app.translation import gettext as _
from app.translation import ngettext

# Units of the figures shown: "tkr" and "kr" amounts, "%" shares, maturity "level",
# "fte" (full-time equivalents) and "" for a plain count.
DECIMALS = {"tkr": 0, "kr": 0, "": 0, "%": 1, "level": 1, "fte": 1}
# Shown after the number; a level or a count is named by its row, not its cell.
SUFFIX = {"tkr": "tkr", "kr": "kr", "%": "%"}
NBSP = "\u00a0"


def number(value, unit: str = "", locale: str | None = None) -> str:
    """The number alone, with the unit's fixed decimals: "4,0", "5 830", "12,3" (in the
    page's language, or in `locale`)."""
    if value is None:
        return "–"
    decimals = DECIMALS.get(unit, 0)
    text = format_for_reader(value, decimals, decimals, locale)
    # A value that rounds to zero is zero, whichever side it came from: its text, rounded
    # as the unit shows it, has no digit but zeros.
    if text.startswith("-") and not any(digit in text for digit in "123456789"):
        return text[1:]
    return text


def plain(value, decimals: int = 2) -> str:
    """A stored number as read in the page's language, at most `decimals` decimals:
    "1 234,5" in Swedish, "1,234.5" in English. A form field keeps the Swedish way, which is
    what its parser reads."""
    if value is None:
        return "–"
    return format_for_reader(value, decimals)


def figure(value, unit: str = "") -> str:
    """The number with its unit: "12,3 %", "5 830 kr", "4,0" (a level), "–" when missing."""
    if value is None:
        return "–"
    suffix = SUFFIX.get(unit)
    return f"{number(value, unit)}{NBSP}{suffix}" if suffix else number(value, unit)


def _rounds_to_zero(value, unit: str) -> bool:
    return round(Decimal(value), DECIMALS.get(unit, 0)) == 0


def _signed(value: Decimal, unit: str) -> str:
    if _rounds_to_zero(value, unit):
        return "±0"
    return ("+" if value > 0 else "") + number(value, unit)


def difference(now, before, unit: str = "") -> str:
    """`now` against `before` in the unit's own terms, or "–" when it cannot be said."""
    if now is None or before is None:
        return "–"
    now, before = Decimal(now), Decimal(before)
    if unit == "level":
        return _levels(now - before)
    if unit == "%":
        change = now - before
        # Always one decimal, so the plural reads right ("1,0 procentenheter").
        return _("%(change)s percentage points", change=_signed(change, "%"))
    if before == 0:
        return "–"  # a change from nothing has no size in per cent
    change = (now - before) * 100 / abs(before)
    return f"{_signed(change, '%')}{NBSP}%"


def _levels(change: Decimal) -> str:
    signed = _signed(change, "")
    if change == change.to_integral_value():
        return ngettext("%(change)s level", "%(change)s levels", abs(int(change)), change=signed)
    return _("%(change)s levels", change=_signed(change, "level"))


def place_among(place: int, of: int) -> str:
    """ "3 of 12 (1 = highest)": the place counted from the highest value."""
    return _("%(place)d of %(of)d (1 = highest)", place=place, of=of)
