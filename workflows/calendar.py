"""Working days in Sweden: no weekends, no public holidays, and none of the eves the law on
time limits treats like them (midsommarafton, julafton, nyårsafton)."""

from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _closed_days(year: int) -> frozenset[date]:
    public = holidays.SE(years=year, include_sundays=False)
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
