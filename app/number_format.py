"""Numbers written for a reader: "1 234 567,5" in Swedish, "1,234,567.5" in English.

The pages write a few hundred numbers each (a comparison: every value, last year's and the
peer range). Babel's `format_decimal` parses its pattern and looks up the locale's symbols on
every call, which made number formatting a quarter of a page's CPU time. This does the same
steps as Babel for the patterns the pages use ("#,##0", "#,##0.0", "#,##0.##", "#,##0.###":
grouping by three, a minimum and a maximum of decimals) with the symbols looked up once per
locale, and gives byte for byte Babel's answer: `tests/unit/test_number_format.py` checks it
against Babel on many values, the rounding (half to even, in the current decimal context),
negative zero and numbers of more digits than the context holds included.
"""

from decimal import Decimal, DefaultContext, InvalidOperation, getcontext

from babel import Locale
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol
from flask.globals import _cv_app
from flask_babel import get_locale

_QUANTA = [Decimal(10) ** -places for places in range(10)]
_SYMBOLS: dict[str, tuple[str, str]] = {}


def _symbols(locale: str) -> tuple[str, str]:
    """Group separator and decimal sign of a locale, from Babel, once."""
    if locale not in _SYMBOLS:
        _SYMBOLS[locale] = (get_group_symbol(locale), get_decimal_symbol(locale))
    return _SYMBOLS[locale]


# The text of each Decimal written, by value, sign, language and decimals: a page writes the
# same stored values view after view (a comparison some 250 of them). Only in the default
# decimal context, in which the pages write; equal Decimals (1.0 and 1.00) normalize alike,
# and the sign keeps -0 apart from 0.
_WRITTEN: dict[tuple, str] = {}
_MAX_WRITTEN = 50_000
_DEFAULT_CONTEXT = (DefaultContext.prec, DefaultContext.rounding)


def format_number(
    value: Decimal | int | float | str,
    locale: str = "sv",
    max_decimals: int = 3,
    min_decimals: int = 0,
) -> str:
    """`value` grouped in threes, rounded half to even to at most `max_decimals` decimals,
    trailing zeros dropped down to `min_decimals`: what Babel's `format_decimal` writes for
    the pattern "#,##0." followed by that many "0" and "#"."""
    if type(value) is not Decimal:
        return _format(value, locale, max_decimals, min_decimals)
    context = getcontext()
    if (context.prec, context.rounding) != _DEFAULT_CONTEXT:
        return _format(value, locale, max_decimals, min_decimals)
    key = (value, value.is_signed(), locale, max_decimals, min_decimals)
    text = _WRITTEN.get(key)
    if text is None:
        text = _format(value, locale, max_decimals, min_decimals)
        if len(_WRITTEN) >= _MAX_WRITTEN:
            _WRITTEN.clear()
        _WRITTEN[key] = text
    return text


def _format(value, locale: str, max_decimals: int, min_decimals: int) -> str:
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        return format_decimal(number, _pattern(max_decimals, min_decimals), locale=locale)
    group, point = _symbols(locale)
    negative = number.is_signed()
    # Babel normalizes first: more significant digits than the context holds are rounded
    # away before the quantizing, and a quantize that needs more raises InvalidOperation.
    rounded = abs(number).normalize().quantize(_QUANTA[max_decimals])
    whole, _, decimals = f"{rounded:f}".partition(".")
    text = f"{int(whole):,}".replace(",", group) if len(whole) > 3 else whole
    decimals = (decimals or "0").ljust(min_decimals, "0")
    if max_decimals and (min_decimals or decimals.strip("0")):
        text += point + (decimals.rstrip("0").ljust(min_decimals, "0"))
    # Babel's implied negative pattern is "-" and the positive one: a hyphen-minus in every
    # locale, whatever the locale's own minus sign.
    return "-" + text if negative else text


def _pattern(max_decimals: int, min_decimals: int) -> str:
    places = "0" * min_decimals + "#" * (max_decimals - min_decimals)
    return "#,##0" + ("." + places if places else "")


def current_locale() -> Locale | None:
    """flask_babel's `get_locale()`, read where flask_babel keeps it once chosen for the
    request (or set by `force_locale`): `get_locale()` resolves `flask.g` three times, 3 µs,
    and a page asks some four hundred times (every number and every translated string)."""
    context = _cv_app.get(None)
    kept = context.g.__dict__.get("_flask_babel") if context is not None else None
    locale = getattr(kept, "babel_locale", None)
    return locale if locale is not None else get_locale()


# The name of the locale last asked about, by the object itself: a request (or a
# `force_locale`) keeps one Locale object, and a page asks for its name with every number.
# Looked up by identity, since a Locale's own equality compares five attributes, each
# through `hasattr`: a fifth of a comparison page's number formatting.
_LAST_NAMED: tuple[Locale | None, str] = (None, "sv")


def request_locale() -> str:
    """The language of the text being written: the request's, or the one `force_locale`
    sets for a mail or a workbook in another language ("sv" outside a request)."""
    global _LAST_NAMED
    locale = current_locale()
    if locale is None:
        return "sv"
    last, name = _LAST_NAMED
    if locale is not last:
        name = f"{locale.language}_{locale.territory}" if locale.territory else locale.language
        _LAST_NAMED = (locale, name)
    return name


def format_for_reader(
    value, max_decimals: int = 3, min_decimals: int = 0, locale: str | None = None
) -> str:
    """A number in the language of the page being written (or in `locale`, when the caller
    writing many numbers has looked it up once)."""
    try:
        return format_number(value, locale or request_locale(), max_decimals, min_decimals)
    except InvalidOperation:  # more digits than the decimal context holds: shown as they are
        return str(value)
