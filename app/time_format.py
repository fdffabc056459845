"""A stored time as the lists show it, "4 dec. 2026 14:05" in Stockholm's time, written
without Babel's per-call cost.

flask_babel's `format_datetime(value, "d MMM y HH:mm")` looks up the request's time zone and
locale and reads its pattern on every call, some 70 µs; a list writes one per row. This
writes the same text from the locale's abbreviated month names, looked up once per locale;
`tests/unit/test_time_format.py` compares it with Babel on many times, the changes to and
from summer time included."""

from datetime import UTC, datetime

from babel import Locale

from app.timeutil import STOCKHOLM

_MONTHS: dict[str, list[str]] = {}


def _months(locale: str) -> list[str]:
    found = _MONTHS.get(locale)
    if found is None:
        names = Locale.parse(locale).months["format"]["abbreviated"]
        found = _MONTHS[locale] = [""] + [names[month] for month in range(1, 13)]
    return found


def stockholm_time(value: datetime, locale: str = "sv") -> str:
    """`value` (naive UTC, as stored, or aware) in Stockholm's time: day, the month's short
    name, year, hour and minute, as Babel writes "d MMM y HH:mm" in `locale`."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    local = aware.astimezone(STOCKHOLM)
    month = _months(locale)[local.month]
    return f"{local.day} {month} {local.year} {local.hour:02d}:{local.minute:02d}"
