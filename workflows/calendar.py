"""Working days in Sweden: no weekends, no public holidays, and none of the eves the law on
time limits treats like them (midsommarafton, julafton, nyårsafton)."""

from datetime import date, timedelta
from functools import cache

# The class itself, not the lazy alias holidays.SE, so the type checker sees it.
from holidays.countries.sweden import SE as SwedishHolidays


@cache
def _closed_days(year: int) -> frozenset[date]:
    public = SwedishHolidays(years=year, include_sundays=False)
    eves = {date(year, 12, 24), date(year, 12, 31)}
    eves |= {day - timedelta(days=1) for day, name in public.items() if "Midsummer" in name}
    return frozenset(public) | frozenset(eves)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _closed_days(day.year)


def add_working_days(start: date, days: int) -> date:
    """The day that is `days` working days after `start` (start itself not counted)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def subtract_working_days(start: date, days: int) -> date:
    """The day that is `days` working days before `start`."""
    day = start
    while days > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def closed_day_name(day: date, language: str = "sv") -> str | None:
    """Why `day` is not a working day — the holiday's name, or "weekend" — or None."""
    if is_working_day(day):
        return None
    names = SwedishHolidays(
        years=day.year, include_sundays=False, language="sv" if language == "sv" else "en_US"
    )
    if day in names:
        return str(names[day])
    if day == date(day.year, 12, 24):
        return "julafton" if language == "sv" else "Christmas Eve"
    if day == date(day.year, 12, 31):
        return "nyårsafton" if language == "sv" else "New Year's Eve"
    if day + timedelta(days=1) in names and day.weekday() < 5:
        return "midsommarafton" if language == "sv" else "Midsummer Eve"
    return "weekend"


def parse_days(text: str) -> list[int]:
    """A reminder plan's days before a deadline: '14, 7, 1' → [14, 7, 1] (1–90, largest
    first); raises ValueError on anything else."""
    days = sorted({int(part) for part in text.replace(" ", "").split(",") if part}, reverse=True)
    if not days or any(day < 1 or day > 90 for day in days):
        raise ValueError(text)
    return days
